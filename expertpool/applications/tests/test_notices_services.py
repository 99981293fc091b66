"""The proposed list, its public notice (working days), objections, and scheduled admission."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage

from expertpool.accounts.models import Role, User
from expertpool.applications.models import Application, Objection, PublicNotice, StatusChange
from expertpool.applications.notices import (
    OBJECTIONS_PER_SENDER_PER_DAY,
    notices_close_due,
    objection_file,
    objection_resolve,
    proposed_list,
    proposed_list_publish,
)
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_application_in,
    make_staff,
    quick_settings,  # noqa: F401 (an autouse fixture)
)
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool

MONDAY = datetime.date(2026, 3, 2)
NOTICE_ENDS = datetime.date(2026, 3, 9)  # 5 working days after Monday 2 March 2026


def _approved(pool: Pool, admin: User, count: int = 1) -> list[Application]:
    return [make_application_in(Status.APPROVED, pool, staff=admin) for _ in range(count)]


def _published(pool: Pool, admin: User, count: int = 1) -> tuple[PublicNotice, list[Application]]:
    applications = _approved(pool, admin, count)
    notice = proposed_list_publish(actor=admin, pool=pool, published_on=MONDAY)
    assert notice is not None
    return notice, applications


def _object(notice: PublicNotice, application: Application, **changes: Any) -> Objection:
    values: dict[str, Any] = {
        "name": "李明",
        "contact": "13800001111",
        "text": "该申请人职称证书存疑。",
        "sender": "203.0.113.5",
        "today": notice.ends_on,
        **changes,
    }
    return objection_file(notice=notice, application=application, **values)


def _status(application: Application) -> str:
    application.refresh_from_db()
    return application.status


# The proposed list and its publication --------------------------------------------------------


def test_the_proposed_list_holds_the_approved_applications_in_order_of_submission(
    gz_pool: Pool, gz_admin: User
) -> None:
    approved = _approved(gz_pool, gz_admin, 2)
    make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, staff=gz_admin)
    assert proposed_list(gz_pool) == approved


@pytest.mark.parametrize(
    ("published_on", "ends_on"),
    [
        # National Day and Mid-Autumn 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
        (datetime.date(2025, 9, 26), datetime.date(2025, 10, 10)),
        (datetime.date(2025, 9, 30), datetime.date(2025, 10, 14)),
        # Spring Festival 2026: 15–23 February off, Saturday 14 February worked.
        (datetime.date(2026, 2, 12), datetime.date(2026, 2, 26)),
        (datetime.date(2026, 2, 13), datetime.date(2026, 2, 27)),
        (MONDAY, NOTICE_ENDS),
    ],
)
def test_a_guangzhou_notice_runs_five_working_days_around_the_holidays(
    gz_pool: Pool, gz_admin: User, published_on: datetime.date, ends_on: datetime.date
) -> None:
    make_application_in(Status.APPROVED, gz_pool, staff=gz_admin)
    notice = proposed_list_publish(actor=gz_admin, pool=gz_pool, published_on=published_on)
    assert notice is not None
    assert (notice.published_on, notice.ends_on, notice.working_days, notice.clause) == (
        published_on,
        ends_on,
        5,
        "GZ 四（四）",
    )


def test_publishing_puts_the_whole_list_on_notice_and_tells_each_applicant(
    gz_pool: Pool,
    gz_admin: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    applications = _approved(gz_pool, gz_admin, 2)
    with django_capture_on_commit_callbacks(execute=True):
        notice = proposed_list_publish(actor=gz_admin, pool=gz_pool, published_on=MONDAY)
    assert notice is not None
    assert notice.title == f"Proposed list of {gz_pool.name}"
    assert set(notice.applications.all()) == set(applications)
    for application in applications:
        assert _status(application) == Status.IN_NOTICE
        change = application.status_changes.last()
        assert change is not None
        assert (change.from_status, change.clause, change.actor) == (Status.APPROVED, "GZ 四（四）", gz_admin)
    record = AuditRecord.objects.get(action="public_notice.published")
    assert record.data == {"ends_on": "2026-03-09", "applications": [a.pk for a in applications]}
    assert AuditRecord.objects.filter(action="application.in_notice").count() == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(a.applicant.email for a in applications)


def test_an_empty_proposed_list_cannot_be_published(gz_pool: Pool, gz_admin: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        proposed_list_publish(actor=gz_admin, pool=gz_pool)
    assert excinfo.value.messages == ["The proposed list is empty."]
    assert not PublicNotice.objects.exists()


def test_only_the_pools_admins_publish(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, gz_client: User, outsider: User
) -> None:
    (application,) = _approved(gz_pool, gz_admin)
    audit_before = AuditRecord.objects.count()
    for intruder in (gz_reviewer, gz_client, outsider, application.applicant):
        with pytest.raises(PermissionDenied, match="Only the pool's admins may publish the proposed list"):
            proposed_list_publish(actor=intruder, pool=gz_pool, published_on=MONDAY)
    assert not PublicNotice.objects.exists()
    assert _status(application) == Status.APPROVED
    assert AuditRecord.objects.count() == audit_before


# Objections ------------------------------------------------------------------------------------


def test_anyone_may_object_until_the_last_day_of_the_notice(gz_pool: Pool, gz_admin: User) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    objection = _object(notice, application, name=" 李明 ", today=NOTICE_ENDS)
    assert (objection.name, objection.state, objection.application) == ("李明", Objection.State.OPEN, application)
    assert objection.sender_digest
    assert "203.0.113.5" not in objection.sender_digest
    record = AuditRecord.objects.get(action="objection.filed")
    # The objector's name and contact stay out of the log.
    assert (record.actor, record.clause, record.data) == (None, "GZ 四（四）", {"application": application.pk})


def test_no_objection_after_the_notice_has_ended(gz_pool: Pool, gz_admin: User) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    with pytest.raises(ValidationError) as excinfo:
        _object(notice, application, today=NOTICE_ENDS + datetime.timedelta(days=1))
    assert excinfo.value.messages == ["The public notice has ended; objections are no longer accepted."]
    notices_close_due(today=NOTICE_ENDS + datetime.timedelta(days=1))
    notice.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer accepted"):
        _object(notice, application, today=NOTICE_ENDS)
    assert not Objection.objects.exists()


def test_an_objection_must_concern_someone_on_the_notice(gz_pool: Pool, gz_admin: User) -> None:
    notice, _applications = _published(gz_pool, gz_admin)
    elsewhere = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, staff=gz_admin)
    with pytest.raises(ValidationError) as excinfo:
        _object(notice, elsewhere)
    assert excinfo.value.message_dict == {"application": ["This person is not on the notice."]}
    assert not Objection.objects.exists()


@pytest.mark.parametrize("field", ["name", "contact", "text"])
def test_an_objection_needs_a_name_a_contact_and_its_text(gz_pool: Pool, gz_admin: User, field: str) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    with pytest.raises(ValidationError) as excinfo:
        _object(notice, application, **{field: "  "})
    assert excinfo.value.message_dict == {field: ["This field is required."]}
    assert not Objection.objects.exists()


def test_one_sender_may_file_three_objections_a_day(gz_pool: Pool, gz_admin: User) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    for _ in range(OBJECTIONS_PER_SENDER_PER_DAY):
        _object(notice, application)
    with pytest.raises(ValidationError) as excinfo:
        _object(notice, application)
    assert excinfo.value.messages == ["Too many objections from this address today; try again tomorrow."]
    _object(notice, application, sender="198.51.100.7")
    assert OBJECTIONS_PER_SENDER_PER_DAY == 3
    assert Objection.objects.count() == 4


# Resolving objections --------------------------------------------------------------------------


def test_an_upheld_objection_rejects_the_application_with_its_reason(
    gz_pool: Pool,
    gz_admin: User,
    gz_reviewer: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    objection = _object(notice, application)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = objection_resolve(
            actor=gz_reviewer, objection=objection, upheld=True, resolution=" 经核实，职称证书系伪造。 "
        )
    assert (resolved.state, resolved.resolution, resolved.resolved_by) == (
        Objection.State.UPHELD,
        "经核实，职称证书系伪造。",
        gz_reviewer,
    )
    assert resolved.resolved_at is not None
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.decided_at is not None
    change = application.status_changes.last()
    assert change is not None
    assert (change.from_status, change.reason, change.clause) == (
        Status.IN_NOTICE,
        "经核实，职称证书系伪造。",
        "GZ 四（四）",
    )
    assert AuditRecord.objects.get(action="objection.upheld").data == {"application": application.pk}
    assert AuditRecord.objects.get(action="application.rejected").data["objection"] == objection.pk
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]
    assert "经核实，职称证书系伪造。" in mailoutbox[0].body


def test_a_dismissed_objection_leaves_the_applicant_to_be_admitted_after_the_notice(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User
) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    objection = _object(notice, application)
    objection_resolve(actor=gz_reviewer, objection=objection, upheld=False, resolution="举报内容与事实不符。")
    assert _status(application) == Status.IN_NOTICE
    assert AuditRecord.objects.filter(action="objection.dismissed").exists()
    assert notices_close_due(today=NOTICE_ENDS) == []
    assert _status(application) == Status.IN_NOTICE
    admitted = notices_close_due(today=NOTICE_ENDS + datetime.timedelta(days=1))
    assert [a.pk for a in admitted] == [application.pk]
    application.refresh_from_db()
    assert application.status == Status.ADMITTED
    assert application.membership is not None
    assert application.membership.admitted_on == NOTICE_ENDS + datetime.timedelta(days=1)
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.CLOSED
    assert notice.closed_at is not None
    assert AuditRecord.objects.get(action="public_notice.closed").data == {"admitted": [application.pk]}


def test_a_resolution_needs_its_reason(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    objection = _object(notice, application)
    with pytest.raises(ValidationError) as excinfo:
        objection_resolve(actor=gz_reviewer, objection=objection, upheld=True, resolution=" ")
    assert excinfo.value.message_dict == {"resolution": ["Give the reason for this decision."]}
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN
    assert _status(application) == Status.IN_NOTICE


def test_an_objection_is_resolved_once(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    objection = _object(notice, application)
    objection_resolve(actor=gz_reviewer, objection=objection, upheld=False, resolution="不成立。")
    with pytest.raises(ValidationError) as excinfo:
        objection_resolve(actor=gz_reviewer, objection=objection, upheld=True, resolution="改为成立。")
    assert excinfo.value.messages == ["This objection has already been resolved."]
    objection.refresh_from_db()
    assert objection.state == Objection.State.DISMISSED
    assert _status(application) == Status.IN_NOTICE


def test_only_the_pools_reviewers_resolve_objections(
    gz_pool: Pool, gz_admin: User, gz_client: User, outsider: User
) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    objection = _object(notice, application)
    history = StatusChange.objects.count()
    for intruder in (gz_client, outsider, application.applicant):
        with pytest.raises(PermissionDenied, match="Only the pool's reviewers may resolve objections"):
            objection_resolve(actor=intruder, objection=objection, upheld=True, resolution="成立。")
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN
    assert _status(application) == Status.IN_NOTICE
    assert StatusChange.objects.count() == history


def test_a_reviewer_does_not_resolve_an_objection_to_their_own_application(gz_pool: Pool, gz_admin: User) -> None:
    reviewer = make_staff(gz_pool, Role.REVIEWER)
    make_application_in(Status.APPROVED, gz_pool, reviewer, staff=gz_admin)
    notice = proposed_list_publish(actor=gz_admin, pool=gz_pool, published_on=MONDAY)
    assert notice is not None
    objection = _object(notice, notice.applications.get())
    with pytest.raises(PermissionDenied, match="Nobody may decide on their own application"):
        objection_resolve(actor=reviewer, objection=objection, upheld=False, resolution="不成立。")
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN


# Scheduled admission ---------------------------------------------------------------------------


def test_an_open_objection_holds_its_application_and_the_notice_open(gz_pool: Pool, gz_admin: User) -> None:
    notice, (held, clear) = _published(gz_pool, gz_admin, 2)
    _object(notice, held)
    after = NOTICE_ENDS + datetime.timedelta(days=1)
    assert [a.pk for a in notices_close_due(today=after)] == [clear.pk]
    assert (_status(held), _status(clear)) == (Status.IN_NOTICE, Status.ADMITTED)
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.OPEN
    # Running again changes nothing while the objection is open.
    assert notices_close_due(today=after) == []
    assert not AuditRecord.objects.filter(action="public_notice.closed").exists()


def test_nothing_is_admitted_before_the_notice_has_ended(gz_pool: Pool, gz_admin: User) -> None:
    notice, (application,) = _published(gz_pool, gz_admin)
    assert notices_close_due(today=notice.ends_on) == []
    assert _status(application) == Status.IN_NOTICE


def test_a_notice_with_an_upheld_objection_closes_after_its_end(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User
) -> None:
    notice, (rejected, admitted) = _published(gz_pool, gz_admin, 2)
    objection_resolve(actor=gz_reviewer, objection=_object(notice, rejected), upheld=True, resolution="成立。")
    notices_close_due(today=NOTICE_ENDS + datetime.timedelta(days=1))
    assert (_status(rejected), _status(admitted)) == (Status.REJECTED, Status.ADMITTED)
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.CLOSED


def test_an_admin_runs_admission_for_their_own_pool_only(gz_pool: Pool, gz_admin: User, outsider: User) -> None:
    _notice, (application,) = _published(gz_pool, gz_admin)
    after = NOTICE_ENDS + datetime.timedelta(days=1)
    with pytest.raises(PermissionDenied, match="Only the pool's admins may run admission"):
        notices_close_due(actor=outsider, pool=gz_pool, today=after)
    assert _status(application) == Status.IN_NOTICE
    assert [a.pk for a in notices_close_due(actor=gz_admin, pool=gz_pool, today=after)] == [application.pk]
    assert AuditRecord.objects.get(action="application.admitted").actor == gz_admin
