"""Directed selection pages: the client unit's form and list, the console's list, detail and decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import FileResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.activities.models import Activity, DirectedSelection
from expertpool.activities.tests.directed_helpers import (
    exe_renamed,
    make_activity,
    make_request,
    make_unit,
    pdf_letter,
    request_fields,
)
from expertpool.audit.models import AuditRecord
from expertpool.core.testing import english_client
from expertpool.pools.models import Pool


@pytest.fixture
def gz_supervisor(gz_pool: Pool) -> User:
    user = User.objects.create_user(username="gz_supervisor", password=None)
    PoolRole.objects.create(user=user, pool=gz_pool, role=Role.SUPERVISOR)
    return user


def browser(user: User) -> Client:
    client = english_client()
    client.force_login(user)
    return client


def new_url(activity: Activity) -> str:
    return f"/client/activities/{activity.pk}/directed/new/"


def client_list_url(activity: Activity) -> str:
    return f"/client/activities/{activity.pk}/directed/"


def console_url(pool: Pool, directed: DirectedSelection | None = None, suffix: str = "") -> str:
    base = f"/console/{pool.slug}/directed/"
    return base + (f"{directed.pk}/{suffix}" if directed is not None else "")


# The client unit ---------------------------------------------------------------------


def test_client_unit_sends_the_request_form(gz_unit: User, activity: Activity) -> None:
    client = browser(gz_unit)
    assert client.get(new_url(activity)).status_code == 200

    response = client.post(new_url(activity), {**request_fields(), "letter": pdf_letter()})

    assert response.status_code == 302
    assert response["Location"] == client_list_url(activity)
    directed = DirectedSelection.objects.get()
    assert (directed.activity, directed.requested_by, directed.name) == (activity, gz_unit, "王定向")
    page = client.get(client_list_url(activity)).text
    assert "王定向" in page
    assert "Directed selection" in page
    assert "139****5678" in page
    assert "13912345678" not in page


def test_bad_letter_is_shown_beside_its_field_and_nothing_stored(gz_unit: User, activity: Activity) -> None:
    response = browser(gz_unit).post(new_url(activity), {**request_fields(reason=""), "letter": exe_renamed()})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["letter"] == ["This type of file is not accepted. Accepted types: PDF, JPEG, PNG."]
    assert form.errors["reason"] == ["Say why the pool's experts cannot meet the need (the written reason)."]
    assert "Nothing was stored" in response.text
    assert not DirectedSelection.objects.exists()


@pytest.mark.parametrize("who", ["other_unit", "gz_admin", "outsider"])
def test_others_do_not_find_the_client_pages(
    who: str, gz_pool: Pool, directed: DirectedSelection, request: pytest.FixtureRequest
) -> None:
    user = make_unit(gz_pool, "other_unit") if who == "other_unit" else request.getfixturevalue(who)
    client = browser(user)
    activity = directed.activity
    letter_url = f"/client/activities/{activity.pk}/directed/{directed.pk}/letter/"

    assert client.get(new_url(activity)).status_code == 404
    assert client.post(new_url(activity), {**request_fields(), "letter": pdf_letter()}).status_code == 404
    assert client.get(client_list_url(activity)).status_code == 404
    assert client.get(letter_url).status_code == 404
    assert DirectedSelection.objects.count() == 1


def test_requester_downloads_its_letter_and_it_is_recorded(gz_unit: User, directed: DirectedSelection) -> None:
    url = f"/client/activities/{directed.activity_id}/directed/{directed.pk}/letter/"
    response = browser(gz_unit).get(url)

    assert isinstance(response, FileResponse)
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    record = AuditRecord.objects.get(action="directed_selection.letter_downloaded")
    assert record.actor == gz_unit


def test_closed_activity_offers_no_form(gz_unit: User, activity: Activity) -> None:
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.COMPLETED)
    response = browser(gz_unit).get(new_url(activity))
    assert response.context["closed"] is True
    assert '<form method="post" enctype' not in response.text


def test_client_list_queries_do_not_grow(gz_unit: User, activity: Activity, django_assert_num_queries: Any) -> None:
    client = browser(gz_unit)
    make_request(gz_unit, activity)
    with CaptureQueriesContext(connection) as few:
        client.get(client_list_url(activity))
    for _n in range(4):
        make_request(gz_unit, activity)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(client_list_url(activity))
    assert len(response.context["rows"]) == 5


# The console -----------------------------------------------------------------------------


def test_admin_lists_reads_and_approves(gz_admin: User, gz_pool: Pool, directed: DirectedSelection) -> None:
    client = browser(gz_admin)
    listing = client.get(console_url(gz_pool))
    assert listing.status_code == 200
    assert "王定向" in listing.text
    assert "Directed selection" in listing.text

    detail = client.get(console_url(gz_pool, directed))
    assert detail.status_code == 200
    assert "13912345678" in detail.text  # an admin checks personal data; the view is recorded
    assert AuditRecord.objects.filter(action="directed_selection.personal_data_viewed").count() == 1
    assert detail.context["may_decide"] is True

    response = client.post(console_url(gz_pool, directed, "decide/"), {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.APPROVED


def test_refusal_without_reason_is_shown_beside_the_field(
    gz_admin: User, gz_pool: Pool, directed: DirectedSelection
) -> None:
    response = browser(gz_admin).post(console_url(gz_pool, directed, "decide/"), {"decision": "refuse", "reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give the reason for refusing; the client unit is shown it."]
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REQUESTED


def test_supervisor_reads_masked_and_cannot_decide(
    gz_supervisor: User, gz_pool: Pool, directed: DirectedSelection
) -> None:
    client = browser(gz_supervisor)
    detail = client.get(console_url(gz_pool, directed))
    assert detail.status_code == 200
    assert "139****5678" in detail.text
    assert detail.context["may_decide"] is False

    response = client.post(console_url(gz_pool, directed, "decide/"), {"decision": "approve"})
    assert response.status_code == 403
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REQUESTED


def test_admin_downloads_the_letter(gz_admin: User, gz_pool: Pool, directed: DirectedSelection) -> None:
    response = browser(gz_admin).get(console_url(gz_pool, directed, "letter/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditRecord.objects.get(action="directed_selection.letter_downloaded").actor == gz_admin


@pytest.mark.parametrize("who", ["outsider", "gz_unit", "gz_client"])
def test_outsider_and_client_units_do_not_find_the_console(
    who: str, gz_pool: Pool, directed: DirectedSelection, request: pytest.FixtureRequest
) -> None:
    client = browser(request.getfixturevalue(who))

    assert client.get(console_url(gz_pool)).status_code == 404
    assert client.get(console_url(gz_pool, directed)).status_code == 404
    assert client.get(console_url(gz_pool, directed, "letter/")).status_code == 404
    assert client.post(console_url(gz_pool, directed, "decide/"), {"decision": "approve"}).status_code == 404
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REQUESTED


def test_another_pools_request_is_not_found(ur_admin: User, ur_pool: Pool, directed: DirectedSelection) -> None:
    # The UR admin's own console, asked for the GZ pool's request.
    assert browser(ur_admin).get(console_url(ur_pool, directed)).status_code == 404


def test_console_list_filters_by_status(gz_admin: User, gz_pool: Pool, gz_unit: User, activity: Activity) -> None:
    first = make_request(gz_unit, activity, name="甲")
    make_request(gz_unit, activity, name="乙")
    DirectedSelection.objects.filter(pk=first.pk).update(status=DirectedSelection.Status.REFUSED)

    page = browser(gz_admin).get(console_url(gz_pool), {"status": "refused"}).context["page"]
    assert [row.name for row in page] == ["甲"]


def test_console_list_queries_do_not_grow(
    gz_admin: User, gz_pool: Pool, gz_unit: User, activity: Activity, django_assert_num_queries: Any
) -> None:
    client = browser(gz_admin)
    make_request(gz_unit, activity)
    with CaptureQueriesContext(connection) as few:
        client.get(console_url(gz_pool))
    second = make_activity(make_unit(gz_pool, "second_unit"), gz_pool)
    for _n in range(3):
        make_request(gz_unit, activity)
        make_request(User.objects.get(username="second_unit"), second)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(console_url(gz_pool))
    assert len(response.context["page"].object_list) == 7
