"""The reveal records the panel as seats and refuses to book an expert twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.activities.tests.test_booked_and_served import seat
from expertpool.audit.models import AuditRecord
from expertpool.draws import algorithm
from expertpool.draws.models import TRANSITIONS, DrawReveal, PanelSeat
from expertpool.draws.selectors import draw_labels
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.draws.tests.factories import (
    PUBLIC,
    SOURCE,
    SUPERVISOR,
    committed_and_revealed,
    make_activity,
    make_experts,
)
from expertpool.pools.models import Pool


def test_reveal_creates_seats_in_draw_order_with_roles(gz_pool: Pool, gz_admin: User) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    experts = draw_labels(user=gz_admin, draw=draw)
    activity = Activity.objects.get(pk=draw.activity_id)

    seats = list(PanelSeat.objects.filter(reveal=reveal).values_list("role", "position", "expert_id", "status"))

    panel = [experts[s["label"]] for s in reveal.result["panel"]]
    reserves = [experts[r["label"]] for r in reveal.result["reserves"]]
    # Panel members are invited in the same transaction; reserves wait, drawn.
    assert seats == [("panel", n + 1, e, "invited") for n, e in enumerate(panel)] + [
        ("reserve", n + 1, e, "drawn") for n, e in enumerate(reserves)
    ]
    times = set(PanelSeat.objects.filter(reveal=reveal).values_list("activity_id", "booked_from", "booked_until"))
    assert times == {(activity.pk, activity.starts_at, activity.ends_at)}


def test_reveal_refuses_an_expert_booked_after_the_commit_and_stores_nothing(gz_pool: Pool, gz_admin: User) -> None:
    make_experts(gz_pool, 7)
    activity = make_activity(gz_pool, gz_admin)
    draw = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE)
    # Who the reveal will draw: the algorithm is pure, so the test can run it first.
    result = algorithm.draw(
        algorithm.commitment_from_document(draw.commitment), [*PUBLIC, *SUPERVISOR], draw.server_secret
    )
    booked = draw_labels(user=gz_admin, draw=draw)[result.panel[0].label]
    seat(make_activity(gz_pool, gz_admin), booked)  # the same times: overlapping

    with pytest.raises(ValidationError) as refused:
        draw_reveal(actor=gz_admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)

    assert refused.value.message_dict["draw"][0].startswith(
        "1 of the drawn panel members were booked for an overlapping activity"
    )
    assert not DrawReveal.objects.filter(draw=draw).exists()
    assert not PanelSeat.objects.filter(activity=activity).exists()
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.REQUESTED
    assert not AuditRecord.objects.filter(action="draw.revealed").exists()
    redraw = draw_commit(
        actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=draw, reason="专家已被其他活动抽中"
    )
    assert [e["rule"] for e in redraw.commitment["exclusions"]] == ["overlapping_booking"]


def test_every_status_has_its_transitions_and_only_some_end_there() -> None:
    assert set(TRANSITIONS) == set(PanelSeat.Status)
    assert all(targets <= set(PanelSeat.Status) for targets in TRANSITIONS.values())
    assert {status for status, targets in TRANSITIONS.items() if not targets} == {"replaced", "released"}
