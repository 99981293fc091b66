"""Submitting, resubmitting and withdrawing; every rule that blocks a submission."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.applications.models import Application, Mode, StatusChange
from expertpool.applications.services import (
    application_form_errors,
    application_save_draft,
    application_submit,
    application_withdraw,
)
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    give_unit_opinion,
    make_application_in,
    make_ready_application,
    make_staff,
    quick_settings,  # noqa: F401 (an autouse fixture)
)
from expertpool.applications.transitions import IllegalTransition
from expertpool.audit.models import AuditRecord
from expertpool.core.identifiers import make_uscc
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.industries.models import IndustryCode
from expertpool.organisations.models import Organisation
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool
from expertpool.pools.policy import parse_policy, shipped_policy_path

GZ, UR = "gz-cleaner-production", "urumqi-eco-environment"
# Form fields the registry keeps under another name or shape.
BLANK: dict[str, dict[str, Any]] = {"employer": {"employer_name": ""}, "title": {"credentials": []}}
LIST_FIELDS = {"education", "work_history", "achievements", "categories", "distinctions", "industry_codes"}
# Not typed into the form as such: an always-set status; qualifications are optional.
UNCHECKED = {"employment_status", "qualifications"}


def _required_fields(slug: str) -> list[tuple[str, str, str]]:
    policy = parse_policy(shipped_policy_path(slug).read_text(encoding="utf-8"))
    return [(slug, f.key.value, f.clause) for f in policy.form if f.required and f.key.value not in UNCHECKED]


def _blank(application: Application, key: str) -> None:
    if key == "photo":
        application.photo = ""
        application.save(update_fields=["photo"])
        return
    data = {**application.form_data, **BLANK.get(key, {key: [] if key in LIST_FIELDS else ""})}
    application_save_draft(
        actor=application.applicant,
        application=application,
        form_data=data,
        id_number="" if key == "id_number" else application.id_number,
        mobile="" if key == "mobile" else application.mobile,
    )


def _snapshot(application: Application) -> tuple[str, int, int]:
    application.refresh_from_db()
    return application.status, StatusChange.objects.filter(application=application).count(), AuditRecord.objects.count()


def _refused_submission(application: Application, actor: User | None = None) -> ValidationError:
    before = _snapshot(application)
    with pytest.raises(ValidationError) as excinfo:
        application_submit(actor=actor or application.applicant, application=application)
    assert _snapshot(application) == before
    return excinfo.value


def test_both_factories_make_applications_that_may_be_submitted(gz_pool: Pool, ur_pool: Pool) -> None:
    for pool in (gz_pool, ur_pool):
        assert application_form_errors(make_ready_application(pool)) == {}


def test_a_self_nomination_goes_to_qualification_review_and_mails_after_commit(
    gz_pool: Pool,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = make_ready_application(gz_pool)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW
    assert application.submitted_at is not None
    assert application.eligibility["outcome"] == "eligible"
    change = application.status_changes.get()
    assert (change.from_status, change.to_status, change.actor, change.clause) == (
        Status.DRAFT,
        Status.QUALIFICATION_REVIEW,
        application.applicant,
        "GZ 四（一）",
    )
    record = AuditRecord.objects.get(action="application.submitted")
    assert record.clause == "GZ 四（一）"
    assert record.data["eligibility"] == "eligible"
    assert application.id_number not in str(record.data)
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]
    assert reverse("applications:status", args=[application.pk]) in mailoutbox[0].body


def test_the_unit_opinion_is_due_for_every_urumqi_applicant_from_their_employer(ur_pool: Pool) -> None:
    application = make_ready_application(ur_pool)
    application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.status == Status.PRELIMINARY_REVIEW
    assert application.nominating_unit == Organisation.objects.get(name=application.form_data["employer_name"])


def test_a_unit_nomination_goes_to_the_units_preliminary_review(gz_pool: Pool) -> None:
    unit = organisation_get_or_create(name="广州市推荐单位", uscc=make_uscc(area_code="440106", sequence=7), actor=None)
    application = make_ready_application(gz_pool, mode=Mode.UNIT, nominating_unit=unit)
    application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert (application.status, application.nominating_unit) == (Status.PRELIMINARY_REVIEW, unit)


def test_an_ineligible_applicant_may_submit_and_the_decision_is_kept_for_the_reviewers(gz_pool: Pool) -> None:
    credentials = [{"kind": "title", "name": "工程师", "level": "intermediate"}]
    application = make_ready_application(gz_pool, credentials=credentials)
    application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.eligibility["outcome"] == "ineligible"
    assert "GZ 二（四）" in {reason["clause"] for reason in application.eligibility["reasons"]}


@pytest.mark.parametrize(("slug", "key", "clause"), _required_fields(GZ) + _required_fields(UR))
def test_each_required_field_of_the_policy_blocks_submission_naming_its_clause(
    request: pytest.FixtureRequest, slug: str, key: str, clause: str
) -> None:
    pool = request.getfixturevalue("gz_pool" if slug == GZ else "ur_pool")
    application = make_ready_application(pool)
    _blank(application, key)
    error = _refused_submission(application)
    assert f"This field is required ({clause})." in error.message_dict[key]


def test_zero_years_in_the_field_is_an_answer_not_a_blank(gz_pool: Pool) -> None:
    application = make_ready_application(gz_pool, field_years=0, categories=["energy_saving"])
    assert "field_years" not in application_form_errors(application)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"birth_date": "1976-05-17"}, "The birth date does not match the resident ID number."),
        ({"gender": "flip"}, "The gender does not match the resident ID number."),
    ],
)
def test_the_id_number_must_agree_with_birth_date_and_gender(
    gz_pool: Pool, change: dict[str, str], message: str
) -> None:
    application = make_ready_application(gz_pool)
    data = {**application.form_data, **change}
    if data["gender"] == "flip":
        data["gender"] = "female" if application.form_data["gender"] == "male" else "male"
    application_save_draft(
        actor=application.applicant,
        application=application,
        form_data=data,
        id_number=application.id_number,
        mobile=application.mobile,
    )
    assert message in _refused_submission(application).message_dict["id_number"]


def test_a_wrong_id_number_is_named(gz_pool: Pool) -> None:
    application = make_ready_application(gz_pool)
    wrong = application.id_number[:-1] + ("0" if application.id_number[-1] != "0" else "1")
    application_save_draft(
        actor=application.applicant,
        application=application,
        form_data=application.form_data,
        id_number=wrong,
        mobile=application.mobile,
    )
    assert _refused_submission(application).message_dict["id_number"] == [
        "The check digit of the resident ID number is wrong."
    ]


def test_urumqi_allows_at_most_three_categories(ur_pool: Pool) -> None:
    four = ["environmental_science", "environmental_engineering", "climate_change", "nuclear_radiation"]
    application = make_ready_application(ur_pool, categories=four)
    assert (
        "At most 3 categories may be chosen (UR 附件1)." in _refused_submission(application).message_dict["categories"]
    )


def test_the_guangzhou_industry_category_needs_industry_codes(gz_pool: Pool, copper_smelting: IndustryCode) -> None:
    application = make_ready_application(gz_pool, categories=["industry"])
    assert _refused_submission(application).message_dict["industry_codes"] == [
        "The category 行业 needs at least one industry code (GZ 二（七）)."
    ]
    with_codes = make_ready_application(gz_pool, categories=["industry"], industry_codes=[copper_smelting.code])
    assert application_form_errors(with_codes) == {}


@pytest.mark.parametrize(
    ("slug", "kind", "message"),
    [
        (GZ, "id_card", "Upload the 身份证 (GZ 四（一）)."),
        (GZ, "signed_form", "Upload the 签字盖章的入库申请表（扫描PDF） (GZ 四（一）)."),
        (UR, "signed_pledge", "Upload the 签字的专家承诺书（扫描PDF） (UR 附件2)."),
    ],
)
def test_a_missing_required_attachment_blocks_submission(
    request: pytest.FixtureRequest, slug: str, kind: str, message: str
) -> None:
    pool = request.getfixturevalue("gz_pool" if slug == GZ else "ur_pool")
    application = make_ready_application(pool, skip_attachments=(kind,))
    assert _refused_submission(application).message_dict[f"attachment.{kind}"] == [message]


@pytest.mark.parametrize(("slug", "clause"), [(GZ, "GZ 附件"), (UR, "UR 附件1")])
def test_a_retired_applicant_needs_the_retirement_certificate(
    request: pytest.FixtureRequest, slug: str, clause: str
) -> None:
    pool = request.getfixturevalue("gz_pool" if slug == GZ else "ur_pool")
    application = make_ready_application(
        pool, employment_status="retired", skip_attachments=("retirement_certificate",)
    )
    assert _refused_submission(application).message_dict["attachment.retirement_certificate"] == [
        f"Upload the 退休证明 ({clause})."
    ]
    assert application_form_errors(make_ready_application(pool, employment_status="retired")) == {}


def test_the_pledge_must_be_accepted(gz_pool: Pool) -> None:
    application = make_ready_application(gz_pool, accept_pledge=False)
    assert _refused_submission(application).message_dict["pledge"] == ["Read and accept the pledge (GZ 个人承诺)."]


def test_a_pledge_accepted_in_an_older_version_must_be_accepted_again(gz_pool: Pool) -> None:
    application = make_ready_application(gz_pool)
    Application.objects.filter(pk=application.pk).update(pledge_version="2024-01-01")
    assert _refused_submission(application).message_dict["pledge"] == ["Read and accept the pledge (GZ 个人承诺)."]


def test_a_member_of_the_pool_cannot_apply_again(gz_pool: Pool) -> None:
    application = make_ready_application(gz_pool)
    record = make_expert_record(
        id_number=application.id_number,
        birth_date=datetime.date.fromisoformat(application.form_data["birth_date"]),
        gender=application.form_data["gender"],
    )
    expert_register(actor=None, pool=gz_pool, record=record)
    assert "This person is already a member of the pool." in _refused_submission(application).message_dict["id_number"]


def test_only_the_applicant_submits(gz_pool: Pool, gz_admin: User, gz_client: User, outsider: User) -> None:
    application = make_ready_application(gz_pool)
    other_applicant = make_ready_application(gz_pool).applicant
    before = _snapshot(application)
    for intruder in (other_applicant, gz_client, gz_admin, outsider):
        with pytest.raises(PermissionDenied, match="Only the applicant may change the application"):
            application_submit(actor=intruder, application=application)
    assert _snapshot(application) == before


def test_a_submitted_application_cannot_be_submitted_again(gz_pool: Pool) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    error = _refused_submission(application)
    assert error.messages == ["The application can no longer be changed: it is “In qualification review”."]


def test_a_returned_application_is_resubmitted_to_qualification_review(gz_pool: Pool) -> None:
    application = make_application_in(Status.RETURNED, gz_pool)
    application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW
    assert [(c.from_status, c.to_status) for c in application.status_changes.all()] == [
        (Status.DRAFT, Status.QUALIFICATION_REVIEW),
        (Status.QUALIFICATION_REVIEW, Status.RETURNED),
        (Status.RETURNED, Status.QUALIFICATION_REVIEW),
    ]


def test_an_application_the_unit_did_not_recommend_goes_back_to_the_unit(ur_pool: Pool) -> None:
    application = make_application_in(Status.PRELIMINARY_REVIEW, ur_pool)
    give_unit_opinion(application, actor=make_staff(ur_pool), recommended=False)
    assert application.status == Status.RETURNED
    application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.status == Status.PRELIMINARY_REVIEW


def test_an_application_the_unit_recommended_skips_the_unit_on_resubmission(ur_pool: Pool) -> None:
    application = make_application_in(Status.RETURNED, ur_pool)
    application_submit(actor=application.applicant, application=application)
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.QUALIFICATION_REVIEW, Status.RETURNED, Status.APPROVED, Status.IN_NOTICE],
)
def test_the_applicant_may_withdraw_an_open_application(
    gz_pool: Pool,
    status: Status,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = make_application_in(status, gz_pool)
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=application.applicant, application=application, reason="另有安排")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    change = application.status_changes.last()
    assert change is not None
    assert (change.from_status, change.reason) == (status, "另有安排")
    assert AuditRecord.objects.filter(action="application.withdrawn", object_id=str(application.pk)).exists()
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]
    assert "另有安排" in mailoutbox[0].body


def test_only_the_applicant_withdraws(gz_pool: Pool, gz_admin: User, outsider: User) -> None:
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool)
    before = _snapshot(application)
    for intruder in (gz_admin, outsider):
        with pytest.raises(PermissionDenied, match="Only the applicant may withdraw the application"):
            application_withdraw(actor=intruder, application=application)
    assert _snapshot(application) == before


@pytest.mark.parametrize("status", [Status.ADMITTED, Status.REJECTED, Status.WITHDRAWN])
def test_a_finished_application_cannot_be_withdrawn(
    ur_pool: Pool,
    status: Status,
    django_capture_on_commit_callbacks: Callable[..., Any],
    mailoutbox: list[EmailMessage],
) -> None:
    application = make_application_in(status, ur_pool)
    before = _snapshot(application)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IllegalTransition) as excinfo:
        application_withdraw(actor=application.applicant, application=application)
    assert excinfo.value.messages == [f"An application that is “{status.label}” cannot become “Withdrawn”."]
    assert _snapshot(application) == before
    assert mailoutbox == []
