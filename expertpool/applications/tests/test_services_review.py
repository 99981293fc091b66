"""Preliminary review by the unit, review meetings, and the reviewers' decisions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.models import Application, Mode, ReviewDecision, StatusChange, UnitOpinion
from expertpool.applications.review import (
    application_give_unit_opinion,
    application_review,
    may_give_unit_opinion,
    review_meeting_create,
)
from expertpool.applications.services import application_attachment_add
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_applicant,
    make_application_in,
    make_staff,
    pdf_upload,
    quick_settings,  # noqa: F401 (an autouse fixture)
)
from expertpool.audit.models import AuditRecord
from expertpool.organisations.models import Organisation
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

GZ_DECLARATIONS = ["familiar_with_procedures", "health_and_availability", "impartiality", "integrity"]


@pytest.fixture
def unit(db: None) -> Organisation:
    return organisation_get_or_create(name="广州市某环保科技有限公司", actor=None)


def _unit_user(pool: Pool, organisation: Organisation) -> User:
    user = make_applicant()
    PoolRole.objects.create(user=user, pool=pool, role=Role.NOMINATING_UNIT, organisation=organisation)
    return user


def _snapshot(application: Application) -> tuple[str, int, int, int, int]:
    application.refresh_from_db()
    return (
        application.status,
        StatusChange.objects.filter(application=application).count(),
        AuditRecord.objects.count(),
        ReviewDecision.objects.count(),
        UnitOpinion.objects.count(),
    )


def _nominated(pool: Pool, unit: Organisation) -> Application:
    return make_application_in(Status.PRELIMINARY_REVIEW, pool, mode=Mode.UNIT, nominating_unit=unit)


def _scan(application: Application, actor: User) -> Any:
    return application_attachment_add(actor=actor, application=application, kind="unit_opinion", file=pdf_upload())


# The unit's preliminary review ------------------------------------------------------------


@pytest.mark.parametrize(
    ("recommended", "status", "action"),
    [
        (True, Status.QUALIFICATION_REVIEW, "application.unit_recommended"),
        (False, Status.RETURNED, "application.unit_not_recommended"),
    ],
)
def test_the_nominating_unit_gives_its_opinion_with_the_stamped_scan(
    gz_pool: Pool,
    unit: Organisation,
    *,
    recommended: bool,
    status: Status,
    action: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = _nominated(gz_pool, unit)
    unit_user = _unit_user(gz_pool, unit)
    scan = _scan(application, unit_user)
    with django_capture_on_commit_callbacks(execute=True):
        opinion = application_give_unit_opinion(
            actor=unit_user, application=application, recommended=recommended, opinion="  同意。 ", stamped_scan=scan
        )
    assert (opinion.organisation, opinion.given_by, opinion.stamped_scan, opinion.opinion) == (
        unit,
        unit_user,
        scan,
        "同意。",
    )
    application.refresh_from_db()
    assert application.status == status
    change = application.status_changes.last()
    assert change is not None
    assert (change.from_status, change.to_status, change.actor) == (Status.PRELIMINARY_REVIEW, status, unit_user)
    record = AuditRecord.objects.get(action=action)
    assert (record.object_id, record.clause) == (str(application.pk), "GZ 四（一）")
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]
    assert "同意。" in mailoutbox[0].body


def test_a_pool_admin_records_the_opinion_on_behalf_of_a_unit_without_an_account(
    gz_pool: Pool, gz_admin: User, unit: Organisation
) -> None:
    application = _nominated(gz_pool, unit)
    application_give_unit_opinion(
        actor=gz_admin,
        application=application,
        recommended=True,
        opinion="见盖章意见。",
        stamped_scan=_scan(application, gz_admin),
    )
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW


def test_nobody_else_gives_the_units_opinion(
    gz_pool: Pool,
    ur_pool: Pool,
    *,
    gz_admin: User,
    gz_reviewer: User,
    gz_client: User,
    outsider: User,
    unit: Organisation,
) -> None:
    application = _nominated(gz_pool, unit)
    scan = _scan(application, gz_admin)
    other_unit = _unit_user(gz_pool, organisation_get_or_create(name="另一家单位", actor=None))
    same_unit_other_pool = _unit_user(ur_pool, unit)
    before = _snapshot(application)
    for intruder in (application.applicant, gz_reviewer, gz_client, outsider, other_unit, same_unit_other_pool):
        assert not may_give_unit_opinion(intruder, application)
        with pytest.raises(PermissionDenied, match="Only the nominating unit may give its opinion"):
            application_give_unit_opinion(
                actor=intruder, application=application, recommended=True, opinion="同意", stamped_scan=scan
            )
    assert _snapshot(application) == before


@pytest.mark.parametrize("scan", ["none", "another application's"])
def test_the_opinion_needs_the_units_own_stamped_scan(
    gz_pool: Pool, gz_admin: User, unit: Organisation, scan: str
) -> None:
    application = _nominated(gz_pool, unit)
    other = _nominated(gz_pool, unit)
    stamped_scan = None if scan == "none" else _scan(other, gz_admin)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_give_unit_opinion(
            actor=gz_admin, application=application, recommended=True, opinion="同意", stamped_scan=stamped_scan
        )
    assert excinfo.value.message_dict == {"stamped_scan": ["Upload the unit's stamped opinion."]}
    assert _snapshot(application) == before


def test_the_opinion_needs_its_text(gz_pool: Pool, gz_admin: User, unit: Organisation) -> None:
    application = _nominated(gz_pool, unit)
    scan = _scan(application, gz_admin)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_give_unit_opinion(
            actor=gz_admin, application=application, recommended=False, opinion="  ", stamped_scan=scan
        )
    assert excinfo.value.message_dict == {"reason": ["Give the reason for this decision."]}
    assert _snapshot(application) == before


def test_the_opinion_is_given_only_during_the_preliminary_review(gz_pool: Pool, gz_admin: User) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, mode=Mode.UNIT, staff=gz_admin)
    scan = application.attachments.get(kind="unit_opinion")
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_give_unit_opinion(
            actor=gz_admin, application=application, recommended=True, opinion="再次同意", stamped_scan=scan
        )
    assert excinfo.value.messages == [
        "The unit gives its opinion during the preliminary review; this application is “In qualification review”."
    ]
    assert _snapshot(application) == before


def test_a_self_nominated_applicant_gets_the_opinion_of_their_employer(ur_pool: Pool) -> None:
    application = make_application_in(Status.PRELIMINARY_REVIEW, ur_pool)
    employer = application.nominating_unit
    assert employer is not None
    assert employer.name == application.form_data["employer_name"]
    employer_user = _unit_user(ur_pool, employer)
    application_give_unit_opinion(
        actor=employer_user,
        application=application,
        recommended=True,
        opinion="同意推荐。",
        stamped_scan=_scan(application, employer_user),
    )
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW


# Review meetings ----------------------------------------------------------------------------


def test_an_admin_records_a_review_meeting_and_who_took_part(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    meeting = review_meeting_create(
        actor=gz_admin,
        pool=gz_pool,
        title=" 2026年第1批 ",
        held_on=datetime.date(2026, 3, 2),
        participants=[gz_admin, gz_reviewer],
    )
    assert meeting.title == "2026年第1批"
    assert set(meeting.participants.all()) == {gz_admin, gz_reviewer}
    record = AuditRecord.objects.get(action="review_meeting.created")
    assert (record.clause, record.data) == (
        "GZ 四（一）",
        {"held_on": "2026-03-02", "participants": ["gz_admin", "gz_reviewer"]},
    )


def test_a_meeting_needs_its_participants(gz_pool: Pool, gz_admin: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        review_meeting_create(
            actor=gz_admin, pool=gz_pool, title="x", held_on=datetime.date(2026, 3, 2), participants=[]
        )
    assert excinfo.value.message_dict == {"participants": ["Name who took part in the meeting."]}


def test_only_the_pools_admins_convene_a_meeting(gz_pool: Pool, gz_reviewer: User, outsider: User) -> None:
    for intruder in (gz_reviewer, outsider):
        with pytest.raises(PermissionDenied, match="Only the pool's admins may convene a review meeting"):
            review_meeting_create(
                actor=intruder, pool=gz_pool, title="x", held_on=datetime.date(2026, 3, 2), participants=[intruder]
            )
    assert not AuditRecord.objects.filter(action="review_meeting.created").exists()


# Qualification review -----------------------------------------------------------------------


def test_a_reviewer_approves_onto_the_proposed_list_within_a_meeting(
    gz_pool: Pool,
    gz_admin: User,
    gz_reviewer: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    meeting = review_meeting_create(
        actor=gz_admin, pool=gz_pool, title="第1批", held_on=datetime.date(2026, 3, 2), participants=[gz_reviewer]
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = application_review(
            actor=gz_reviewer,
            application=application,
            outcome="approve",
            confirmed_declarations=list(reversed(GZ_DECLARATIONS)),
            meeting=meeting,
        )
    assert (decision.outcome, decision.meeting, decision.confirmed_declarations) == (
        "approve",
        meeting,
        GZ_DECLARATIONS,
    )
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_at is None
    record = AuditRecord.objects.get(action="application.approved")
    assert record.clause == "GZ 四（一）"
    assert record.data["meeting"] == meeting.pk
    assert record.data["confirmed_declarations"] == GZ_DECLARATIONS
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]


@pytest.mark.parametrize(
    ("outcome", "status", "action"),
    [("reject", Status.REJECTED, "application.rejected"), ("return", Status.RETURNED, "application.returned")],
)
def test_rejecting_or_returning_records_the_reason_and_tells_the_applicant(
    gz_pool: Pool,
    gz_reviewer: User,
    *,
    outcome: str,
    status: Status,
    action: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    with django_capture_on_commit_callbacks(execute=True):
        application_review(actor=gz_reviewer, application=application, outcome=outcome, reason=" 职称证书不清晰 ")
    application.refresh_from_db()
    assert application.status == status
    assert (application.decided_at is not None) == (status == Status.REJECTED)
    change = application.status_changes.last()
    assert change is not None
    assert (change.to_status, change.reason, change.actor) == (status, "职称证书不清晰", gz_reviewer)
    assert AuditRecord.objects.get(action=action).data["reason"] == "职称证书不清晰"
    assert "职称证书不清晰" in mailoutbox[0].body


@pytest.mark.parametrize("outcome", ["reject", "return"])
def test_rejecting_or_returning_needs_a_reason(gz_pool: Pool, gz_reviewer: User, outcome: str) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_review(actor=gz_reviewer, application=application, outcome=outcome, reason="   ")
    assert excinfo.value.message_dict == {"reason": ["Give the reason for this decision."]}
    assert _snapshot(application) == before


def test_approval_needs_every_declaration_confirmed(gz_pool: Pool, gz_reviewer: User) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_review(
            actor=gz_reviewer, application=application, outcome="approve", confirmed_declarations=["integrity"]
        )
    assert excinfo.value.message_dict == {
        "confirmed_declarations": [
            "Confirm every declaration before approving: impartiality, familiar_with_procedures, "
            "health_and_availability."
        ]
    }
    assert _snapshot(application) == before


def test_an_unknown_outcome_is_refused(gz_pool: Pool, gz_reviewer: User) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    with pytest.raises(ValidationError) as excinfo:
        application_review(actor=gz_reviewer, application=application, outcome="maybe", reason="?")
    assert excinfo.value.message_dict == {"outcome": ["Choose approve, reject or return."]}


def test_a_meeting_of_another_pool_is_refused(gz_pool: Pool, ur_pool: Pool, gz_reviewer: User, ur_admin: User) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    ur_meeting = review_meeting_create(
        actor=ur_admin,
        pool=ur_pool,
        title="UR",
        held_on=datetime.date(2026, 3, 2),
        participants=[ur_admin],
    )
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_review(actor=gz_reviewer, application=application, outcome="reject", reason="x", meeting=ur_meeting)
    assert excinfo.value.message_dict == {"meeting": ["The meeting belongs to another pool."]}
    assert _snapshot(application) == before


def test_only_the_pools_reviewers_decide(gz_pool: Pool, gz_client: User, outsider: User) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    unit_user = _unit_user(gz_pool, organisation_get_or_create(name="某单位", actor=None))
    before = _snapshot(application)
    for intruder in (application.applicant, gz_client, outsider, unit_user):
        with pytest.raises(PermissionDenied, match="Only the pool's reviewers may decide on applications"):
            application_review(actor=intruder, application=application, outcome="reject", reason="x")
    assert _snapshot(application) == before


def test_a_reviewer_cannot_decide_on_their_own_application(gz_pool: Pool) -> None:
    reviewer = make_staff(gz_pool, Role.REVIEWER)
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, reviewer)
    before = _snapshot(application)
    with pytest.raises(PermissionDenied, match="Nobody may decide on their own application"):
        application_review(
            actor=reviewer, application=application, outcome="approve", confirmed_declarations=GZ_DECLARATIONS
        )
    assert _snapshot(application) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PRELIMINARY_REVIEW, Status.APPROVED, Status.REJECTED])
def test_a_decision_outside_qualification_review_is_refused_and_leaves_no_trace(
    gz_pool: Pool, gz_reviewer: User, status: Status
) -> None:
    """``preliminary_review`` → ``returned`` is in the table, but it is the unit's move."""
    application = make_application_in(status, gz_pool)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_review(actor=gz_reviewer, application=application, outcome="return", reason="补充材料")
    assert excinfo.value.messages == [
        f"Reviewers decide during the qualification review; this application is “{status.label}”."
    ]
    assert _snapshot(application) == before
