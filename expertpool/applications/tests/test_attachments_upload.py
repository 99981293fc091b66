"""Uploading the documents and the photo from the form page, and who may download them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.models import Application, ApplicationAttachment
from expertpool.applications.services import application_attachment_add, application_start
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_applicant,
    make_application_in,
    pdf_upload,
    tiny_pdf,
    tiny_png,
)
from expertpool.applications.tests.test_form_page import client_for, post_data
from expertpool.audit.models import AuditRecord
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool

pytestmark = pytest.mark.usefixtures("english")

# A Windows executable's first bytes, under a harmless name.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(gz_pool: Pool, db: None) -> Application:
    return application_start(actor=make_applicant(), pool=gz_pool)


def upload_url(application: Application, kind: str) -> str:
    return reverse("applications:attachment_upload", args=[application.pk, kind])


def test_upload_lists_the_file_with_name_size_and_time(draft: Application) -> None:
    client = client_for(draft.applicant)
    response = client.post(upload_url(draft, "id_card"), {"attachment-id_card": pdf_upload("身份证.pdf")})
    assert response.status_code == 302
    assert response["Location"].endswith("#attachment-id_card")
    stored = ApplicationAttachment.objects.get(application=draft, kind="id_card")
    assert stored.original_name == "身份证.pdf"
    assert stored.content_type == "application/pdf"
    assert not stored.file.name.endswith("身份证.pdf")  # stored under a random name
    page = client.get(reverse("applications:form", args=[draft.pk]))
    item = re.search(r'id="attachment-id_card".*?</li>\s*</ul>', page.text, re.S)
    assert item is not None
    assert "身份证.pdf" in item.group(0)
    assert reverse("applications:attachment", args=[draft.pk, stored.pk]) in item.group(0)
    assert f"{stored.uploaded_at:%Y-%m-%d}" in item.group(0)
    assert "bytes" in item.group(0) or "KB" in item.group(0)


def test_upload_with_htmx_answers_with_the_document_only(draft: Application) -> None:
    client = client_for(draft.applicant)
    response = client.post(
        upload_url(draft, "highest_degree"),
        {"attachment-highest_degree": pdf_upload("degree.pdf")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<li class="attachment" id="attachment-highest_degree">')
    assert "degree.pdf" in response.text


def test_a_renamed_executable_is_refused_and_the_draft_kept(draft: Application) -> None:
    client = client_for(draft.applicant)
    typed = post_data({"name": "钱七", "position": "总工程师"})
    fake = SimpleUploadedFile("scan.pdf", EXECUTABLE, content_type="application/pdf")
    response = client.post(upload_url(draft, "id_card"), {**typed, "attachment-id_card": fake})
    assert response.status_code == 400
    item = re.search(r'id="attachment-id_card".*?</li>', response.text, re.S)
    assert item is not None
    assert "This type of file is not accepted. Accepted types: PDF, JPEG, PNG." in item.group(0)
    assert not ApplicationAttachment.objects.filter(application=draft).exists()
    draft.refresh_from_db()
    # What was typed beside the upload is kept, and still on the page.
    assert draft.form_data["name"] == "钱七"
    assert 'value="钱七"' in response.text
    assert draft.status == Status.DRAFT
    again = SimpleUploadedFile("scan.pdf", EXECUTABLE, content_type="application/pdf")
    htmx = client.post(upload_url(draft, "id_card"), {"attachment-id_card": again}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert "This type of file is not accepted" in htmx.text


def test_upload_without_a_file_or_of_an_unknown_kind(draft: Application) -> None:
    client = client_for(draft.applicant)
    response = client.post(upload_url(draft, "id_card"), {}, HTTP_HX_REQUEST="true")
    assert "Choose a file to upload." in response.text
    assert client.post(upload_url(draft, "passport"), {"attachment-passport": pdf_upload()}).status_code == 404
    # The unit's stamped opinion comes from the unit.
    assert client.post(upload_url(draft, "unit_opinion"), {"attachment-unit_opinion": pdf_upload()}).status_code == 404


def test_photo_is_reencoded_and_only_jpeg_or_png(draft: Application) -> None:
    client = client_for(draft.applicant)
    url = reverse("applications:photo_upload", args=[draft.pk])
    refused = client.post(url, {"photo": SimpleUploadedFile("me.png", tiny_pdf())}, HTTP_HX_REQUEST="true")
    assert "This type of file is not accepted. Accepted types: JPEG, PNG." in refused.text
    draft.refresh_from_db()
    assert not draft.photo
    accepted = client.post(url, {"photo": SimpleUploadedFile("me.png", tiny_png())}, HTTP_HX_REQUEST="true")
    assert accepted.status_code == 200
    draft.refresh_from_db()
    assert draft.photo.name.endswith(".png")
    assert AuditRecord.objects.filter(action="application.photo_set", object_id=str(draft.pk)).exists()
    photo = client.get(reverse("applications:photo", args=[draft.pk]))
    assert photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert Client().get(reverse("applications:photo", args=[draft.pk])).status_code == 302
    assert client_for(make_applicant()).get(reverse("applications:photo", args=[draft.pk])).status_code == 404


def test_download_is_for_the_people_concerned_only(gz_pool: Pool, gz_reviewer: User, outsider: User) -> None:
    unit = Organisation.objects.create(name="广州市某推荐单位")
    application = make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, mode="unit", nominating_unit=unit)
    attachment = application.attachments.filter(kind="id_card").get()
    url = reverse("applications:attachment", args=[application.pk, attachment.pk])
    unit_user = make_applicant()
    PoolRole.objects.create(user=unit_user, pool=gz_pool, role=Role.NOMINATING_UNIT, organisation=unit)
    other_unit_user = make_applicant()
    PoolRole.objects.create(
        user=other_unit_user,
        pool=gz_pool,
        role=Role.NOMINATING_UNIT,
        organisation=Organisation.objects.create(name="另一单位"),
    )
    for user in (application.applicant, gz_reviewer, unit_user):
        response = client_for(user).get(url)
        assert isinstance(response, FileResponse)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for user in (outsider, make_applicant(), other_unit_user):
        assert client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    # The right attachment through another application's address is not found either.
    elsewhere = make_application_in(Status.DRAFT, gz_pool)
    wrong = reverse("applications:attachment", args=[elsewhere.pk, attachment.pk])
    assert client_for(elsewhere.applicant).get(wrong).status_code == 404
    downloads = AuditRecord.objects.filter(action="application.attachment_downloaded", object_id=str(application.pk))
    assert downloads.count() == 3


def test_staff_do_not_see_drafts_files(gz_pool: Pool, gz_reviewer: User) -> None:
    application = application_start(actor=make_applicant(), pool=gz_pool)
    attachment = application_attachment_add(
        actor=application.applicant, application=application, kind="id_card", file=pdf_upload()
    )
    url = reverse("applications:attachment", args=[application.pk, attachment.pk])
    assert client_for(gz_reviewer).get(url).status_code == 404
    assert client_for(application.applicant).get(url).status_code == 200
