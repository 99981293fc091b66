"""Opening an application: one open application per person and pool."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from expertpool.applications.models import Application, Mode
from expertpool.applications.services import application_start
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_applicant,
    make_application_in,
    quick_settings,  # noqa: F401 (an autouse fixture)
)
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool


def test_a_draft_opens_with_the_applicants_email_and_an_audit_record(gz_pool: Pool) -> None:
    applicant = make_applicant()
    application = application_start(actor=applicant, pool=gz_pool)
    assert (application.status, application.mode, application.applicant) == (Status.DRAFT, Mode.SELF, applicant)
    assert application.form_data == {"email": applicant.email}
    record = AuditRecord.objects.get(action="application.started")
    assert (record.object_id, record.pool, record.clause, record.data) == (
        str(application.pk),
        gz_pool,
        "GZ 四（一）",
        {"mode": "self"},
    )


def test_a_way_in_the_policy_does_not_offer_is_refused(gz_pool: Pool) -> None:
    with pytest.raises(ValidationError) as excinfo:
        application_start(actor=make_applicant(), pool=gz_pool, mode="headhunted")
    assert excinfo.value.message_dict == {"mode": ["This pool does not accept this way of applying."]}
    assert not Application.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.QUALIFICATION_REVIEW, Status.RETURNED])
def test_a_second_open_application_to_the_same_pool_is_refused(gz_pool: Pool, status: Status) -> None:
    first = make_application_in(status, gz_pool)
    audit_before = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        application_start(actor=first.applicant, pool=gz_pool)
    assert excinfo.value.messages == ["You already have an open application to this pool."]
    assert Application.objects.filter(applicant=first.applicant).count() == 1
    assert AuditRecord.objects.count() == audit_before


def test_the_database_holds_one_open_application_per_person_and_pool(gz_pool: Pool) -> None:
    applicant = make_applicant()
    Application.objects.create(pool=gz_pool, applicant=applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(pool=gz_pool, applicant=applicant, status=Status.APPROVED)
    # Finished applications are history and do not count.
    Application.objects.create(pool=gz_pool, applicant=applicant, status=Status.REJECTED)
    Application.objects.create(pool=gz_pool, applicant=applicant, status=Status.WITHDRAWN)
    assert Application.objects.filter(applicant=applicant).count() == 3


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.REJECTED])
def test_a_finished_application_allows_a_new_start(gz_pool: Pool, status: Status) -> None:
    finished = make_application_in(status, gz_pool)
    again = application_start(actor=finished.applicant, pool=gz_pool)
    assert again.status == Status.DRAFT
    assert again.pk != finished.pk


def test_an_open_application_elsewhere_does_not_block_another_pool(gz_pool: Pool, ur_pool: Pool) -> None:
    first = make_application_in(Status.DRAFT, gz_pool)
    other = application_start(actor=first.applicant, pool=ur_pool, mode=Mode.UNIT)
    assert (other.pool, other.mode) == (ur_pool, Mode.UNIT)
