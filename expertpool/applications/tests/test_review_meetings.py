"""Review meetings (批次): who took part, and the decisions they group."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import Role, User
from expertpool.applications.models import ReviewMeeting
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_application_in, make_staff
from expertpool.audit.models import AuditRecord
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
    return User.objects.create_user(username=f"met{next(_people)}", password="applicant password 1")


def create_url(pool: Pool) -> str:
    return reverse("console:meeting_create", kwargs={"pool_slug": pool.slug})


def meeting_form(*participants: User) -> dict[str, object]:
    return {
        "title": "2026年第一次资格审核会",
        "held_on": "2026-03-20",
        "participants": [person.pk for person in participants],
        "notes": "集体研究。",
    }


def test_admin_records_a_meeting_with_its_participants(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    response = client_for(gz_admin).post(create_url(gz_pool), meeting_form(gz_admin, gz_reviewer))
    meeting = ReviewMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "console:meeting_detail", kwargs={"pool_slug": gz_pool.slug, "pk": meeting.pk}
    )
    assert meeting.pool == gz_pool
    assert meeting.held_on == datetime.date(2026, 3, 20)
    assert set(meeting.participants.all()) == {gz_admin, gz_reviewer}
    assert AuditRecord.objects.filter(action="review_meeting.created", object_id=str(meeting.pk)).exists()


def test_a_meeting_without_participants_is_refused(gz_pool: Pool, gz_admin: User) -> None:
    response = client_for(gz_admin).post(create_url(gz_pool), meeting_form())
    assert response.status_code == 200
    assert "Name who took part in the meeting." in response.text
    assert not ReviewMeeting.objects.exists()


def test_participants_are_chosen_from_the_pools_staff_only(
    gz_pool: Pool, gz_admin: User, outsider: User, gz_client: User
) -> None:
    client = client_for(gz_admin)
    offered = client.get(create_url(gz_pool)).context["form"].fields["participants"].queryset
    assert gz_admin in offered
    assert outsider not in offered
    assert gz_client not in offered
    response = client.post(create_url(gz_pool), meeting_form(gz_admin, outsider))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not ReviewMeeting.objects.exists()


def test_reviewer_cannot_convene_a_meeting(gz_pool: Pool, gz_reviewer: User) -> None:
    client = client_for(gz_reviewer)
    assert "admins may convene a review meeting" in client.get(create_url(gz_pool)).text
    assert client.post(create_url(gz_pool), meeting_form(gz_reviewer)).status_code == 403
    assert not ReviewMeeting.objects.exists()


def test_meeting_groups_the_decisions_taken_in_it(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    client = client_for(gz_admin)
    client.post(create_url(gz_pool), meeting_form(gz_admin, gz_reviewer))
    meeting = ReviewMeeting.objects.get()
    first = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, quiet_applicant(), staff=gz_admin, name="王芳")
    second = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, quiet_applicant(), staff=gz_admin, name="李雷")
    outside = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, quiet_applicant(), staff=gz_admin, name="赵敏")
    declarations = [d.code for d in gz_pool.policy.rules.declarations]
    reviewer = client_for(gz_reviewer)
    for application, data in (
        (first, {"outcome": "approve", "confirmed_declarations": declarations, "meeting": meeting.pk}),
        (second, {"outcome": "reject", "reason": "年龄超过上限。", "meeting": meeting.pk}),
        (outside, {"outcome": "return", "reason": "请补充材料。"}),
    ):
        url = reverse("console:application_review", kwargs={"pool_slug": gz_pool.slug, "pk": application.pk})
        assert reviewer.post(url, data).status_code == 302
    assert {d.application_id for d in meeting.decisions.all()} == {first.pk, second.pk}
    detail = reviewer.get(reverse("console:meeting_detail", kwargs={"pool_slug": gz_pool.slug, "pk": meeting.pk}))
    assert "王芳" in detail.text
    assert "年龄超过上限。" in detail.text
    assert "赵敏" not in detail.text
    listed = reviewer.get(reverse("console:meeting_list", kwargs={"pool_slug": gz_pool.slug}))
    assert listed.context["meetings"][0].decision_count == 2


def test_another_pools_meeting_cannot_be_chosen_or_opened(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, ur_pool: Pool, ur_admin: User
) -> None:
    client_for(ur_admin).post(create_url(ur_pool), meeting_form(ur_admin))
    ur_meeting = ReviewMeeting.objects.get(pool=ur_pool)
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, quiet_applicant(), staff=gz_admin)
    url = reverse("console:application_review", kwargs={"pool_slug": gz_pool.slug, "pk": application.pk})
    response = client_for(gz_reviewer).post(url, {"outcome": "return", "reason": "补充。", "meeting": ur_meeting.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW
    detail = reverse("console:meeting_detail", kwargs={"pool_slug": gz_pool.slug, "pk": ur_meeting.pk})
    assert client_for(gz_reviewer).get(detail).status_code == 404
    ur_meeting_url = reverse("console:meeting_detail", kwargs={"pool_slug": ur_pool.slug, "pk": ur_meeting.pk})
    assert client_for(make_staff(gz_pool, Role.SUPERVISOR)).get(ur_meeting_url).status_code == 404
    assert client_for(ur_admin).get(ur_meeting_url).status_code == 200
