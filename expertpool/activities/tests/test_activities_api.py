"""The activities API: requesting, listing, reading with the panel, approving a size, attendance."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from expertpool.accounts.models import User
from expertpool.activities.models import Activity, ActivityParty
from expertpool.activities.tests.client_helpers import (
    accept_panel,
    client_of,
    client_user,
    requested_activity,
    revealed_activity,
)
from expertpool.audit.models import AuditRecord
from expertpool.draws.models import Attendance, PanelSeat
from expertpool.draws.tests.factories import make_supervisor
from expertpool.pools.models import Pool

BODY: dict[str, Any] = {
    "kind": "review",
    "title": "某化工企业清洁生产审核评估",
    "starts_at": "2030-03-04T09:00:00+08:00",
    "ends_at": "2030-03-04T17:00:00+08:00",
    "place": "广州市天河区某会议室",
    "subjects": [{"name": "某化工有限公司", "uscc": ""}],
    "consultants": [{"name": "某环保咨询有限公司"}],
    "category_needs": [{"category": "cleaner_production", "count": 3}],
}
LIST = "/api/pools/gz-cleaner-production/activities"
pytestmark = pytest.mark.usefixtures("english")


def _post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_client_unit_requests_an_activity(client: Client, gz_pool: Pool) -> None:
    client.force_login(client_user(gz_pool, "广州某使用单位"))

    response = _post(client, LIST, BODY)

    assert response.status_code == 201
    data = response.json()
    activity = Activity.objects.get()
    assert data["id"] == activity.pk
    assert data["panel_size"] == gz_pool.policy.rules.panel.min_size
    assert data["panel_size_state"] == "within_rule"
    assert data["client_unit"]["name"] == "广州某使用单位"
    assert data["subjects"] == [{"name": "某化工有限公司", "uscc": None}]
    assert data["category_needs"] == [{"category": "cleaner_production", "count": 3}]


def test_refusals_come_by_field_and_store_nothing(client: Client, gz_pool: Pool) -> None:
    client.force_login(client_user(gz_pool, "广州某使用单位"))

    response = _post(client, LIST, {**BODY, "subjects": [], "panel_size": 4, "kind": "picnic"})

    assert response.status_code == 400
    errors = response.json()
    assert errors["subjects"] == ["Name at least one subject organisation."]
    assert errors["kind"] == ["Unknown kind of activity: picnic."]
    assert "panel_size_reason" in errors
    assert not Activity.objects.exists()


def test_only_a_client_unit_requests_and_the_outsider_finds_nothing(
    client: Client, gz_pool: Pool, gz_admin: User, outsider: User
) -> None:
    client.force_login(gz_admin)
    assert _post(client, LIST, BODY).status_code == 403
    client.force_login(outsider)
    assert _post(client, LIST, BODY).status_code == 404
    assert client.get(LIST).status_code == 404
    assert not Activity.objects.exists()


def test_the_list_shows_a_unit_its_own_and_the_staff_all_in_fixed_queries(
    client: Client, gz_pool: Pool, gz_admin: User, django_assert_num_queries: Any
) -> None:
    mine = client_user(gz_pool, "广州某使用单位")
    requested_activity(gz_pool, mine, title="我的评审")
    requested_activity(gz_pool, client_user(gz_pool, "另一使用单位"), title="别人的评审")
    client.force_login(mine)

    assert [row["title"] for row in client.get(LIST).json()["results"]] == ["我的评审"]

    client.force_login(gz_admin)
    with CaptureQueriesContext(connection) as first:
        client.get(LIST)
    for number in range(3):
        requested_activity(gz_pool, mine, title=f"后续评审{number}")
    with django_assert_num_queries(len(first)):
        response = client.get(LIST)
    assert response.json()["count"] == 5


def test_detail_shows_the_client_unit_only_confirmed_experts(
    client: Client, gz_pool: Pool, gz_admin: User, outsider: User
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    url = f"/api/activities/{activity.pk}"
    client.force_login(client_of(activity))
    assert client.get(url).json()["panel"] == {"full": False, "entries": []}

    accepted = accept_panel(activity)
    panel = client.get(url).json()["panel"]

    assert [entry["seat_id"] for entry in panel["entries"]] == [seat.pk for seat in accepted]
    assert AuditRecord.objects.filter(action="panel.viewed", object_id=str(activity.pk)).count() == 2
    for user in (client_user(gz_pool, "另一使用单位"), outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_detail_shows_admins_and_supervisors_every_seat_and_reviewers_none(
    client: Client, gz_pool: Pool, gz_admin: User, gz_reviewer: User
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    url = f"/api/activities/{activity.pk}"
    seats = PanelSeat.objects.filter(activity=activity).count()

    for user in (gz_admin, make_supervisor(gz_pool)):
        client.force_login(user)
        panel = client.get(url).json()["panel"]
        assert panel["full"] is True
        assert len(panel["entries"]) == seats
    client.force_login(gz_reviewer)
    assert client.get(url).json()["panel"] is None


def test_a_subject_organisation_finds_no_activity(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    accept_panel(activity)
    subject = ActivityParty.objects.get(activity=activity, role="subject").organisation
    client.force_login(client_user(gz_pool, subject.name))

    assert client.get(f"/api/activities/{activity.pk}").status_code == 404
    assert client.get(f"/api/activities/{activity.pk}/attendance").status_code == 404


def test_pool_admin_approves_a_panel_size_outside_the_rule(
    client: Client, ur_pool: Pool, ur_admin: User, gz_admin: User
) -> None:
    unit = client_user(ur_pool, "乌鲁木齐某使用单位")
    client.force_login(unit)
    body = {**BODY, "panel_size": 4, "panel_size_reason": "项目涉及四个专业", "category_needs": []}
    created = _post(client, "/api/pools/urumqi-eco-environment/activities", body).json()
    url = f"/api/activities/{created['id']}/approve-panel-size"
    assert created["panel_size_state"] == "awaiting_approval"

    assert _post(client, url).status_code == 403
    client.force_login(gz_admin)
    assert _post(client, url).status_code == 404
    client.force_login(ur_admin)
    approved = _post(client, url)

    assert approved.status_code == 200
    assert approved.json()["panel_size_state"] == "approved"
    assert _post(client, url).json() == {"panel_size": ["This panel size is approved already."]}


def test_attendance_is_recorded_all_or_nothing_once_started(
    client: Client, gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    first, second, third = accept_panel(activity)
    url = f"/api/activities/{activity.pk}/attendance"
    entries = [
        {"seat_id": first.pk, "outcome": "attended"},
        {"seat_id": second.pk, "outcome": "absent_with_reason"},
        {"seat_id": third.pk, "outcome": "absent_without_reason"},
    ]
    client.force_login(client_of(activity))
    early = _post(client, url, {"entries": entries})
    assert early.status_code == 400
    assert list(early.json()) == ["activity"]

    time_machine.move_to(activity.starts_at + datetime.timedelta(hours=1))
    client.force_login(client_of(activity))
    refused = _post(client, url, {"entries": entries})
    assert refused.status_code == 400
    assert refused.json() == {
        "entries": {"1": {"note": ["An absence with a valid reason needs the reason in the note."]}}
    }
    assert not Attendance.objects.exists()

    entries[1]["note"] = "会前书面请假"
    saved = _post(client, url, {"entries": entries})

    assert saved.status_code == 200
    assert saved.json()["activity_status"] == "completed"
    assert [row["outcome"] for row in saved.json()["entries"]] == [
        "attended",
        "absent_with_reason",
        "absent_without_reason",
    ]


def test_attendance_is_written_only_by_the_client_unit(
    client: Client, gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]
    time_machine.move_to(activity.starts_at + datetime.timedelta(hours=1))
    client.force_login(gz_admin)

    response = _post(
        client, f"/api/activities/{activity.pk}/attendance", {"entries": [{"seat_id": seat.pk, "outcome": "attended"}]}
    )

    assert response.status_code == 403
    assert client.get(f"/api/activities/{activity.pk}/attendance").status_code == 200
    assert not Attendance.objects.exists()


def test_the_schema_documents_the_endpoints(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {"get", "post"} <= set(paths["/api/pools/{slug}/activities"])
    assert "get" in paths["/api/activities/{id}"]
    assert "post" in paths["/api/activities/{id}/approve-panel-size"]
    assert {"get", "post"} <= set(paths["/api/activities/{id}/attendance"])
