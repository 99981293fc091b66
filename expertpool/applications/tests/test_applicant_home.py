"""My applications: what the applicant has started, and the pools open to apply to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.applications.models import Application
from expertpool.applications.services import application_start
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_applicant, make_application_in
from expertpool.applications.tests.test_form_page import client_for
from expertpool.pools.models import Pool

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_home_lists_my_applications_and_open_pools(
    gz_pool: Pool, ur_pool: Pool, django_assert_num_queries: Any
) -> None:
    applicant = make_applicant()
    make_application_in(Status.REJECTED, ur_pool, applicant)
    application_start(actor=applicant, pool=gz_pool)
    client = client_for(applicant)
    # Session, user, applications (with pools and units), pools (with policies), the header's expert check.
    with django_assert_num_queries(6):
        response = client.get(reverse("applications:home"))
    assert response.status_code == 200
    text = response.text
    assert text.count('class="status status--') == 2
    assert "Rejected" in text
    assert reverse("applications:form", args=[Application.objects.get(status="draft").pk]) in text
    # A rejected application is final: the pool is open again; the GZ draft is still open.
    assert reverse("applications:start", args=[ur_pool.slug]) in text
    assert reverse("applications:start", args=[gz_pool.slug]) not in text
    assert "You have an open application to this pool." in text


def test_start_opens_a_draft_once(gz_pool: Pool) -> None:
    applicant = make_applicant()
    client = client_for(applicant)
    response = client.post(reverse("applications:start", args=[gz_pool.slug]))
    application = Application.objects.get(applicant=applicant)
    assert response["Location"] == reverse("applications:form", args=[application.pk])
    assert application.status == Status.DRAFT
    assert application.form_data == {"email": applicant.email}
    again = client.post(reverse("applications:start", args=[gz_pool.slug]), follow=True)
    assert "You already have an open application to this pool." in again.text
    assert Application.objects.filter(applicant=applicant).count() == 1
    assert client.get(reverse("applications:start", args=[gz_pool.slug])).status_code == 405
    assert client.post(reverse("applications:start", args=["no-such-pool"])).status_code == 404


def test_apply_pages_need_a_login(gz_pool: Pool, db: None) -> None:
    response = Client().get(reverse("applications:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().post(reverse("applications:start", args=[gz_pool.slug])).status_code == 302
    assert not Application.objects.exists()


def test_staff_log_in_to_the_console_applicants_to_their_applications(gz_admin: User, password: str, db: None) -> None:
    applicant = User.objects.create_user(username="li@example.cn", email="li@example.cn", password=password)
    assert Client().post(reverse("login"), {"username": applicant.username, "password": password})[
        "Location"
    ] == reverse("applications:home")
    assert Client().post(reverse("login"), {"username": gz_admin.username, "password": password})[
        "Location"
    ] == reverse("console:home")
