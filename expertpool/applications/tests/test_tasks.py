"""Admission after public notice by the scheduled task, and the scheduler that runs it."""

from __future__ import annotations

import datetime
import logging
import os
import signal
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import TaskResultStatus

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.models import Application, PublicNotice
from expertpool.applications.notices import objection_file, objection_resolve, proposed_list_publish
from expertpool.applications.states import Status
from expertpool.applications.tasks import admit_due_applications
from expertpool.applications.tests.factories import make_application_in
from expertpool.experts.models import MembershipStatus
from expertpool.pools.models import Pool
from expertpool.pools.policy import shipped_policy_path
from expertpool.pools.services import pool_create

PUBLISHED_ON = datetime.date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: datetime.date, time_machine: Any) -> None:
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def publish(pool: Pool, admin: User, people: int, time_machine: Any) -> PublicNotice:
    on(PUBLISHED_ON, time_machine)
    for _ in range(people):
        make_application_in(Status.APPROVED, pool, staff=admin)
    notice = proposed_list_publish(actor=admin, pool=pool, published_on=PUBLISHED_ON)
    assert notice is not None
    return notice


@pytest.fixture
def ur_pool_with_notice(db: None) -> Pool:
    """The Urumqi policy as a managing body might amend it: with a 5-day public notice
    before its 3-year terms (UR 第九条), so the scheduled path meets a term."""
    text = shipped_policy_path("urumqi-eco-environment").read_text(encoding="utf-8")
    assert "public_notice: null" in text
    assert 'version: "2025-06-05"' in text
    text = text.replace("public_notice: null", "public_notice:\n  working_days: 5\n  note: 测试用的修订。")
    text = text.replace('version: "2025-06-05"', 'version: "2025-06-05-notice"')
    return pool_create(actor=None, policy_text=text)


def test_admits_after_the_notice_with_no_open_objection(
    gz_pool: Pool, gz_admin: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any, time_machine: Any
) -> None:
    notice = publish(gz_pool, gz_admin, 2, time_machine)
    mailoutbox.clear()
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)
    with django_capture_on_commit_callbacks(execute=True):
        result = admit_due_applications.enqueue()
    applications = list(notice.applications.order_by("pk"))
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert sorted(result.return_value or []) == [a.pk for a in applications]
    for application in applications:
        application.refresh_from_db()
        assert application.status == Status.ADMITTED
        membership = application.membership
        assert membership is not None
        assert membership.status == MembershipStatus.ACTIVE
        assert membership.admitted_on == notice.ends_on + datetime.timedelta(days=1)
        assert membership.term_ends_on is None  # the GZ call sets no term
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(a.applicant.email for a in applications)
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.CLOSED


def test_admission_opens_a_three_year_term_where_the_policy_has_one(
    ur_pool_with_notice: Pool, time_machine: Any
) -> None:
    pool = ur_pool_with_notice
    admin = User.objects.create_user(username="ur_notice_admin", email="ur_notice_admin@example.cn")
    PoolRole.objects.create(user=admin, pool=pool, role=Role.POOL_ADMIN)
    notice = publish(pool, admin, 1, time_machine)
    admitted_on = notice.ends_on + datetime.timedelta(days=1)
    on(admitted_on, time_machine)
    result = admit_due_applications.enqueue()
    application = Application.objects.get(pk=(result.return_value or [])[0])
    assert application.membership is not None
    # Three years, to the day before the anniversary (UR 第九条).
    three_years_on = admitted_on.replace(year=admitted_on.year + 3)
    assert application.membership.term_ends_on == three_years_on - datetime.timedelta(days=1)


def test_nobody_is_admitted_during_the_notice(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    notice = publish(gz_pool, gz_admin, 1, time_machine)
    on(notice.ends_on, time_machine)
    assert admit_due_applications.enqueue().return_value == []
    assert notice.applications.get().status == Status.IN_NOTICE


def test_an_open_objection_holds_back_admission_until_resolved(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, time_machine: Any
) -> None:
    notice = publish(gz_pool, gz_admin, 2, time_machine)
    held, free = notice.applications.order_by("pk")
    objection = objection_file(
        notice=notice, application=held, name="李明", contact="13800001111", text="业绩不实。", sender="10.0.0.1"
    )
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)
    assert admit_due_applications.enqueue().return_value == [free.pk]
    held.refresh_from_db()
    notice.refresh_from_db()
    assert held.status == Status.IN_NOTICE
    assert notice.state == PublicNotice.State.OPEN
    objection_resolve(actor=gz_reviewer, objection=objection, upheld=False, resolution="经核实，业绩属实。")
    assert admit_due_applications.enqueue().return_value == [held.pk]
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.CLOSED


def test_run_scheduler_once_admits_what_is_due(
    gz_pool: Pool, gz_admin: User, time_machine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    notice = publish(gz_pool, gz_admin, 1, time_machine)
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)
    with caplog.at_level(logging.INFO, logger="expertpool.scheduler"):
        call_command("run_scheduler", "--once")
    application = notice.applications.get()
    assert application.status == Status.ADMITTED
    assert f"admit_due_applications done: [{application.pk}]" in caplog.text


def test_an_application_the_registry_refuses_does_not_hold_up_the_others(
    gz_pool: Pool, gz_admin: User, time_machine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    notice = publish(gz_pool, gz_admin, 2, time_machine)
    broken, sound = notice.applications.order_by("pk")
    # A form that can no longer be read cannot become a registry record.
    Application.objects.filter(pk=broken.pk).update(form_data={})
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)

    with caplog.at_level(logging.WARNING, logger="expertpool.applications.notices"):
        call_command("run_scheduler", "--once")

    broken.refresh_from_db()
    sound.refresh_from_db()
    assert (broken.status, sound.status) == (Status.IN_NOTICE, Status.ADMITTED)
    assert f"application {broken.pk} not admitted" in caplog.text


def test_run_scheduler_once_fails_loudly_when_the_work_fails(
    gz_pool: Pool, gz_admin: User, time_machine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = publish(gz_pool, gz_admin, 1, time_machine)
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)

    def broken_close_due(**kwargs: Any) -> list[Application]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("expertpool.applications.tasks.notices_close_due", broken_close_due)
    with pytest.raises(CommandError, match="Some due work failed"):
        call_command("run_scheduler", "--once")
    assert notice.applications.get().status == Status.IN_NOTICE


def test_run_scheduler_loops_until_sigterm(
    gz_pool: Pool, gz_admin: User, time_machine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    notice = publish(gz_pool, gz_admin, 1, time_machine)
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)
    before = signal.getsignal(signal.SIGTERM)
    # The signal arrives while the scheduler waits out its (long) interval.
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    with caplog.at_level(logging.INFO, logger="expertpool.scheduler"):
        call_command("run_scheduler", "--interval", "600")
    timer.join()
    assert notice.applications.get().status == Status.ADMITTED
    assert "Scheduler stopping (SIGTERM)" in caplog.text
    assert "Scheduler stopped" in caplog.text
    assert signal.getsignal(signal.SIGTERM) == before


def test_run_scheduler_refuses_a_zero_interval() -> None:
    with pytest.raises(CommandError, match="at least 1 second"):
        call_command("run_scheduler", "--interval", "0")
