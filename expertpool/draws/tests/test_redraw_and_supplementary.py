"""A re-draw releases the earlier seats; a supplementary draw fills only the open seats."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from expertpool.accounts.models import User
from expertpool.activities.candidates import candidate_report
from expertpool.activities.models import Activity
from expertpool.audit.models import AuditRecord
from expertpool.draws.models import FILLING, Draw, PanelSeat
from expertpool.draws.services import draw_commit, draw_reveal, open_seats, reserves_left
from expertpool.draws.tests.factories import PUBLIC, SOURCE, SUPERVISOR, committed_and_revealed
from expertpool.experts.models import Expert
from expertpool.pools.models import Pool


def _exhaust(activity: Activity, declined_panel_seats: int) -> None:
    """Panel members decline and every reserve has been used up (statuses set directly)."""
    seats = PanelSeat.objects.filter(activity=activity)
    for seat in seats.filter(role=PanelSeat.Role.PANEL).order_by("position")[:declined_panel_seats]:
        seat.status = PanelSeat.Status.DECLINED
        seat.save()
    for seat in seats.filter(role=PanelSeat.Role.RESERVE):
        seat.status = PanelSeat.Status.DECLINED
        seat.save()


def test_redraw_of_a_revealed_draw_releases_its_seats_and_audits_each(gz_pool: Pool, gz_admin: User) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin)
    activity = Activity.objects.get(pk=first.activity_id)

    again = draw_commit(
        actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first, reason="监督人缺席"
    )

    assert again.kind == Draw.Kind.REDRAW
    assert set(PanelSeat.objects.filter(reveal__draw=first).values_list("status", flat=True)) == {"released"}
    released = AuditRecord.objects.filter(action="panel.seat_released")
    assert released.count() == PanelSeat.objects.filter(reveal__draw=first).count()
    assert {record.data["reason"] for record in released} == {"监督人缺席"}
    why = set(
        PanelSeat.objects.filter(reveal__draw=first).values_list("release_rule", "release_clause", "release_detail")
    )
    assert why == {("redraw", gz_pool.policy.rules.panel.clause or "", "监督人缺席")}
    # The released experts may be drawn again: the re-draw is for the whole panel.
    report = candidate_report(activity=activity)
    assert report.seats_to_fill == activity.panel_size
    assert {e.rule for e in report.exclusions} == set()


def test_supplementary_draw_needs_the_reserves_used_up_first(gz_pool: Pool, gz_admin: User) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin, experts=9)
    activity = Activity.objects.get(pk=first.activity_id)
    _exhaust(activity, 0)
    PanelSeat.objects.filter(activity=activity, role=PanelSeat.Role.RESERVE).update(status=PanelSeat.Status.DRAWN)

    with pytest.raises(ValidationError) as refused:
        draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first, supplementary=True)

    assert "activity" in refused.value.message_dict
    assert Draw.objects.filter(activity=activity).count() == 1


def test_supplementary_draw_fills_open_seats_and_skips_who_was_asked(gz_pool: Pool, gz_admin: User) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin, experts=9)
    activity = Activity.objects.get(pk=first.activity_id)
    _exhaust(activity, 1)
    asked = set(PanelSeat.objects.filter(activity=activity).values_list("expert_id", flat=True))
    assert open_seats(activity) == 1
    assert not reserves_left(activity)

    extra = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first, supplementary=True)
    reveal = draw_reveal(actor=gz_admin, draw=extra, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)

    assert extra.kind == Draw.Kind.SUPPLEMENTARY
    assert extra.previous_id == first.pk
    assert extra.reason  # a default reason is recorded
    assert extra.commitment["panel"]["size"] == 1
    assert extra.commitment["previous"]["commitment_hash"] == first.commitment_hash
    new_panel = PanelSeat.objects.get(reveal=reveal, role=PanelSeat.Role.PANEL)
    assert new_panel.expert_id not in asked
    assert new_panel.category == "cleaner_production"
    exclusions = {(e["rule"]) for e in extra.commitment["exclusions"]}
    assert "already_asked" in exclusions
    # The factory's experts all work at different employers: the seated employers are excluded too.
    seated = PanelSeat.objects.filter(FILLING, activity=activity).exclude(reveal=reveal)
    assert seated.count() == activity.panel_size - 1
    seated_employers = set(Expert.objects.filter(panel_seats__in=seated).values_list("employer_id", flat=True))
    assert Expert.objects.get(pk=new_panel.expert_id).employer_id not in seated_employers
    assert open_seats(activity) == 0


def test_supplementary_draw_follows_only_a_revealed_draw(gz_pool: Pool, gz_admin: User) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin, experts=9)
    activity = Activity.objects.get(pk=first.activity_id)
    _exhaust(activity, 1)
    redraw = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first, reason="重抽")

    with pytest.raises(ValidationError) as refused:
        draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=redraw, supplementary=True)

    assert refused.value.message_dict["previous"] == ["A supplementary draw follows a revealed draw."]
