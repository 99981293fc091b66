"""The applicant's status page: where the application stands, what is missing, every decision."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.applications.models import Application
from expertpool.applications.services import application_start
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_applicant, make_application_in, make_staff
from expertpool.applications.tests.test_form_page import client_for
from expertpool.pools.models import Pool

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def status_url(application: Application) -> str:
    return reverse("applications:status", args=[application.pk])


def steps(text: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="step step--(\w+)".*?<span class="step__label">(.*?)</span>', text, re.S)


def test_a_draft_shows_what_is_missing(gz_pool: Pool) -> None:
    application = application_start(actor=make_applicant(), pool=gz_pool)
    response = client_for(application.applicant).get(status_url(application))
    assert response.status_code == 200
    assert steps(response.text) == [
        ("current", "Application form"),
        ("todo", "Qualification review"),
        ("todo", "Proposed list"),
        ("todo", "Public notice"),
        ("todo", "Admitted"),
    ]
    missing = re.search(r'class="plain-list missing-list">(.*?)</ul>', response.text, re.S)
    assert missing is not None
    assert "Name: This field is required (GZ 附件)." in missing.group(1)
    assert "身份证" in missing.group(1)
    assert "Pledge: Read and accept the pledge (GZ 个人承诺)." in missing.group(1)
    assert reverse("applications:form", args=[application.pk]) in response.text
    assert reverse("applications:withdraw", args=[application.pk]) in response.text


def test_history_shows_every_decision_with_its_reason(ur_pool: Pool, django_assert_num_queries: Any) -> None:
    staff = make_staff(ur_pool)
    application = make_application_in(Status.RETURNED, ur_pool, staff=staff)
    client = client_for(application.applicant)
    client.get(status_url(application))
    with django_assert_num_queries(12):
        response = client.get(status_url(application))
    text = response.text
    assert steps(text) == [
        ("current", "Application form"),
        ("todo", "Unit&#x27;s preliminary review"),
        ("todo", "Qualification review"),
        ("todo", "Proposed list"),
        ("todo", "Admitted"),
    ]
    assert "Returned for correction" in text
    history = re.search(r'<table class="table table--compact history">(.*?)</table>', text, re.S)
    assert history is not None
    rows = history.group(1)
    # Submitted by the applicant, the unit's opinion, the review decision with its reason, the return.
    assert rows.count("<tr class=") == 5
    assert "Unit opinion" in rows
    assert "同意推荐。" in rows
    assert "Return for correction" in rows
    assert rows.count("材料与条件不符。") == 2
    assert ">you<" in rows
    assert str(staff) in rows
    assert "UR 第八条" in rows
    assert 'data-outcome="eligible"' in text  # the eligibility kept at submission
    assert "Pledge accepted on" in text


def test_public_notice_step_shows_its_end(gz_pool: Pool) -> None:
    application = make_application_in(Status.IN_NOTICE, gz_pool)
    text = client_for(application.applicant).get(status_url(application)).text
    ends_on = application.notices.get().ends_on.isoformat()
    assert ("current", "Public notice") in steps(text)
    assert f"until {ends_on}" in text
    assert reverse("applications:form", args=[application.pk]) not in text


def test_rejection_stops_at_its_step(gz_pool: Pool) -> None:
    application = make_application_in(Status.REJECTED, gz_pool)
    text = client_for(application.applicant).get(status_url(application)).text
    assert ("stopped", "Qualification review") in steps(text)
    assert reverse("applications:withdraw", args=[application.pk]) not in text


def test_withdraw_with_a_reason(gz_pool: Pool) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    client = client_for(application.applicant)
    url = reverse("applications:withdraw", args=[application.pk])
    assert "Yes, withdraw my application" in client.get(url).text
    unconfirmed = client.post(url, {"reason": "工作调动"})
    assert unconfirmed.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW
    response = client.post(url, {"reason": "工作调动", "confirm": "on"}, follow=True)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert "工作调动" in response.text
    assert ("stopped", "Qualification review") in steps(response.text)


def test_only_the_applicant_and_the_pool_staff_see_it(gz_pool: Pool, gz_reviewer: User, outsider: User) -> None:
    draft = application_start(actor=make_applicant(), pool=gz_pool)
    submitted = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    for user in (outsider, make_applicant()):
        assert client_for(user).get(status_url(submitted)).status_code == 404
        assert client_for(user).get(status_url(draft)).status_code == 404
        assert client_for(user).post(reverse("applications:withdraw", args=[submitted.pk])).status_code == 404
    # Staff see submitted applications, never drafts; they cannot withdraw or edit.
    staff_page = client_for(gz_reviewer).get(status_url(submitted))
    assert staff_page.status_code == 200
    assert reverse("applications:withdraw", args=[submitted.pk]) not in staff_page.text
    assert client_for(gz_reviewer).get(status_url(draft)).status_code == 404
    assert Client().get(status_url(submitted)).status_code == 302
