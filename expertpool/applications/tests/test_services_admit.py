"""Admission: the expert in the registry, a membership with the policy's term, the applicant told."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage

from expertpool.accounts.models import User
from expertpool.applications.models import Application, StatusChange
from expertpool.applications.notices import proposed_list_publish
from expertpool.applications.services import application_admit
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_application_in,
    quick_settings,  # noqa: F401 (an autouse fixture)
)
from expertpool.audit.models import AuditRecord
from expertpool.experts.models import Expert, Membership
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.pools.models import Pool

ADMITTED_ON = datetime.date(2026, 3, 16)


def _snapshot(application: Application) -> tuple[str, int, int, int, int]:
    application.refresh_from_db()
    return (
        application.status,
        StatusChange.objects.filter(application=application).count(),
        AuditRecord.objects.count(),
        Expert.objects.count(),
        Membership.objects.count(),
    )


def _register_elsewhere(application: Application, pool: Pool) -> Expert:
    """The same person, already an expert of ``pool``."""
    record = make_expert_record(
        id_number=application.id_number,
        birth_date=datetime.date.fromisoformat(application.form_data["birth_date"]),
        gender=application.form_data["gender"],
        categories=("climate_change",) if pool.slug.startswith("urumqi") else ("energy_saving",),
    )
    return expert_register(actor=None, pool=pool, record=record).expert


def test_admission_after_notice_registers_the_applicant_as_an_expert(
    gz_pool: Pool,
    gz_admin: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = make_application_in(Status.IN_NOTICE, gz_pool, categories=["cleaner_production", "energy_saving"])
    with django_capture_on_commit_callbacks(execute=True):
        application_admit(actor=gz_admin, application=application, on_date=ADMITTED_ON)
    application.refresh_from_db()
    assert application.status == Status.ADMITTED
    assert application.decided_at is not None
    membership = application.membership
    assert membership is not None
    assert (membership.pool, membership.admitted_on, membership.term_ends_on) == (gz_pool, ADMITTED_ON, None)
    assert sorted(membership.categories.values_list("code", flat=True)) == ["cleaner_production", "energy_saving"]
    expert = membership.expert
    assert (expert.name, expert.id_number, expert.user) == (
        application.form_data["name"],
        application.id_number,
        application.applicant,
    )
    assert expert.employer is not None
    assert expert.employer.name == application.form_data["employer_name"]
    assert expert.credentials.get().level == "associate_senior"
    record = AuditRecord.objects.get(action="application.admitted")
    assert (record.clause, record.data["membership"], record.data["expert"]) == (
        "GZ 四（四）",
        membership.pk,
        expert.pk,
    )
    assert {"expert.created", "membership.created"} <= set(AuditRecord.objects.values_list("action", flat=True))
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]


def test_an_urumqi_member_serves_a_three_year_term(ur_pool: Pool, ur_admin: User) -> None:
    application = make_application_in(Status.APPROVED, ur_pool)
    application_admit(actor=ur_admin, application=application, on_date=datetime.date(2026, 3, 16))
    application.refresh_from_db()
    assert application.membership is not None
    assert application.membership.term_ends_on == datetime.date(2029, 3, 15)
    assert AuditRecord.objects.get(action="application.admitted").clause == "UR 第九条"


def test_an_expert_of_another_pool_gets_a_membership_and_no_second_record(gz_pool: Pool, ur_pool: Pool) -> None:
    application = make_application_in(Status.IN_NOTICE, gz_pool)
    expert = _register_elsewhere(application, ur_pool)
    application_admit(actor=None, application=application, on_date=ADMITTED_ON)
    application.refresh_from_db()
    assert Expert.objects.count() == 1
    assert application.membership is not None
    assert application.membership.expert == expert
    assert set(expert.memberships.values_list("pool__slug", flat=True)) == {gz_pool.slug, ur_pool.slug}
    # Registered once, in the other pool; admission here only adds the membership.
    assert AuditRecord.objects.filter(action="expert.created").count() == 1


@pytest.mark.parametrize(
    ("slug", "status", "message"),
    [
        (
            "gz-cleaner-production",
            Status.APPROVED,
            "Only an application that is “In public notice” can be admitted; this one is “On the proposed list”.",
        ),
        (
            "gz-cleaner-production",
            Status.QUALIFICATION_REVIEW,
            "Only an application that is “In public notice” can be admitted; this one is “In qualification review”.",
        ),
        (
            "urumqi-eco-environment",
            Status.DRAFT,
            "Only an application that is “On the proposed list” can be admitted; this one is “Draft”.",
        ),
    ],
)
def test_nobody_is_admitted_before_their_time_and_nothing_is_created(
    request: pytest.FixtureRequest, slug: str, status: Status, message: str
) -> None:
    pool = request.getfixturevalue("gz_pool" if slug.startswith("gz") else "ur_pool")
    application = make_application_in(status, pool)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_admit(actor=None, application=application, on_date=ADMITTED_ON)
    assert excinfo.value.messages == [message]
    assert _snapshot(application) == before


def test_a_person_who_became_a_member_meanwhile_is_not_admitted_twice(gz_pool: Pool) -> None:
    application = make_application_in(Status.IN_NOTICE, gz_pool)
    _register_elsewhere(application, gz_pool)
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_admit(actor=None, application=application, on_date=ADMITTED_ON)
    assert excinfo.value.message_dict == {"expert": ["This expert is already a member of the pool."]}
    assert _snapshot(application) == before


def test_publishing_without_a_notice_admits_the_whole_proposed_list(ur_pool: Pool, ur_admin: User) -> None:
    first = make_application_in(Status.APPROVED, ur_pool, staff=ur_admin)
    second = make_application_in(Status.APPROVED, ur_pool, staff=ur_admin)
    assert proposed_list_publish(actor=ur_admin, pool=ur_pool, published_on=ADMITTED_ON) is None
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Status.ADMITTED
        assert application.membership is not None
        assert application.membership.admitted_on == ADMITTED_ON
