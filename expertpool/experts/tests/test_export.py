"""Exporting a pool's members to .xlsx: masked per role, logged, in a fixed number of queries."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.audit.models import AuditRecord
from expertpool.core.exports import XLSX_CONTENT_TYPE
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.experts.exports import MembershipExporter
from expertpool.experts.models import Membership
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def supervisor(gz_pool: Pool) -> User:
    user = User.objects.create_user(username="gz_supervisor", password="x")
    PoolRole.objects.create(user=user, pool=gz_pool, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def members(gz_pool: Pool) -> list[Membership]:
    IndustryCode.objects.get_or_create(code="3211", defaults={"name": "铜冶炼", "level": "class"})
    records = [
        make_expert_record(name="一号专家", categories=("cleaner_production", "industry"), industry_codes=("3211",)),
        make_expert_record(name="二号专家", distinctions=("academician",)),
    ]
    return [expert_register(actor=None, pool=gz_pool, record=record) for record in records]


def export_sheet(client: Client, pool: Pool) -> list[dict[str, Any]]:
    response = client.get(reverse("console:expert_export", kwargs={"pool_slug": pool.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith(f'attachment; filename="{pool.slug}-experts-')
    assert response["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    headers = [str(header) for header in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("persona", ["gz_admin", "gz_reviewer"])
def test_admin_and_reviewer_get_id_numbers_and_phones_in_full(
    client: Client, members: list[Membership], persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)

    rows = export_sheet(client, members[0].pool)

    experts = [membership.expert for membership in members]
    assert [(row["身份证号码"], row["手机号码"]) for row in rows] == [(e.id_number, e.mobile) for e in experts]
    record = AuditRecord.objects.get(action="experts.exported")
    assert record.data == {"count": 2, "masked": False}
    assert record.actor == user
    assert record.pool == members[0].pool


def test_supervisor_gets_id_numbers_and_phones_masked(
    client: Client, members: list[Membership], supervisor: User
) -> None:
    client.force_login(supervisor)

    rows = export_sheet(client, members[0].pool)

    experts = [membership.expert for membership in members]
    assert [(row["身份证号码"], row["手机号码"]) for row in rows] == [
        (mask_id_number(e.id_number), mask_phone(e.mobile)) for e in experts
    ]
    assert all(e.id_number not in str(rows) for e in experts)
    assert AuditRecord.objects.get(action="experts.exported").data == {"count": 2, "masked": True}


def test_row_holds_the_membership_in_the_import_words(
    client: Client, members: list[Membership], gz_admin: User
) -> None:
    client.force_login(gz_admin)

    first, second = export_sheet(client, members[0].pool)

    assert first["姓名"] == "一号专家"
    assert first["专业领域"] == "清洁生产；行业"
    assert first["行业代码"] == "3211"
    assert first["职称级别"] == "副高级"
    assert first["最高学位"] == "硕士"
    assert first["状态"] == "Active"
    assert first["入库日期"].date() == members[0].admitted_on
    assert second["荣誉"] == "院士"
    assert second["性别"] in {"男", "女"}


def test_term_end_is_exported_where_the_policy_sets_terms(client: Client, ur_pool: Pool, ur_admin: User) -> None:
    record: ExpertRecord = make_expert_record(categories=("environmental_science",))
    membership = expert_register(actor=None, pool=ur_pool, record=record, admitted_on=datetime.date(2025, 3, 1))
    client.force_login(ur_admin)

    (row,) = export_sheet(client, ur_pool)

    assert membership.term_ends_on == datetime.date(2028, 2, 29)
    assert row["任期届满日期"].date() == membership.term_ends_on


def test_text_that_looks_like_a_formula_stays_text(gz_pool: Pool, gz_admin: User) -> None:
    expert_register(actor=None, pool=gz_pool, record=make_expert_record(name='=HYPERLINK("http://x","y")'))

    content = MembershipExporter(gz_pool, gz_admin).render_xlsx()

    cell = load_workbook(io.BytesIO(content)).worksheets[0]["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'


def test_export_runs_in_a_fixed_number_of_queries(
    gz_pool: Pool, gz_admin: User, members: list[Membership], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    exporter = MembershipExporter(gz_pool, gz_admin)
    # One query for the memberships, one per prefetched relation: never one per row.
    with django_assert_num_queries(6):
        exporter.render_xlsx()
    for _ in range(5):
        expert_register(actor=None, pool=gz_pool, record=make_expert_record())

    with django_assert_num_queries(6):
        exporter.render_xlsx()

    assert exporter.rows_written == 7


@pytest.mark.parametrize("persona", ["outsider", "gz_client"])
def test_export_is_not_found_for_people_outside_the_pools_staff(
    client: Client, members: list[Membership], persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("console:expert_export", kwargs={"pool_slug": members[0].pool.slug}))

    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action="experts.exported").exists()


def test_export_needs_a_login(client: Client, gz_pool: Pool) -> None:
    response = client.get(reverse("console:expert_export", kwargs={"pool_slug": gz_pool.slug}))

    assert response.status_code == 302
    assert not AuditRecord.objects.filter(action="experts.exported").exists()
