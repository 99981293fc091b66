"""The admin draw page (report, commit, reveal, re-draw), the supervisor's list of draws
with verification, and the record download."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.activities.services import conflict_declare
from expertpool.audit.models import AuditRecord
from expertpool.draws.invitations import invitation_decline
from expertpool.draws.models import Draw, DrawReveal, PanelSeat
from expertpool.draws.records import draw_record
from expertpool.draws.tests.factories import (
    SOURCE,
    committed_and_revealed,
    make_activity,
    make_experts,
    make_supervisor,
)
from expertpool.experts.models import Expert
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.pools.models import Pool

REVEAL = {"reveal-group_0": "27 3 14 9 31 22", "reveal-group_1": "7", "reveal-group_2": "408215"}


def page_url(pool: Pool, activity: Activity) -> str:
    return f"/console/{pool.slug}/activities/{activity.pk}/draw/"


def commit(client: Client, pool: Pool, activity: Activity, **fields: str) -> Any:
    kind = fields.pop("kind", "initial")
    data = {"kind": kind, f"{kind}-randomness_source": SOURCE, **{f"{kind}-{k}": v for k, v in fields.items()}}
    return client.post(page_url(pool, activity), data)


def test_admin_sees_counts_and_exclusions_with_clause_before_committing(
    gz_pool: Pool, gz_admin: User, client: Client, english: None
) -> None:
    make_experts(gz_pool, 5)
    record = make_expert_record(employer_name="某化工有限公司", categories=("cleaner_production",))
    excluded = expert_register(actor=None, pool=gz_pool, record=record).expert
    activity = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)

    page = client.get(page_url(gz_pool, activity)).content.decode()

    assert "Counts at each filter" in page
    assert "active members in the needed categories" in page
    assert "Employer is a subject of the activity" in page
    assert "GZ 三（四）" in page
    assert excluded.name in page
    assert 'name="kind" value="initial"' in page
    assert not Draw.objects.exists()


def test_shortfall_is_said_in_plain_words_and_nothing_is_committed(
    gz_pool: Pool, gz_admin: User, client: Client, english: None
) -> None:
    make_experts(gz_pool, 2)
    activity = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)

    assert "only 2 remain after recusal" in client.get(page_url(gz_pool, activity)).content.decode()
    response = commit(client, gz_pool, activity)

    assert response.status_code == 400
    assert "Too few experts remain: nothing will be drawn." in response.content.decode()
    assert not Draw.objects.exists()


def test_admin_commits_then_reveals_through_the_page(
    gz_pool: Pool, gz_admin: User, client: Client, english: None
) -> None:
    make_experts(gz_pool, 7)
    activity = make_activity(gz_pool, gz_admin)
    supervisor = make_supervisor(gz_pool)
    client.force_login(gz_admin)

    committed = commit(client, gz_pool, activity, supervisor=str(supervisor.pk))
    draw = Draw.objects.get(activity=activity)
    page = client.get(page_url(gz_pool, activity)).content.decode()
    revealed = client.post(f"/console/{gz_pool.slug}/draws/{draw.pk}/reveal/", REVEAL)
    page_after = client.get(page_url(gz_pool, activity)).content.decode()

    assert committed.status_code == 302
    assert draw.supervisor == supervisor
    assert draw.commitment["randomness"]["source"] == SOURCE
    assert draw.commitment_hash in page
    assert "Enter the revealed numbers" in page
    assert revealed.status_code == 302
    reveal = DrawReveal.objects.get(draw=draw)
    assert reveal.randomness["values"] == [[27, 3, 14, 9, 31, 22], [7], [408215]]
    assert reveal.seed in page_after
    panel = PanelSeat.objects.filter(reveal=reveal, role=PanelSeat.Role.PANEL).select_related("expert")
    assert all(seat.expert.name in page_after for seat in panel)
    assert "verified" in page_after
    assert AuditRecord.objects.filter(action="panel.viewed", actor=gz_admin).exists()


def test_wrong_numbers_are_refused_beside_their_field(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)
    commit(client, gz_pool, activity)
    draw = Draw.objects.get(activity=activity)

    bad = {**REVEAL, "reveal-group_0": "1 2 3 4 5 5", "reveal-group_1": "17"}
    response = client.post(f"/console/{gz_pool.slug}/draws/{draw.pk}/reveal/", bad)

    assert response.status_code == 400
    form = response.context["reveal_form"]
    assert set(form.errors) == {"group_0", "group_1"}
    assert not DrawReveal.objects.exists()


def test_redraw_needs_its_reason_and_is_chained(gz_pool: Pool, gz_admin: User, client: Client, english: None) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin)
    activity = Activity.objects.get(pk=first.activity_id)
    client.force_login(gz_admin)

    missing = commit(client, gz_pool, activity, kind="redraw")
    chained = commit(client, gz_pool, activity, kind="redraw", reason="两名专家因病不能参加")

    assert missing.status_code == 400
    assert "reason" in missing.context["redraw_form"].errors
    assert chained.status_code == 302
    second = Draw.objects.get(activity=activity, kind=Draw.Kind.REDRAW)
    assert second.previous == first
    assert second.reason == "两名专家因病不能参加"
    page = client.get(page_url(gz_pool, activity)).content.decode()
    assert "Superseded by a re-draw" in page
    assert "两名专家因病不能参加" in page


def test_reviewer_and_supervisor_read_but_cannot_commit(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, client: Client
) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)
    supervisor = make_supervisor(gz_pool)

    for user in (gz_reviewer, supervisor):
        client.force_login(user)
        page = client.get(page_url(gz_pool, activity))
        assert page.status_code == 200
        assert 'name="kind"' not in page.content.decode()
        assert commit(client, gz_pool, activity).status_code == 403
    assert not Draw.objects.exists()


def test_reviewer_sees_the_result_by_label_only(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, client: Client
) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_reviewer)

    page = client.get(page_url(gz_pool, draw.activity)).content.decode()

    assert reveal.result["panel"][0]["label"] in page
    names = Expert.objects.filter(panel_seats__reveal=reveal).values_list("name", flat=True)
    assert not any(name in page for name in names)


def test_outsider_gets_not_found_everywhere(gz_pool: Pool, gz_admin: User, outsider: User, client: Client) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(outsider)
    base = f"/console/{gz_pool.slug}"

    for url in (
        page_url(gz_pool, draw.activity),
        f"{base}/draws/",
        f"{base}/draws/{draw.pk}/record.json",
        f"{base}/draws/{draw.pk}/sheet.pdf",
    ):
        assert client.get(url).status_code == 404
    assert commit(client, gz_pool, draw.activity).status_code == 404
    assert client.post(f"{base}/draws/{draw.pk}/reveal/", REVEAL).status_code == 404
    # Through the outsider's own pool the draw does not exist either.
    assert client.get(f"/console/urumqi-eco-environment/draws/{draw.pk}/record.json").status_code == 404


def test_supervisor_page_verifies_each_draw_and_names_what_differs(
    gz_pool: Pool, gz_admin: User, client: Client, english: None
) -> None:
    _draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    supervisor = make_supervisor(gz_pool)
    client.force_login(supervisor)

    assert "verified" in client.get(f"/console/{gz_pool.slug}/draws/").content.decode()

    # Stored rows refuse changes through the ORM; an attacker with the database does not ask.
    tampered = dict(reveal.result)
    original = tampered["panel"][0]["label"]
    tampered["panel"] = [{**tampered["panel"][0], "label": "C99"}, *tampered["panel"][1:]]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE draws_drawreveal SET result = %s WHERE id = %s", [json.dumps(tampered), reveal.pk])
    page = client.get(f"/console/{gz_pool.slug}/draws/").content.decode()

    assert "differs" in page
    assert f"result.panel[0].label: recorded &quot;C99&quot;, recomputed &quot;{original}&quot;" in page


def test_supervisor_page_query_count_does_not_grow_with_draws(
    gz_pool: Pool, gz_admin: User, client: Client, django_assert_num_queries: Any
) -> None:
    committed_and_revealed(gz_pool, gz_admin)
    make_experts(gz_pool, 2)
    draw_commit_only = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)
    url = f"/console/{gz_pool.slug}/draws/"
    client.get(url)  # warm the session and the user's role cache

    # Session, user, pool, roles, count, the page of draws, the navigation's expert check: none per draw.
    with django_assert_num_queries(7):
        client.get(url)
    committed_and_revealed(gz_pool, gz_admin)
    commit(client, gz_pool, draw_commit_only)
    assert Draw.objects.count() == 3
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["rows"]) == 3


def test_record_download_equals_the_record_and_is_audited(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, client: Client
) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_reviewer)

    response = client.get(f"/console/{gz_pool.slug}/draws/{draw.pk}/record.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == json.loads(json.dumps(draw_record(draw)))
    exported = AuditRecord.objects.get(action="draw.exported")
    assert exported.data["format"] == "json"
    assert exported.actor == gz_reviewer


def test_supplementary_draw_is_offered_once_the_reserves_ran_out(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    first, reveal = committed_and_revealed(gz_pool, gz_admin, experts=9)
    activity = Activity.objects.get(pk=first.activity_id)
    client.force_login(gz_admin)
    assert "supplementary_form" not in client.get(page_url(gz_pool, activity)).context

    # One panel member declined and every reserve was used up (statuses set directly).
    seats = PanelSeat.objects.filter(reveal=reveal).order_by("role", "position")
    for seat in [*seats.filter(role=PanelSeat.Role.PANEL)[:1], *seats.filter(role=PanelSeat.Role.RESERVE)]:
        seat.status = PanelSeat.Status.DECLINED
        seat.save()
    assert "supplementary_form" in client.get(page_url(gz_pool, activity)).context
    response = commit(client, gz_pool, activity, kind="supplementary")

    assert response.status_code == 302
    extra = Draw.objects.get(activity=activity, kind=Draw.Kind.SUPPLEMENTARY)
    assert extra.previous == first
    assert extra.commitment["panel"]["size"] == 1


def test_a_refusal_is_shown_when_the_form_is_gone(gz_pool: Pool, gz_admin: User, client: Client, english: None) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
    client.force_login(gz_admin)

    response = commit(client, gz_pool, activity)

    assert response.status_code == 400
    assert "Experts are drawn only for an activity not yet staffed." in response.content.decode()
    assert not Draw.objects.exists()


def test_a_released_seat_says_why_on_the_draw_page(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    _draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    activity = Activity.objects.get(pk=reveal.draw.activity_id)
    reserve = PanelSeat.objects.get(reveal=reveal, role=PanelSeat.Role.RESERVE, position=1)
    conflict_declare(actor=gz_admin, expert=reserve.expert, relation="近亲属任职", organisation_name="某化工有限公司")
    declined = PanelSeat.objects.get(reveal=reveal, role=PanelSeat.Role.PANEL, position=1)
    invitation_decline(seat=declined, reason="illness", via="link")
    client.force_login(gz_admin)

    page = client.get(page_url(gz_pool, activity)).content.decode()

    assert "已申报利害关系（GZ 三（四））：" in page
    assert "某化工有限公司" in page
