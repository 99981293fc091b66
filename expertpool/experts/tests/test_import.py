"""Importing experts from .xlsx: all rows or none, with a report naming row, column and rule."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.core.exports import XLSX_CONTENT_TYPE
from expertpool.experts import imports
from expertpool.experts.imports import COLUMNS, SHEET_NAME, ImportResult, experts_import
from expertpool.experts.models import Expert, Membership
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = pytest.mark.usefixtures("english")


def row_for(record: ExpertRecord, **overrides: Any) -> dict[str, Any]:
    """One template row for ``record``, as a pool admin would type it."""
    values: dict[str, Any] = {
        "姓名": record.name,
        "性别": "男" if record.gender == "male" else "女",
        "出生日期": record.birth_date,
        "民族": "汉族",
        "身份证号码": record.id_number,
        "手机号码": record.mobile,
        "电子邮箱": record.email,
        "工作单位": record.employer_name,
        "职务": record.position,
        "专业技术职称": "高级工程师",
        "职称级别": "副高级",
        "职称取得时间": "2005-06",
        "职业资格": "注册环保工程师；环评工程师",
        "现从事专业": record.current_specialty,
        "从事专业年限": 12,
        "最高学位": "硕士",
        "毕业院校": "华南理工大学",
        "所学专业": "环境工程",
        "专业领域": "清洁生产",
    }
    values.update(overrides)
    return values


def xlsx(
    rows: Sequence[Mapping[str, Any]], *, template: bytes | None = None, headers: list[str] | None = None
) -> bytes:
    """A workbook with ``rows`` written under the template's headers (or ``headers``)."""
    workbook = load_workbook(io.BytesIO(template)) if template is not None else Workbook()
    sheet = workbook.worksheets[0]
    if template is None:
        sheet.append(headers or [column.header for column in COLUMNS])
    header_row = [str(cell.value) for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(header) for header in header_row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "experts.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def run_import(pool: Pool, actor: User, rows: Sequence[Mapping[str, Any]]) -> ImportResult:
    return experts_import(actor=actor, pool=pool, file=upload(xlsx(rows)))


def issues_of(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(issue.row, issue.column, issue.message) for issue in result.issues]


def test_template_round_trip_registers_every_row(
    client: Client, gz_pool: Pool, gz_admin: User, copper_smelting: IndustryCode
) -> None:
    client.force_login(gz_admin)
    template = client.get(reverse("console:expert_import_template", kwargs={"pool_slug": gz_pool.slug}))
    first, second = make_expert_record(), make_expert_record()
    content = xlsx(
        [
            row_for(first, 专业领域="清洁生产；行业", 行业代码="3211", 荣誉="博导", 单位性质="科研院所"),
            row_for(second, 专业领域="energy_saving", 出生日期=second.birth_date.isoformat(), 是否在职="退休"),
        ],
        template=template.content,
    )

    response = client.post(
        reverse("console:expert_import", kwargs={"pool_slug": gz_pool.slug}), {"file": upload(content)}
    )

    assert response.status_code == 302
    member = Membership.objects.get(pool=gz_pool, expert__name=first.name)
    assert sorted(member.categories.values_list("code", flat=True)) == ["cleaner_production", "industry"]
    assert list(member.industry_codes.values_list("code", flat=True)) == ["3211"]
    expert = member.expert
    assert expert.id_number == first.id_number
    assert expert.title_level == "associate_senior"
    assert expert.degree == "master"
    assert expert.employer is not None
    assert expert.employer.nature == "research_institute"
    assert list(expert.distinctions.values_list("kind", flat=True)) == ["doctoral_supervisor"]
    assert sorted(expert.credentials.filter(kind="qualification").values_list("name", flat=True)) == [
        "注册环保工程师",
        "环评工程师",
    ]
    assert expert.credentials.get(kind="title").obtained_on == datetime.date(2005, 6, 1)
    retired = Membership.objects.get(pool=gz_pool, expert__name=second.name)
    assert list(retired.categories.values_list("code", flat=True)) == ["energy_saving"]
    assert retired.expert.employment_status == "retired"
    record = AuditRecord.objects.get(action="experts.imported")
    assert record.data == {"count": 2, "sha256": hashlib.sha256(content).hexdigest()}
    assert record.actor == gz_admin


def test_template_documents_the_pools_own_categories(client: Client, gz_pool: Pool, ur_pool: Pool) -> None:
    admin = User.objects.create_superuser("root", "root@example.cn", "x")
    client.force_login(admin)

    def guide_text(pool: Pool) -> str:
        response = client.get(reverse("console:expert_import_template", kwargs={"pool_slug": pool.slug}))
        assert response["Content-Disposition"] == f'attachment; filename="{pool.slug}-import-template.xlsx"'
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[0] == SHEET_NAME
        assert [cell.value for cell in workbook[SHEET_NAME][1]] == [column.header for column in COLUMNS]
        return " ".join(str(cell.value) for row in workbook["说明"].iter_rows() for cell in row)

    gz_guide, ur_guide = guide_text(gz_pool), guide_text(ur_pool)
    assert "清洁生产；节能；环保；行业" in gz_guide
    assert "行业 needs at least one industry code" in gz_guide
    assert "环境影响评价" in ur_guide
    assert "At most 3 categories" in ur_guide
    assert "清洁生产" not in ur_guide


def test_valid_rows_are_registered_by_the_service(gz_pool: Pool, gz_admin: User) -> None:
    records = [make_expert_record() for _ in range(3)]
    rows = [row_for(record) for record in records[:2]]
    rows.append(row_for(records[2], 最高学位=None, 毕业院校=None, 所学专业=None, 博士后="否"))

    result = run_import(gz_pool, gz_admin, rows)

    assert result.ok
    assert result.created == 3
    assert Membership.objects.filter(pool=gz_pool).count() == 3
    assert AuditRecord.objects.filter(action="expert.created").count() == 3
    assert not Expert.objects.get(name=records[2].name).education.exists()


def _wrong_check_digit() -> str:
    body = "44010619700517001"
    right = ric.calc_check_digit(body + "0")
    return body + ("1" if right == "0" else "0")


BAD_ROWS: dict[str, tuple[dict[str, Any], str, str]] = {
    "bad check digit": ({"身份证号码": _wrong_check_digit()}, "身份证号码", "check digit"),
    "birth date not in ID": ({"出生日期": datetime.date(1971, 5, 17)}, "身份证号码", "birth date does not match"),
    "unknown category": ({"专业领域": "清洁生产；水利"}, "专业领域", "Unknown category 水利"),
    "行业 without industry code": ({"专业领域": "行业"}, "行业代码", "needs at least one industry code (GZ 二（七）)"),
    "unknown industry code": ({"专业领域": "行业", "行业代码": "9999"}, "行业代码", "Unknown GB/T 4754-2017"),
    "bad date": ({"出生日期": "1970-13-45"}, "出生日期", "Enter a date as YYYY-MM-DD"),
    "bad number": ({"从事专业年限": "十二"}, "从事专业年限", "whole number"),
    "unknown choice": ({"职称级别": "高级"}, "职称级别", "Unknown value 高级; allowed: 正高级 / 副高级"),
    "missing name": ({"姓名": None}, "姓名", "This column is required."),
    "bad phone": ({"手机号码": "12345"}, "手机号码", "11-digit mobile number"),
    "bad credit code": ({"统一社会信用代码": "91440101MA5CXXXXX0"}, "统一社会信用代码", "unified social credit code"),
    "level without title": (
        {"专业技术职称": None, "职称取得时间": None},
        "专业技术职称",
        "Give the professional title",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_one_bad_row_among_good_ones_imports_nothing(
    gz_pool: Pool, gz_admin: User, copper_smelting: IndustryCode, case: tuple[dict[str, Any], str, str]
) -> None:
    overrides, column, rule = case
    rows = [row_for(make_expert_record()), row_for(make_expert_record())]
    bad = make_expert_record(birth_date=datetime.date(1970, 5, 17))
    rows.append(row_for(bad, **overrides))
    audit_before = AuditRecord.objects.count()

    result = run_import(gz_pool, gz_admin, rows)

    assert result.created == 0
    assert [(row, col) for row, col, _message in issues_of(result)] == [(4, column)]
    assert rule in result.issues[0].message
    assert not Expert.objects.exists()
    assert AuditRecord.objects.count() == audit_before


def test_duplicate_id_number_inside_the_file_names_both_rows(gz_pool: Pool, gz_admin: User) -> None:
    record = make_expert_record()
    rows = [row_for(record), row_for(make_expert_record()), row_for(record, 姓名="另一个人")]

    result = run_import(gz_pool, gz_admin, rows)

    assert issues_of(result) == [(4, "身份证号码", "The same resident ID number is already on row 2 of this file.")]
    assert not Expert.objects.exists()


def test_expert_already_in_the_registry_is_refused(gz_pool: Pool, ur_pool: Pool, gz_admin: User) -> None:
    existing = make_expert_record(categories=("environmental_science",))
    expert_register(actor=None, pool=ur_pool, record=existing)

    result = run_import(gz_pool, gz_admin, [row_for(make_expert_record()), row_for(existing)])

    assert issues_of(result) == [(3, "身份证号码", "An expert with this resident ID number is already registered.")]
    assert Expert.objects.count() == 1


def test_every_problem_of_every_row_is_reported_in_order(gz_pool: Pool, gz_admin: User) -> None:
    rows = [
        row_for(make_expert_record(), 性别="未知", 从事专业年限=-1),
        row_for(make_expert_record()),
        row_for(make_expert_record(), 专业领域=None),
    ]

    result = run_import(gz_pool, gz_admin, rows)

    assert [(row, column) for row, column, _message in issues_of(result)] == [
        (2, "性别"),
        (2, "从事专业年限"),
        (4, "专业领域"),
    ]


def test_unknown_and_missing_columns_are_reported_on_row_1(gz_pool: Pool, gz_admin: User) -> None:
    headers = [column.header for column in COLUMNS if column.header != "手机号码"] + ["微信"]
    content = xlsx([row_for(make_expert_record())], headers=headers)

    result = experts_import(actor=gz_admin, pool=gz_pool, file=upload(content))

    assert issues_of(result) == [
        (1, "手机号码", "This required column is missing."),
        (1, "微信", "Unknown column; use the headers of the template."),
    ]


def test_optional_columns_may_be_left_out(gz_pool: Pool, gz_admin: User) -> None:
    required = [column.header for column in COLUMNS if column.required]
    content = xlsx([row_for(make_expert_record())], headers=required)

    result = experts_import(actor=gz_admin, pool=gz_pool, file=upload(content))

    assert result.created == 1


def test_long_number_rounded_by_excel_is_refused(gz_pool: Pool, gz_admin: User) -> None:
    record = make_expert_record()

    result = run_import(gz_pool, gz_admin, [row_for(record, 身份证号码=float(record.id_number[:17] + "1"))])

    assert [(row, column) for row, column, _message in issues_of(result)] == [(2, "身份证号码")]
    assert "format the column as text" in result.issues[0].message


def _docx_like_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"name,id\n\xe5\xbc\xa0\xe4\xb8\x89,440106\n", b"%PDF-1.7\n", _docx_like_zip()],
    ids=["csv", "pdf", "docx"],
)
def test_renamed_file_that_is_not_xlsx_is_refused(gz_pool: Pool, gz_admin: User, content: bytes) -> None:
    with pytest.raises(ValidationError) as raised:
        experts_import(actor=gz_admin, pool=gz_pool, file=upload(content, "experts.xlsx"))

    assert "not an Excel workbook (.xlsx)" in raised.value.messages[0]
    assert not Expert.objects.exists()


def test_too_many_rows_are_refused(gz_pool: Pool, gz_admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [row_for(make_expert_record()) for _ in range(3)]

    with pytest.raises(ValidationError) as raised:
        run_import(gz_pool, gz_admin, rows)

    assert raised.value.messages == ["The file has more than 2 experts; split it into several files."]


def test_too_large_file_is_refused(gz_pool: Pool, gz_admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_FILE_SIZE", 1024)
    content = xlsx([row_for(make_expert_record())])

    with pytest.raises(ValidationError) as raised:
        experts_import(actor=gz_admin, pool=gz_pool, file=upload(content))

    assert "The file is larger than" in raised.value.messages[0]


def test_file_without_experts_is_refused(gz_pool: Pool, gz_admin: User) -> None:
    with pytest.raises(ValidationError) as raised:
        run_import(gz_pool, gz_admin, [])

    assert "contains no experts" in raised.value.messages[0]


# The page ---------------------------------------------------------------------


def test_page_shows_the_report_and_that_nothing_was_imported(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    client.force_login(gz_admin)
    content = xlsx([row_for(make_expert_record()), row_for(make_expert_record(), 专业领域="水利")])

    response = client.post(
        reverse("console:expert_import", kwargs={"pool_slug": gz_pool.slug}), {"file": upload(content)}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>3</td><td>专业领域</td>" in page
    assert not Expert.objects.exists()


def test_page_refuses_a_renamed_file_with_a_clear_message(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = client.post(
        reverse("console:expert_import", kwargs={"pool_slug": gz_pool.slug}),
        {"file": upload(b"not a workbook", "experts.xlsx")},
    )

    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "not an Excel workbook (.xlsx)" in page


def test_success_shows_the_count(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    client.force_login(gz_admin)
    content = xlsx([row_for(make_expert_record()), row_for(make_expert_record())])

    response = client.post(
        reverse("console:expert_import", kwargs={"pool_slug": gz_pool.slug}),
        {"file": upload(content)},
        follow=True,
    )

    assert "2 experts were imported." in response.content.decode()
    assert Membership.objects.filter(pool=gz_pool).count() == 2


@pytest.mark.parametrize("url_name", ["expert_import", "expert_import_template"])
def test_import_is_refused_to_outsiders_and_readers(
    client: Client, gz_pool: Pool, outsider: User, gz_reviewer: User, url_name: str
) -> None:
    url = reverse(f"console:{url_name}", kwargs={"pool_slug": gz_pool.slug})
    content = xlsx([row_for(make_expert_record())])
    for user in (outsider, gz_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"file": upload(content)}).status_code in {404, 405}
    assert not Expert.objects.exists()


def test_import_needs_a_login(client: Client, gz_pool: Pool) -> None:
    response = client.get(reverse("console:expert_import", kwargs={"pool_slug": gz_pool.slug}))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
