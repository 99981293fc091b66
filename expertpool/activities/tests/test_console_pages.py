"""The pool staff's activity list and activity page: filters, query count, the panel-size
approval and the panel as far as each role may see it."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.models import Activity
from expertpool.activities.services import activity_create
from expertpool.audit.models import AuditRecord
from expertpool.draws.tests.factories import committed_and_revealed, make_activity, make_supervisor
from expertpool.experts.models import Expert
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool


def list_url(pool: Pool) -> str:
    return f"/console/{pool.slug}/activities/"


def detail_url(pool: Pool, activity: Activity) -> str:
    return f"/console/{pool.slug}/activities/{activity.pk}/"


def request_activity(pool: Pool, admin: User, *, title: str, panel_size: int = 3, reason: str = "") -> Activity:
    """An activity with no category needs, requested by a new client unit of ``pool``."""
    user = User.objects.create_user(username=f"unit-{pool.slug}-{title}", password=None)
    unit = organisation_get_or_create(name=f"{title}委托单位", uscc="", actor=admin)
    pool_role_grant(actor=admin, user=user, pool=pool, role=Role.CLIENT_UNIT, organisation=unit)
    starts = timezone.now() + datetime.timedelta(days=20)
    return activity_create(
        actor=user,
        pool=pool,
        kind=pool.policy.rules.activity_kinds[0].code,
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place="现场",
        panel_size=panel_size,
        panel_size_reason=reason,
        subjects=[("某电镀有限公司", "")],
    )


def test_list_shows_the_pools_activities_filtered_by_status(
    gz_pool: Pool, ur_pool: Pool, gz_admin: User, ur_admin: User, client: Client
) -> None:
    requested = make_activity(gz_pool, gz_admin)
    drawn, _reveal = committed_and_revealed(gz_pool, gz_admin)
    elsewhere = request_activity(ur_pool, ur_admin, title="乌鲁木齐评审")
    client.force_login(gz_admin)

    everything = client.get(list_url(gz_pool)).content.decode()
    only_drawn = client.get(list_url(gz_pool), {"status": Activity.Status.DRAWN})

    assert detail_url(gz_pool, requested) in everything
    assert detail_url(gz_pool, drawn.activity) in everything
    assert f"/activities/{elsewhere.pk}/" not in everything
    assert [activity.pk for activity, _kind in only_drawn.context["rows"]] == [drawn.activity_id]


def test_list_query_count_does_not_grow_with_activities(
    gz_pool: Pool, gz_admin: User, client: Client, django_assert_num_queries: Any
) -> None:
    make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)
    client.get(list_url(gz_pool))

    # Session, user, pool, roles, count, the page, its parties and needs, the navigation's expert check.
    with django_assert_num_queries(9):
        client.get(list_url(gz_pool))
    for _ in range(4):
        make_activity(gz_pool, gz_admin)
    with django_assert_num_queries(9):
        response = client.get(list_url(gz_pool))
    assert len(response.context["rows"]) == 5


def test_detail_shows_the_request_and_the_panel_to_the_admin(
    gz_pool: Pool, gz_admin: User, client: Client, english: None
) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_admin)

    page = client.get(detail_url(gz_pool, draw.activity)).content.decode()

    assert "清洁生产审核评估" in page
    assert "某化工有限公司" in page
    assert f"/activities/{draw.activity_id}/draw/" in page
    for name in Expert.objects.filter(panel_seats__reveal=reveal).values_list("name", flat=True):
        assert name in page
    viewed = AuditRecord.objects.get(action="panel.viewed")
    assert viewed.actor == gz_admin
    assert viewed.data["full"] is True


def test_reviewer_reads_the_request_but_not_who_was_drawn(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, client: Client
) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_reviewer)

    response = client.get(detail_url(gz_pool, draw.activity))

    assert response.status_code == 200
    page = response.content.decode()
    assert "清洁生产审核评估" in page
    names = Expert.objects.filter(panel_seats__reveal=reveal).values_list("name", flat=True)
    assert not any(name in page for name in names)
    assert response.context["panel"] is None


def test_admin_approves_a_panel_size_outside_the_rule(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, client: Client, english: None
) -> None:
    # An even panel: outside GZ's rule, so it waits for an admin's approval.
    activity = request_activity(gz_pool, gz_admin, title="四人验收", panel_size=4, reason="现场分两组踏勘")
    approve = f"{detail_url(gz_pool, activity)}approve-panel-size/"

    client.force_login(gz_reviewer)
    assert "Approve this panel size" not in client.get(detail_url(gz_pool, activity)).content.decode()
    assert client.post(approve).status_code == 403
    client.force_login(gz_admin)
    assert "Approve this panel size" in client.get(detail_url(gz_pool, activity)).content.decode()
    response = client.post(approve)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.panel_size_approved_by == gz_admin
    assert AuditRecord.objects.filter(action="activity.panel_size_approved").count() == 1
    # A second approval is refused with the service's message, nothing changed.
    again = client.post(approve, follow=True)
    assert "This panel size is approved already." in again.content.decode()


def test_outsider_and_other_pools_get_not_found(
    gz_pool: Pool, ur_pool: Pool, gz_admin: User, outsider: User, client: Client
) -> None:
    activity = make_activity(gz_pool, gz_admin)
    client.force_login(outsider)

    assert client.get(list_url(gz_pool)).status_code == 404
    assert client.get(detail_url(gz_pool, activity)).status_code == 404
    assert client.post(f"{detail_url(gz_pool, activity)}approve-panel-size/").status_code == 404
    # The activity asked for through a pool the user does manage is not found either.
    assert client.get(f"/console/{ur_pool.slug}/activities/{activity.pk}/").status_code == 404


def test_supervisor_sees_the_panel(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(make_supervisor(gz_pool))

    page = client.get(detail_url(gz_pool, draw.activity)).content.decode()

    for name in Expert.objects.filter(panel_seats__reveal=reveal).values_list("name", flat=True):
        assert name in page
