"""Filling in: drafts keep anything typed; attachments and the pledge; only the applicant edits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from expertpool.accounts.models import User
from expertpool.applications.models import Application, ApplicationAttachment
from expertpool.applications.services import (
    application_accept_pledge,
    application_attachment_add,
    application_save_draft,
    application_start,
)
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_applicant,
    make_application_in,
    make_staff,
    pdf_upload,
    quick_settings,  # noqa: F401 (an autouse fixture)
    tiny_png,
)
from expertpool.audit.models import AuditRecord
from expertpool.core.uploads import UploadRejected
from expertpool.pools.models import Pool


def _draft(pool: Pool) -> Application:
    return application_start(actor=make_applicant(), pool=pool)


def test_a_draft_keeps_whatever_was_typed_even_when_invalid(gz_pool: Pool) -> None:
    application = _draft(gz_pool)
    typed = {"name": "", "birth_date": "1975-13-45", "field_years": "many", "categories": ["no_such_category"]}
    saved = application_save_draft(
        actor=application.applicant, application=application, form_data=typed, id_number=" 12345x ", mobile=" 1 "
    )
    saved.refresh_from_db()
    assert saved.form_data == typed
    assert (saved.id_number, saved.mobile, saved.status) == ("12345X", "1", Status.DRAFT)


def test_saving_records_the_names_of_the_changed_fields_only(gz_pool: Pool) -> None:
    application = _draft(gz_pool)
    data = {**application.form_data, "name": "张三"}
    application_save_draft(
        actor=application.applicant, application=application, form_data=data, id_number="", mobile="13800000000"
    )
    record = AuditRecord.objects.get(action="application.draft_saved")
    assert record.data == {"fields": ["name", "mobile"]}
    application_save_draft(
        actor=application.applicant, application=application, form_data=data, id_number="", mobile="13800000000"
    )
    assert AuditRecord.objects.filter(action="application.draft_saved").count() == 1


def test_the_audit_log_never_holds_what_was_typed(gz_pool: Pool) -> None:
    application = _draft(gz_pool)
    application_save_draft(
        actor=application.applicant,
        application=application,
        form_data={"name": "张三"},
        id_number="440106197505170013",
        mobile="13800000000",
    )
    data = str(AuditRecord.objects.get(action="application.draft_saved").data)
    assert "440106197505170013" not in data
    assert "13800000000" not in data


def test_another_person_cannot_edit_the_draft(gz_pool: Pool, gz_admin: User, gz_client: User) -> None:
    application = _draft(gz_pool)
    for intruder in (make_applicant(), gz_client, gz_admin):
        with pytest.raises(PermissionDenied, match="Only the applicant may change the application"):
            application_save_draft(
                actor=intruder, application=application, form_data={"name": "x"}, id_number="", mobile=""
            )
    application.refresh_from_db()
    assert application.form_data == {"email": application.applicant.email}


@pytest.mark.parametrize("status", [Status.QUALIFICATION_REVIEW, Status.APPROVED, Status.WITHDRAWN])
def test_a_submitted_application_can_no_longer_be_changed(gz_pool: Pool, status: Status) -> None:
    application = make_application_in(status, gz_pool)
    before = dict(application.form_data)
    with pytest.raises(ValidationError) as excinfo:
        application_save_draft(
            actor=application.applicant,
            application=application,
            form_data={"name": "改名"},
            id_number=application.id_number,
            mobile=application.mobile,
        )
    assert excinfo.value.messages == [f"The application can no longer be changed: it is “{Status(status).label}”."]
    application.refresh_from_db()
    assert application.form_data == before


def test_a_returned_application_is_editable_again(gz_pool: Pool) -> None:
    application = make_application_in(Status.RETURNED, gz_pool)
    data = {**application.form_data, "position": "副总工程师"}
    application_save_draft(
        actor=application.applicant,
        application=application,
        form_data=data,
        id_number=application.id_number,
        mobile=application.mobile,
    )
    application.refresh_from_db()
    assert application.form_data["position"] == "副总工程师"


def test_an_attachment_is_stored_under_a_random_name_and_audited(gz_pool: Pool) -> None:
    application = _draft(gz_pool)
    attachment = application_attachment_add(
        actor=application.applicant, application=application, kind="id_card", file=pdf_upload("我的身份证.pdf")
    )
    assert attachment.original_name == "我的身份证.pdf"
    assert attachment.content_type == "application/pdf"
    assert "身份证" not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    record = AuditRecord.objects.get(action="application.attachment_added")
    assert (record.clause, record.data["kind"], record.data["sha256"]) == ("GZ 四（一）", "id_card", attachment.sha256)


def test_an_image_is_reencoded_and_a_second_file_supersedes_the_first(gz_pool: Pool) -> None:
    application = _draft(gz_pool)
    first = application_attachment_add(
        actor=application.applicant, application=application, kind="id_card", file=pdf_upload()
    )
    second = application_attachment_add(
        actor=application.applicant,
        application=application,
        kind="id_card",
        file=SimpleUploadedFile("id.png", tiny_png(), content_type="image/png"),
    )
    first.refresh_from_db()
    assert first.superseded
    assert not second.superseded
    assert second.content_type == "image/png"
    assert second.file.name.endswith(".png")
    assert list(application.attachments.filter(superseded=False)) == [second]


def test_a_wrong_file_is_refused_and_the_application_is_kept(gz_pool: Pool) -> None:
    application = _draft(gz_pool)
    kept = application_attachment_add(
        actor=application.applicant, application=application, kind="id_card", file=pdf_upload()
    )
    audit_before = AuditRecord.objects.count()
    svg = SimpleUploadedFile(
        "id.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', content_type="application/pdf"
    )
    with pytest.raises(UploadRejected, match="SVG"):
        application_attachment_add(actor=application.applicant, application=application, kind="id_card", file=svg)
    kept.refresh_from_db()
    assert not kept.superseded
    assert ApplicationAttachment.objects.count() == 1
    assert AuditRecord.objects.count() == audit_before


def test_a_document_the_pool_does_not_ask_for_is_refused(ur_pool: Pool) -> None:
    application = _draft(ur_pool)
    with pytest.raises(ValidationError) as excinfo:
        application_attachment_add(
            actor=application.applicant, application=application, kind="training_certificate", file=pdf_upload()
        )
    assert excinfo.value.message_dict == {"kind": ["This pool does not ask for this document."]}


def test_only_the_applicant_uploads_to_a_draft(gz_pool: Pool, gz_client: User, outsider: User) -> None:
    application = _draft(gz_pool)
    for intruder in (make_applicant(), gz_client, outsider):
        for kind in ("id_card", "unit_opinion"):
            with pytest.raises(PermissionDenied):
                application_attachment_add(actor=intruder, application=application, kind=kind, file=pdf_upload())
    assert not ApplicationAttachment.objects.exists()


def test_only_the_unit_or_an_admin_uploads_the_unit_opinion_in_preliminary_review(
    gz_pool: Pool, gz_client: User, outsider: User
) -> None:
    application = make_application_in(Status.PRELIMINARY_REVIEW, gz_pool)
    count = application.attachments.count()
    for intruder in (application.applicant, make_staff(gz_pool, "reviewer"), gz_client, outsider):
        with pytest.raises(PermissionDenied, match="Only the nominating unit may upload its opinion"):
            application_attachment_add(actor=intruder, application=application, kind="unit_opinion", file=pdf_upload())
    assert application.attachments.count() == count
    application_attachment_add(
        actor=make_staff(gz_pool), application=application, kind="unit_opinion", file=pdf_upload()
    )
    assert application.attachments.count() == count + 1


def test_accepting_the_pledge_records_its_version_and_time(ur_pool: Pool) -> None:
    application = _draft(ur_pool)
    accepted = application_accept_pledge(actor=application.applicant, application=application, version="2025-06-05")
    assert accepted.pledge_version == "2025-06-05"
    assert accepted.pledge_accepted_at is not None
    record = AuditRecord.objects.get(action="application.pledge_accepted")
    assert (record.clause, record.data) == ("UR 附件2", {"version": "2025-06-05"})


def test_a_pledge_of_another_version_is_refused(ur_pool: Pool) -> None:
    application = _draft(ur_pool)
    with pytest.raises(ValidationError) as excinfo:
        application_accept_pledge(actor=application.applicant, application=application, version="2020-01-01")
    assert excinfo.value.message_dict == {"pledge": ["The pledge text has changed; read it again and accept it."]}
    application.refresh_from_db()
    assert (application.pledge_version, application.pledge_accepted_at) == ("", None)


def test_only_the_applicant_accepts_the_pledge(ur_pool: Pool, ur_admin: User) -> None:
    application = _draft(ur_pool)
    with pytest.raises(PermissionDenied):
        application_accept_pledge(actor=ur_admin, application=application, version="2025-06-05")
    application.refresh_from_db()
    assert application.pledge_accepted_at is None
