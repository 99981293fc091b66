"""The client unit's pages: its activities, the request form, the panel once confirmed, attendance."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed
from expertpool.activities.tests.client_helpers import (
    accept_panel,
    client_of,
    client_user,
    requested_activity,
    revealed_activity,
)
from expertpool.audit.models import AuditRecord
from expertpool.draws.models import Attendance, PanelSeat
from expertpool.pools.models import Pool

pytestmark = pytest.mark.usefixtures("english")


def _form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "review",
        "title": "某化工企业清洁生产审核评估",
        "starts_at": "2030-03-04T09:00",
        "ends_at": "2030-03-04T17:00",
        "place": "广州市天河区某会议室",
        "panel_size": "3",
        "panel_size_reason": "",
        "notes": "",
        "subject_name_1": "某化工有限公司",
        "subject_uscc_1": "",
        "consultant_name_1": "某环保咨询有限公司",
        "need_cleaner_production": "3",
    }
    data.update(changes)
    return data


def _create_url(pool: Pool) -> str:
    return reverse("client:activity_create", kwargs={"pool_slug": pool.slug})


def test_client_unit_requests_an_activity_through_the_form(client: Client, gz_pool: Pool) -> None:
    user = client_user(gz_pool, "广州某使用单位")
    client.force_login(user)

    response = client.post(_create_url(gz_pool), _form())

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("client:activity_detail", kwargs={"pk": activity.pk})
    assert activity.client_unit.name == "广州某使用单位"
    assert timezone.localtime(activity.starts_at).hour == 9
    roles = {(p.role, p.organisation.name) for p in ActivityParty.objects.select_related("organisation")}
    assert roles == {("subject", "某化工有限公司"), ("consultant", "某环保咨询有限公司")}
    assert list(CategoryNeed.objects.values_list("category__code", "count")) == [("cleaner_production", 3)]
    assert AuditRecord.objects.filter(action="activity.requested", object_id=str(activity.pk)).exists()


def test_the_form_shows_every_refusal_by_field_and_stores_nothing(client: Client, gz_pool: Pool) -> None:
    client.force_login(client_user(gz_pool, "广州某使用单位"))

    response = client.post(
        _create_url(gz_pool),
        _form(subject_name_1="", ends_at="2030-03-04T08:00", panel_size="4", need_cleaner_production="5"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Name at least one subject organisation." in page
    assert "The activity must end after it starts." in page
    assert "needs a reason" in page
    assert "The categories need 5 experts, more than the panel size of 4." in page
    assert "某化工企业清洁生产审核评估" in page  # the input is kept
    assert not Activity.objects.exists()
    assert not AuditRecord.objects.filter(action="activity.requested").exists()


def test_a_panel_size_outside_the_rule_with_a_reason_waits_for_approval(client: Client, ur_pool: Pool) -> None:
    client.force_login(client_user(ur_pool, "乌鲁木齐某使用单位"))
    data = _form(panel_size="4", panel_size_reason="项目涉及四个专业", need_cleaner_production="")

    response = client.post(_create_url(ur_pool), data)

    activity = Activity.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert activity.panel_size_approved_at is None
    assert "Outside the rule: awaiting a pool admin" in detail


def test_the_form_is_not_found_outside_the_units_pools(client: Client, gz_pool: Pool, outsider: User) -> None:
    for user in (outsider, client_user(gz_pool, "广州某使用单位")):
        client.force_login(user)
        assert (
            client.get(reverse("client:activity_create", kwargs={"pool_slug": "urumqi-eco-environment"})).status_code
            == 404
        )
    client.force_login(outsider)
    assert client.get(_create_url(gz_pool)).status_code == 404


def test_home_lists_the_units_activities_in_a_fixed_number_of_queries(
    client: Client, gz_pool: Pool, ur_pool: Pool, django_assert_num_queries: Any
) -> None:
    user = client_user(gz_pool, "广州某使用单位")
    other = client_user(gz_pool, "另一使用单位")
    requested_activity(gz_pool, user, title="第一次评审")
    requested_activity(gz_pool, other, title="别人的评审")
    client.force_login(user)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("client:home"))
    for number in range(3):
        requested_activity(gz_pool, user, title=f"后续评审{number}")

    with django_assert_num_queries(len(first)):
        response = client.get(reverse("client:home"))

    page = response.content.decode()
    assert "第一次评审" in page
    assert "后续评审2" in page
    assert "别人的评审" not in page


def test_activity_detail_is_not_found_for_another_unit_and_the_outsider(
    client: Client, gz_pool: Pool, outsider: User
) -> None:
    activity = requested_activity(gz_pool, client_user(gz_pool, "广州某使用单位"))
    url = reverse("client:activity_detail", kwargs={"pk": activity.pk})

    for user in (client_user(gz_pool, "另一使用单位"), outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("client:attendance", kwargs={"pk": activity.pk})).status_code == 404


def test_the_panel_is_hidden_until_experts_confirm_and_each_view_is_audited(
    client: Client, gz_pool: Pool, gz_admin: User
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    client.force_login(client_of(activity))
    url = reverse("client:activity_detail", kwargs={"pk": activity.pk})
    seats = PanelSeat.objects.filter(activity=activity).select_related("expert")
    names = {seat.role: seat.expert.name for seat in seats}

    before = client.get(url).content.decode()
    assert "The panel is shown once experts have confirmed." in before
    assert names["panel"] not in before

    accepted = accept_panel(activity)
    after = client.get(url).content.decode()

    assert all(seat.expert.name in after for seat in PanelSeat.objects.filter(pk__in=[s.pk for s in accepted]))
    assert names["reserve"] not in after
    assert AuditRecord.objects.filter(action="panel.viewed", object_id=str(activity.pk)).count() == 2


def test_a_subject_organisation_never_sees_the_panel(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    accept_panel(activity)
    subject = ActivityParty.objects.get(activity=activity, role="subject").organisation
    client.force_login(client_user(gz_pool, subject.name))

    assert client.get(reverse("client:activity_detail", kwargs={"pk": activity.pk})).status_code == 404
    assert not AuditRecord.objects.filter(action="panel.viewed").exists()


def test_attendance_page_waits_for_the_start(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]
    client.force_login(client_of(activity))
    url = reverse("client:attendance", kwargs={"pk": activity.pk})

    assert "once the activity has started" in client.get(url).content.decode()
    response = client.post(url, {f"outcome-seat-{seat.pk}": "attended"})

    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_attendance_page_saves_every_row_or_none(
    client: Client, gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    first, second, third = accept_panel(activity)
    time_machine.move_to(activity.starts_at + datetime.timedelta(hours=2))
    client.force_login(client_of(activity))
    url = reverse("client:attendance", kwargs={"pk": activity.pk})
    rows = {
        f"outcome-seat-{first.pk}": "attended",
        f"outcome-seat-{second.pk}": "absent_with_reason",
        f"outcome-seat-{third.pk}": "left_during_work",
    }

    refused = client.post(url, rows)
    assert refused.status_code == 400
    assert "An absence with a valid reason needs the reason in the note." in refused.content.decode()
    assert not Attendance.objects.exists()

    saved = client.post(url, {**rows, f"note-seat-{second.pk}": "高铁停运，会前已请假"})

    assert saved.status_code == 302
    assert Attendance.objects.count() == 3
    activity.refresh_from_db()
    assert activity.status == Activity.Status.COMPLETED


def test_the_header_links_client_units_to_their_pages(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    client.force_login(client_user(gz_pool, "广州某使用单位"))
    assert 'href="/client/"' in client.get(reverse("client:home")).content.decode()

    client.force_login(gz_admin)
    assert 'href="/client/"' not in client.get(reverse("home")).content.decode()
