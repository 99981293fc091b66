"""The unit's preliminary review (初审) with its stamped opinion: GZ 四（一） for unit
nominations, UR 第八条 and 附件1's 单位意见 box for every applicant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.invitations import application_unit_review
from expertpool.applications.models import Application, Mode, UnitOpinion
from expertpool.applications.review import application_give_unit_opinion
from expertpool.applications.services import application_attachment_add
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_ready_application,
    make_submitted_application,
    pdf_upload,
)
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.core.testing import english_client
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def client_for(user: User) -> Client:
    client = english_client()
    client.force_login(user)
    return client


def unit_user(pool: Pool, organisation: Organisation, username: str) -> User:
    user = User.objects.create_user(username=username, password="x", email=f"{username}@example.cn")
    PoolRole.objects.create(user=user, pool=pool, role=Role.NOMINATING_UNIT, organisation=organisation)
    return user


def organisation(name: str) -> Organisation:
    return Organisation.objects.create(name=name, normalised_name=name)


@pytest.fixture
def association(db: None) -> Organisation:
    return organisation("广州市循环经济与清洁生产协会")


@pytest.fixture
def gz_unit(gz_pool: Pool, association: Organisation) -> User:
    return unit_user(gz_pool, association, "gz_unit")


@pytest.fixture
def nominated(gz_pool: Pool, association: Organisation) -> Application:
    """A unit-nominated GZ application, submitted and awaiting the unit."""
    return make_submitted_application(gz_pool, mode=Mode.UNIT, nominating_unit=association)


def review_url(application: Application) -> str:
    return reverse("applications:unit_review", args=[application.pk])


def opinion_post(outcome: str, opinion: str = "同意推荐。", scan: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {"outcome": outcome, "opinion": opinion}
    if scan is not None:
        data["stamped_scan"] = scan
    return data


def test_unit_nominated_application_awaits_the_unit(nominated: Application) -> None:
    assert nominated.status == Status.PRELIMINARY_REVIEW


def test_recommended_goes_on_to_qualification_review(nominated: Application, gz_unit: User) -> None:
    response = client_for(gz_unit).post(review_url(nominated), opinion_post("recommended", scan=pdf_upload("盖章.pdf")))
    assert response.status_code == 302
    nominated.refresh_from_db()
    assert nominated.status == Status.QUALIFICATION_REVIEW
    opinion = UnitOpinion.objects.get(application=nominated)
    assert opinion.outcome == UnitOpinion.Outcome.RECOMMENDED
    assert opinion.given_by == gz_unit
    assert opinion.stamped_scan is not None
    assert opinion.stamped_scan.kind == "unit_opinion"
    assert opinion.stamped_scan.uploaded_by == gz_unit


def test_not_recommended_returns_with_the_opinion_as_reason_in_history(nominated: Application, gz_unit: User) -> None:
    reason = "申报材料与本人实际不符，不予推荐。"
    client = client_for(gz_unit)
    response = client.post(review_url(nominated), opinion_post("not_recommended", reason, pdf_upload()))
    assert response.status_code == 302
    nominated.refresh_from_db()
    assert nominated.status == Status.RETURNED
    change = nominated.status_changes.get(to_status=Status.RETURNED)
    assert change.reason == reason
    assert change.actor == gz_unit
    page = client.get(review_url(nominated)).content.decode()
    assert reason in page
    assert "Not recommended" in page
    assert "the page is read-only" in page


def test_a_missing_stamped_scan_is_refused_and_nothing_changes(nominated: Application, gz_unit: User) -> None:
    response = client_for(gz_unit).post(review_url(nominated), opinion_post("recommended"))
    assert response.status_code == 400
    assert "Upload the unit&#x27;s stamped opinion." in response.content.decode()
    nominated.refresh_from_db()
    assert nominated.status == Status.PRELIMINARY_REVIEW
    assert not UnitOpinion.objects.exists()


def test_a_missing_opinion_or_a_wrong_file_is_refused_without_storing_the_file(
    nominated: Application, gz_unit: User
) -> None:
    client = client_for(gz_unit)
    no_text = client.post(review_url(nominated), opinion_post("recommended", " ", pdf_upload()))
    assert no_text.status_code == 400
    assert "Write the unit&#x27;s opinion." in no_text.content.decode()
    program = SimpleUploadedFile("盖章.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    wrong = client.post(review_url(nominated), opinion_post("recommended", scan=program))
    assert wrong.status_code == 400
    assert 'class="form-field__error"' in wrong.content.decode()
    nominated.refresh_from_db()
    assert nominated.status == Status.PRELIMINARY_REVIEW
    assert not nominated.attachments.filter(kind="unit_opinion").exists()
    assert not UnitOpinion.objects.exists()


def test_another_organisations_unit_the_applicant_and_outsiders_get_404(
    gz_pool: Pool, nominated: Application, outsider: User, gz_reviewer: User
) -> None:
    other_unit = unit_user(gz_pool, organisation("另一推荐单位"), "other_unit")
    for user in (other_unit, outsider, gz_reviewer, nominated.applicant):
        client = client_for(user)
        assert client.get(review_url(nominated)).status_code == 404
        scan = pdf_upload()
        assert client.post(review_url(nominated), opinion_post("recommended", scan=scan)).status_code == 404
    with pytest.raises(PermissionDenied):
        application_unit_review(
            actor=other_unit, application=nominated, recommended=True, opinion="同意", stamped_scan=pdf_upload()
        )
    nominated.refresh_from_db()
    assert nominated.status == Status.PRELIMINARY_REVIEW


def test_the_review_page_masks_id_number_and_phone(nominated: Application, gz_unit: User) -> None:
    page = client_for(gz_unit).get(review_url(nominated)).content.decode()
    assert nominated.form_data["name"] in page
    assert nominated.id_number not in page
    assert nominated.mobile not in page
    assert mask_id_number(nominated.id_number) in page
    assert mask_phone(nominated.mobile) in page
    assert "Record the opinion" in page
    assert 'id="eligibility"' in page


def test_a_draft_is_not_shown_to_the_unit(gz_pool: Pool, association: Organisation, gz_unit: User) -> None:
    draft = make_ready_application(gz_pool, mode=Mode.UNIT, nominating_unit=association)
    assert client_for(gz_unit).get(review_url(draft)).status_code == 404


def test_after_the_review_the_page_is_read_only(nominated: Application, gz_unit: User) -> None:
    client = client_for(gz_unit)
    client.post(review_url(nominated), opinion_post("recommended", scan=pdf_upload()))
    again = client.post(review_url(nominated), opinion_post("not_recommended", "改变主意", pdf_upload()))
    assert again.status_code == 302
    page = client.get(review_url(nominated)).content.decode()
    assert "Record the opinion" not in page
    assert "not awaiting the unit" in page
    assert UnitOpinion.objects.count() == 1
    nominated.refresh_from_db()
    assert nominated.status == Status.QUALIFICATION_REVIEW


def test_urumqi_self_nomination_is_reviewed_by_the_employers_unit(ur_pool: Pool) -> None:
    application = make_submitted_application(ur_pool, employer_name="乌鲁木齐市环境监测中心站")
    assert application.mode == Mode.SELF
    assert application.status == Status.PRELIMINARY_REVIEW
    employer = application.nominating_unit
    assert employer is not None
    assert employer.name == "乌鲁木齐市环境监测中心站"
    employer_unit = unit_user(ur_pool, employer, "ur_employer")
    client = client_for(employer_unit)
    assert client.get(reverse("applications:unit_home")).content.decode().count(review_url(application)) == 1
    assert client.get(review_url(application)).status_code == 200
    response = client.post(review_url(application), opinion_post("recommended", "情况属实，同意推荐。", pdf_upload()))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.QUALIFICATION_REVIEW
    assert UnitOpinion.objects.get(application=application).organisation == employer


def test_a_pool_admin_records_the_opinion_on_behalf_of_a_unit_without_an_account(
    nominated: Application, association: Organisation, gz_admin: User
) -> None:
    client = client_for(gz_admin)
    page = client.get(review_url(nominated)).content.decode()
    assert "on behalf of" in page
    response = client.post(review_url(nominated), opinion_post("recommended", scan=pdf_upload()))
    assert response.status_code == 302
    opinion = UnitOpinion.objects.get(application=nominated)
    assert opinion.given_by == gz_admin
    assert opinion.organisation == association
    nominated.refresh_from_db()
    assert nominated.status == Status.QUALIFICATION_REVIEW


def test_only_the_unit_uploads_its_opinion_and_only_during_preliminary_review(
    gz_pool: Pool, nominated: Application, association: Organisation, gz_unit: User
) -> None:
    with pytest.raises(PermissionDenied):
        application_attachment_add(
            actor=nominated.applicant, application=nominated, kind="unit_opinion", file=pdf_upload()
        )
    draft = make_ready_application(gz_pool, mode=Mode.UNIT, nominating_unit=association)
    with pytest.raises(PermissionDenied):
        application_attachment_add(actor=gz_unit, application=draft, kind="unit_opinion", file=pdf_upload())
    scan = draft.attachments.filter(superseded=False).first()
    with pytest.raises(ValidationError, match="during the preliminary review"):
        application_give_unit_opinion(
            actor=gz_unit, application=draft, recommended=True, opinion="同意推荐。", stamped_scan=scan
        )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_unit_downloads_the_attachments_through_the_checked_view(nominated: Application, gz_unit: User) -> None:
    attachment = nominated.attachments.filter(superseded=False).first()
    assert attachment is not None
    url = reverse("applications:attachment", args=[nominated.pk, attachment.pk])
    client = client_for(gz_unit)
    assert url in client.get(review_url(nominated)).content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
