"""The Django admin for the entry workflow: read-only, scoped, masked, nothing deleted."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.applications.models import Application, PublicNotice
from expertpool.applications.notices import proposed_list_publish
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_application_in
from expertpool.core.masking import mask_id_number
from expertpool.core.testing import english_client
from expertpool.experts.models import Membership
from expertpool.pools.models import Pool

_people = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary folder, not the project's own."""
    settings.MEDIA_ROOT = tmp_path


def staff(user: User) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = english_client()
    client.force_login(user)
    return client


@pytest.fixture
def application(gz_pool: Pool, gz_admin: User) -> Application:
    applicant = User.objects.create_user(username=f"admined{next(_people)}", password="applicant password 1")
    return make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, applicant, staff=gz_admin, name="王芳")


def change_url(application: Application) -> str:
    return reverse("admin:applications_application_change", args=[application.pk])


def test_pool_admin_sees_applications_with_masked_id_numbers(gz_admin: User, application: Application) -> None:
    client = staff(gz_admin)
    listed = client.get(reverse("admin:applications_application_changelist")).text
    assert "王芳" in listed
    assert mask_id_number(application.id_number) in listed
    detail = client.get(change_url(application))
    assert detail.status_code == 200
    assert application.id_number not in detail.text
    assert application.mobile not in detail.text


def test_admin_is_read_only_and_deletes_nothing(gz_admin: User, application: Application) -> None:
    client = staff(gz_admin)
    detail = client.get(change_url(application)).text
    assert 'name="_save"' not in detail
    delete = reverse("admin:applications_application_delete", args=[application.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()


def test_another_pools_admin_finds_nothing(outsider: User, application: Application) -> None:
    client = staff(outsider)
    assert "王芳" not in client.get(reverse("admin:applications_application_changelist")).text
    assert client.get(change_url(application)).status_code == 404
    history = reverse("admin:applications_statuschange_changelist")
    assert client.get(history).context["cl"].result_count == 0


@pytest.mark.parametrize("model", ["statuschange", "reviewmeeting", "publicnotice", "objection"])
def test_workflow_records_are_listed_for_the_pool_admin(gz_admin: User, application: Application, model: str) -> None:
    assert staff(gz_admin).get(reverse(f"admin:applications_{model}_changelist")).status_code == 200


def test_admin_action_runs_admission_for_the_notices_pool(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=shanghai), tick=False)
    applicant = User.objects.create_user(username=f"admined{next(_people)}", password="applicant password 1")
    make_application_in(Status.APPROVED, gz_pool, applicant, staff=gz_admin)
    notice = proposed_list_publish(actor=gz_admin, pool=gz_pool, published_on=datetime.date(2026, 3, 2))
    assert notice is not None
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, tzinfo=shanghai), tick=False)
    response = staff(gz_admin).post(
        reverse("admin:applications_publicnotice_changelist"),
        {"action": "run_admission", "_selected_action": [notice.pk]},
        follow=True,
    )
    assert "1 applicant admitted." in response.text
    assert Membership.objects.filter(pool=gz_pool).count() == 1
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.CLOSED
