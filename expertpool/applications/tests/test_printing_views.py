"""Downloading the printable form: the applicant, the pool's staff and the nominating
unit may; anyone else gets "not found". The blank form of any active pool is public."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import docx
import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.models import Application
from expertpool.applications.tests.test_printing import ID_NUMBER, cell_texts, make_application
from expertpool.audit.models import AuditRecord
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MASKED_ID = "440106********" + ID_NUMBER[-4:]


@pytest.fixture
def unit_user(gz_pool: Pool) -> User:
    unit = organisation_get_or_create(name="广州市环境技术中心", actor=None)
    user = User.objects.create_user(username="unit", password=None)
    PoolRole.objects.create(user=user, pool=gz_pool, role=Role.NOMINATING_UNIT, organisation=unit)
    return user


@pytest.fixture
def application(gz_pool: Pool, unit_user: User, settings: Any, tmp_path: Any) -> Application:
    settings.MEDIA_ROOT = tmp_path
    applicant = User.objects.create_user(username="zhangsan", password=None)
    unit = PoolRole.objects.get(user=unit_user).organisation
    return make_application(gz_pool, applicant, nominating_unit=unit)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user: User | None, name: str, **kwargs: Any) -> Any:
    return client_for(user).get(reverse(f"applications:{name}", kwargs=kwargs))


def docx_texts(response: Any) -> list[str]:
    return cell_texts(docx.Document(io.BytesIO(response.getvalue())))


def test_applicant_downloads_the_filled_form_with_a_chinese_file_name(
    application: Application, django_assert_max_num_queries: Any
) -> None:
    client = client_for(application.applicant)
    url = reverse("applications:print_docx", kwargs={"pk": application.pk})

    with django_assert_max_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" + quote("入库申请表-张三.docx") in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert ID_NUMBER in docx_texts(response)
    assert not AuditRecord.objects.filter(action="application.personal_data_viewed").exists()


@pytest.mark.parametrize(
    ("persona", "id_shown"),
    [("gz_admin", ID_NUMBER), ("gz_reviewer", ID_NUMBER), ("supervisor", MASKED_ID), ("unit_user", MASKED_ID)],
)
def test_staff_and_the_nominating_unit_may_print(
    request: pytest.FixtureRequest, application: Application, gz_pool: Pool, persona: str, id_shown: str
) -> None:
    if persona == "supervisor":
        user = User.objects.create_user(username="supervisor", password=None)
        PoolRole.objects.create(user=user, pool=gz_pool, role=Role.SUPERVISOR)
    else:
        user = request.getfixturevalue(persona)

    response = get(user, "print_docx", pk=application.pk)
    viewed = AuditRecord.objects.filter(action="application.personal_data_viewed", actor=user)

    assert response.status_code == 200
    assert id_shown in docx_texts(response)
    # Printing the ID number in full is recorded, as viewing it on the review page is.
    assert viewed.exists() == (id_shown == ID_NUMBER)


@pytest.mark.parametrize("persona", ["outsider", "gz_client", "stranger", "anonymous"])
@pytest.mark.parametrize("name", ["print_docx", "print_pdf"])
def test_anyone_else_gets_not_found(
    request: pytest.FixtureRequest, application: Application, persona: str, name: str
) -> None:
    user: User | None = None
    if persona == "stranger":
        user = User.objects.create_user(username="stranger", password=None)
    elif persona != "anonymous":
        user = request.getfixturevalue(persona)

    assert get(user, name, pk=application.pk).status_code == 404


def test_a_missing_application_is_not_found(gz_admin: User) -> None:
    assert get(gz_admin, "print_docx", pk=999999).status_code == 404


def test_applicant_downloads_the_pdf(application: Application) -> None:
    response = get(application.applicant, "print_pdf", pk=application.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" + quote("入库申请表-张三.pdf") in response["Content-Disposition"]
    assert response.getvalue().startswith(b"%PDF")


def test_blank_forms_are_public(gz_pool: Pool, ur_pool: Pool) -> None:
    word = get(None, "blank_docx", pool_slug=gz_pool.slug)
    pdf = get(None, "blank_pdf", pool_slug=ur_pool.slug)

    assert word.status_code == 200
    assert "filename*=utf-8''" + quote("广州市清洁生产专家库-入库申请表.docx") in word["Content-Disposition"]
    assert "姓名" in docx_texts(word)
    assert pdf.status_code == 200
    assert pdf.getvalue().startswith(b"%PDF")


def test_blank_form_of_an_unknown_or_closed_pool_is_not_found(gz_pool: Pool) -> None:
    gz_pool.is_active = False
    gz_pool.save(update_fields=["is_active"])

    assert get(None, "blank_docx", pool_slug=gz_pool.slug).status_code == 404
    assert get(None, "blank_pdf", pool_slug="no-such-pool").status_code == 404


def test_downloads_only_answer_get(application: Application) -> None:
    response = client_for(application.applicant).post(reverse("applications:print_docx", kwargs={"pk": application.pk}))

    assert response.status_code == 405
