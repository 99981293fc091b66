"""Directed selection API: the same rules as the pages, 404 for strangers, 403 for the wrong role."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from expertpool.accounts.models import User
from expertpool.activities.models import Activity, DirectedSelection
from expertpool.activities.tests.directed_helpers import (
    html_renamed,
    make_request,
    make_unit,
    pdf_letter,
    request_fields,
)
from expertpool.audit.models import AuditRecord
from expertpool.experts.models import Expert, Membership
from expertpool.pools.models import Pool


@pytest.fixture(autouse=True)
def in_english(english: None) -> None:
    """Answers compared by their English msgids."""


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def activity_url(activity: Activity) -> str:
    return f"/api/activities/{activity.pk}/directed-selections"


def decision_url(directed: DirectedSelection, action: str) -> str:
    return f"/api/directed-selections/{directed.pk}/{action}"


def test_client_unit_creates_with_a_multipart_letter(gz_unit: User, activity: Activity) -> None:
    response = api(gz_unit).post(
        activity_url(activity), {**request_fields(), "letter": pdf_letter()}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "王定向"
    assert body["status"] == "requested"
    assert body["directed"] is True
    assert body["mobile"] == "139****5678"
    assert body["letter"]["content_type"] == "application/pdf"
    assert body["requested_by"] == "gz_unit"
    assert AuditRecord.objects.filter(action="directed_selection.requested", object_id=str(body["id"])).exists()


def test_create_reports_field_errors_and_stores_nothing(gz_unit: User, activity: Activity) -> None:
    fields = {**request_fields(name="", mobile="12", email=""), "letter": html_renamed()}
    response = api(gz_unit).post(activity_url(activity), fields, format="multipart")

    assert response.status_code == 400
    errors = response.json()
    assert errors["name"] == ["Give the expert's name."]
    assert errors["mobile"] == ["Enter an 11-digit mobile number or a landline with its area code."]
    assert errors["letter"] == ["Web pages, SVG images and scripts cannot be uploaded."]
    assert not DirectedSelection.objects.exists()


def test_create_without_letter_names_the_field(gz_unit: User, activity: Activity) -> None:
    response = api(gz_unit).post(activity_url(activity), request_fields(), format="multipart")

    assert response.status_code == 400
    assert response.json() == {"letter": ["Attach the written request: a PDF or a scan or photo of the signed letter."]}


def test_pool_admin_sees_the_activity_but_may_not_ask(gz_admin: User, activity: Activity) -> None:
    client = api(gz_admin)
    assert client.get(activity_url(activity)).status_code == 200
    response = client.post(activity_url(activity), {**request_fields(), "letter": pdf_letter()}, format="multipart")
    assert response.status_code == 403
    assert not DirectedSelection.objects.exists()


@pytest.mark.parametrize("who", ["other_unit", "outsider", "gz_client"])
def test_strangers_get_not_found(
    who: str, gz_pool: Pool, directed: DirectedSelection, request: pytest.FixtureRequest
) -> None:
    user = make_unit(gz_pool, "other_unit") if who == "other_unit" else request.getfixturevalue(who)
    client = api(user)
    activity = directed.activity

    assert client.get(activity_url(activity)).status_code == 404
    assert client.post(activity_url(activity), {**request_fields(), "letter": pdf_letter()}).status_code == 404
    assert client.post(decision_url(directed, "approve"), {}, format="json").status_code == 404
    assert client.post(decision_url(directed, "refuse"), {"reason": "x"}, format="json").status_code == 404
    assert client.get(f"/api/pools/{gz_pool.slug}/directed-selections").status_code == 404
    assert DirectedSelection.objects.get().status == DirectedSelection.Status.REQUESTED


def test_client_unit_lists_its_requests_masked(gz_unit: User, directed: DirectedSelection) -> None:
    response = api(gz_unit).get(activity_url(directed.activity))

    assert response.status_code == 200
    assert [(row["id"], row["mobile"]) for row in response.json()] == [(directed.pk, "139****5678")]
    assert not AuditRecord.objects.filter(action="directed_selections.personal_data_listed").exists()


def test_admin_approves_over_the_api(gz_admin: User, directed: DirectedSelection) -> None:
    response = api(gz_admin).post(decision_url(directed, "approve"), {"reason": "同意"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "gz_admin"
    assert AuditRecord.objects.filter(action="directed_selection.approved").count() == 1
    assert not Expert.objects.filter(name=directed.name).exists()
    assert not Membership.objects.exists()


def test_refuse_without_reason_is_a_field_error(gz_admin: User, directed: DirectedSelection) -> None:
    response = api(gz_admin).post(decision_url(directed, "refuse"), {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": ["Give the reason for refusing; the client unit is shown it."]}


def test_second_decision_is_refused(gz_admin: User, directed: DirectedSelection) -> None:
    client = api(gz_admin)
    assert client.post(decision_url(directed, "refuse"), {"reason": "库内有"}, format="json").status_code == 200
    response = client.post(decision_url(directed, "approve"), {}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize("who", ["gz_unit", "gz_reviewer"])
def test_requester_and_reviewer_may_not_decide(
    who: str, directed: DirectedSelection, request: pytest.FixtureRequest
) -> None:
    response = api(request.getfixturevalue(who)).post(decision_url(directed, "approve"), {}, format="json")
    assert response.status_code == 403
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REQUESTED


def test_pool_list_for_admins_is_recorded_and_filtered(
    gz_admin: User, gz_pool: Pool, gz_unit: User, activity: Activity
) -> None:
    kept = make_request(gz_unit, activity, name="甲")
    make_request(gz_unit, activity, name="乙")
    DirectedSelection.objects.filter(pk=kept.pk).update(status=DirectedSelection.Status.APPROVED)
    client = api(gz_admin)

    everything = client.get(f"/api/pools/{gz_pool.slug}/directed-selections").json()
    approved = client.get(f"/api/pools/{gz_pool.slug}/directed-selections", {"status": "approved"}).json()

    assert everything["count"] == 2
    assert everything["results"][0]["mobile"] == "13912345678"
    assert [row["name"] for row in approved["results"]] == ["甲"]
    assert AuditRecord.objects.filter(action="directed_selections.personal_data_listed").count() == 2
    bad = client.get(f"/api/pools/{gz_pool.slug}/directed-selections", {"status": "maybe"})
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_pool_list_queries_do_not_grow(
    gz_admin: User, gz_pool: Pool, gz_unit: User, activity: Activity, django_assert_num_queries: Any
) -> None:
    client = api(gz_admin)
    url = f"/api/pools/{gz_pool.slug}/directed-selections"
    make_request(gz_unit, activity)
    client.get(url)  # force_authenticate keeps one user object, which caches its roles
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _n in range(5):
        make_request(gz_unit, activity)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.json()["count"] == 6


def test_activity_list_queries_do_not_grow(gz_unit: User, activity: Activity, django_assert_num_queries: Any) -> None:
    client = api(gz_unit)
    make_request(gz_unit, activity)
    client.get(activity_url(activity))  # force_authenticate keeps one user object, which caches its roles
    with CaptureQueriesContext(connection) as few:
        client.get(activity_url(activity))
    for _n in range(5):
        make_request(gz_unit, activity)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(activity_url(activity))
    assert len(response.json()) == 6
