"""The console's list of applications: filters, counts per status, paging, query count."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expertpool.accounts.models import Role, User
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_application_in, make_staff
from expertpool.core.testing import english_client
from expertpool.pools.models import Pool

_people = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary folder, not the project's own."""
    settings.MEDIA_ROOT = tmp_path


def client_for(user: User) -> Client:
    client = english_client()
    client.force_login(user)
    return client


def quiet_applicant() -> User:
    """An applicant without e-mail: the workflow's mail is tested with the applicant's pages."""
    return User.objects.create_user(username=f"listed{next(_people)}", password="applicant password 1")


def list_url(pool: Pool) -> str:
    return reverse("console:application_list", kwargs={"pool_slug": pool.slug})


def make(pool: Pool, staff: User, status: Status, **form: Any) -> None:
    make_application_in(status, pool, quiet_applicant(), staff=staff, **form)


def test_list_shows_submitted_applications_with_counts_per_status(gz_pool: Pool, gz_admin: User) -> None:
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW, name="王芳")
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW, name="李雷")
    make(gz_pool, gz_admin, Status.APPROVED, name="赵敏")
    make(gz_pool, gz_admin, Status.DRAFT, name="草稿人")
    response = client_for(gz_admin).get(list_url(gz_pool))
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts[Status.QUALIFICATION_REVIEW] == 2
    assert counts[Status.APPROVED] == 1
    assert Status.DRAFT not in counts
    assert response.context["total"] == 3
    assert "王芳" in response.text
    assert "赵敏" in response.text
    assert "草稿人" not in response.text


def test_list_filters_by_status_and_searches_by_name(gz_pool: Pool, gz_admin: User) -> None:
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW, name="王芳")
    make(gz_pool, gz_admin, Status.APPROVED, name="王小明")
    make(gz_pool, gz_admin, Status.APPROVED, name="赵敏")
    client = client_for(gz_admin)
    approved = client.get(list_url(gz_pool), {"status": Status.APPROVED}).text
    assert "王小明" in approved
    assert "赵敏" in approved
    assert "王芳" not in approved
    searched = client.get(list_url(gz_pool), {"search": "王"}).text
    assert "王芳" in searched
    assert "王小明" in searched
    assert "赵敏" not in searched
    both = client.get(list_url(gz_pool), {"search": "王", "status": Status.APPROVED}).text
    assert "王小明" in both
    assert "王芳" not in both


def test_an_unknown_status_is_reported_and_left_out(gz_pool: Pool, gz_admin: User) -> None:
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW, name="王芳")
    response = client_for(gz_admin).get(list_url(gz_pool), {"status": "lost"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "王芳" in response.text


def test_supervisor_reads_the_list(gz_pool: Pool, gz_admin: User) -> None:
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW, name="王芳")
    response = client_for(make_staff(gz_pool, Role.SUPERVISOR)).get(list_url(gz_pool))
    assert response.status_code == 200
    assert "王芳" in response.text


def test_other_pools_applications_are_not_listed(gz_pool: Pool, gz_admin: User, ur_pool: Pool, ur_admin: User) -> None:
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW, name="王芳")
    response = client_for(ur_admin).get(list_url(ur_pool))
    assert response.context["total"] == 0
    assert "王芳" not in response.text


def test_list_runs_the_same_queries_whatever_the_number_of_applications(
    gz_pool: Pool, gz_admin: User, django_assert_num_queries: Any
) -> None:
    client = client_for(gz_admin)
    make(gz_pool, gz_admin, Status.QUALIFICATION_REVIEW)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(gz_pool))
    for status in (Status.QUALIFICATION_REVIEW, Status.APPROVED, Status.RETURNED, Status.REJECTED):
        make(gz_pool, gz_admin, status)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(list_url(gz_pool))
    assert len(response.context["page"].object_list) == 5
