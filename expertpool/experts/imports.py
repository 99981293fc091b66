"""Importing a pool's experts from an .xlsx workbook: every row is checked, and
either all rows are registered or none is.

The file format is Chinese whatever the interface language: headers and value
words (男/女, 副高级, …) are how the import recognises columns and values, and
the workbooks are exchanged with Chinese offices. Explanations and error
messages go through gettext like every other user-facing text.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from enum import Enum, auto
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from expertpool.audit.services import audit_log
from expertpool.core.validators import validate_id_number, validate_uscc
from expertpool.experts.models import EmploymentStatus, Gender
from expertpool.experts.records import CredentialRow, EducationRow, ExpertRecord
from expertpool.experts.services import expert_record_errors, expert_register
from expertpool.organisations.models import Nature
from expertpool.pools.policy import Degree, Distinction, TitleLevel

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool

SHEET_NAME = "专家"
GUIDE_SHEET_NAME = "说明"
OPTIONS_SHEET_NAME = "选项"
MAX_FILE_SIZE = 10 * 1024 * 1024
# Guards against a small zip that unpacks into gigabytes of XML.
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_ROWS = 5000
SEPARATOR = "；"
SEPARATORS_RE = re.compile(r"[；;\n]")
DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
MONTH_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
# Integers beyond this were rounded when Excel stored them as floating point.
EXACT_FLOAT_LIMIT = 2**53
MAX_FIELD_YEARS = 80

GENDERS = {"男": Gender.MALE.value, "女": Gender.FEMALE.value}
NATURES = {
    "国有企业": Nature.STATE_OWNED_ENTERPRISE.value,
    "民营企业": Nature.PRIVATE_ENTERPRISE.value,
    "科研院所": Nature.RESEARCH_INSTITUTE.value,
    "大专院校": Nature.UNIVERSITY.value,
    "行业协会": Nature.INDUSTRY_ASSOCIATION.value,
    "政府机构": Nature.GOVERNMENT_AGENCY.value,
    "外商独资企业": Nature.WHOLLY_FOREIGN_OWNED.value,
    "中外合资、中外合作或外方控股企业": Nature.SINO_FOREIGN.value,
    "其他": Nature.OTHER.value,
}
EMPLOYMENT_STATUSES = {
    "在职": EmploymentStatus.IN_SERVICE.value,
    "退休": EmploymentStatus.RETIRED.value,
    "其他": EmploymentStatus.OTHER.value,
}
TITLE_LEVELS = {
    "正高级": TitleLevel.FULL_SENIOR.value,
    "副高级": TitleLevel.ASSOCIATE_SENIOR.value,
    "中级": TitleLevel.INTERMEDIATE.value,
    "初级": TitleLevel.JUNIOR.value,
    "无": TitleLevel.NONE.value,
}
DEGREES = {
    "博士": Degree.DOCTORATE.value,
    "硕士": Degree.MASTER.value,
    "学士": Degree.BACHELOR.value,
    "其他": Degree.OTHER.value,
}
YES_NO = {"是": True, "否": False}
# 稀缺专业 is an admin's judgement made in review, so it is not taken from a file.
DISTINCTIONS = {
    "院士": Distinction.ACADEMICIAN.value,
    "博导": Distinction.DOCTORAL_SUPERVISOR.value,
    "国务院特殊津贴": Distinction.STATE_COUNCIL_ALLOWANCE.value,
    "省政府特殊津贴": Distinction.PROVINCIAL_ALLOWANCE.value,
}


class Kind(Enum):
    TEXT = auto()
    DATE = auto()
    MONTH = auto()
    INTEGER = auto()
    CHOICE = auto()
    CHOICES = auto()
    LIST = auto()
    CATEGORIES = auto()
    CODES = auto()


@dataclass(frozen=True)
class Column:
    """One column of the template. ``key`` is the ``ExpertRecord`` field it fills,
    or a part of the title or education row built from several columns."""

    header: str
    key: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    choices: Mapping[str, Any] | None = None
    # Long digit strings: the template formats the column as text so Excel keeps every digit.
    as_text: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", required=True, max_length=50),
    Column("性别", "gender", Kind.CHOICE, required=True, choices=GENDERS),
    Column("出生日期", "birth_date", Kind.DATE, required=True),
    Column("民族", "ethnicity", max_length=20),
    Column("身份证号码", "id_number", required=True, as_text=True),
    Column("手机号码", "mobile", required=True, as_text=True),
    Column("电子邮箱", "email", max_length=254),
    Column("通讯地址", "address", max_length=200),
    Column("工作单位", "employer_name", max_length=200),
    Column("统一社会信用代码", "employer_uscc", as_text=True),
    Column("单位性质", "employer_nature", Kind.CHOICE, choices=NATURES),
    Column("职务", "position", max_length=100),
    Column("是否在职", "employment_status", Kind.CHOICE, choices=EMPLOYMENT_STATUSES),
    Column("专业技术职称", "title_name", max_length=100),
    Column("职称级别", "title_level", Kind.CHOICE, choices=TITLE_LEVELS),
    Column("职称取得时间", "title_obtained_on", Kind.MONTH),
    Column("职业资格", "qualifications", Kind.LIST, max_length=100),
    Column("现从事专业", "current_specialty", max_length=200),
    Column("从事专业年限", "field_years", Kind.INTEGER),
    Column("最高学历", "education_level", max_length=50),
    Column("最高学位", "degree", Kind.CHOICE, choices=DEGREES),
    Column("毕业院校", "institution", max_length=100),
    Column("所学专业", "major", max_length=100),
    Column("博士后", "is_postdoc", Kind.CHOICE, choices=YES_NO),
    Column("荣誉", "distinctions", Kind.CHOICES, choices=DISTINCTIONS),
    Column("专业领域", "categories", Kind.CATEGORIES, required=True),
    Column("行业代码", "industry_codes", Kind.CODES, as_text=True),
)
# Shown on the guide sheet beside the format.
NOTES: dict[str, str | Promise] = {
    "出生日期": gettext_lazy("Must agree with the resident ID number."),
    "身份证号码": gettext_lazy("18 characters with a correct check digit; unique in the registry and in the file."),
    "手机号码": gettext_lazy("An 11-digit mobile number or a landline with its area code."),
    "工作单位": gettext_lazy("Retired experts give their former employer."),
    "统一社会信用代码": gettext_lazy("18 characters with a correct check character; needs an employer."),
    "是否在职": gettext_lazy("Empty means in service."),
    "专业技术职称": gettext_lazy("For example 高级工程师; needs a title level."),
    "职称级别": gettext_lazy("Needs a professional title unless it is 无."),
    "最高学历": gettext_lazy("For example 研究生 or 本科."),
    "毕业院校": gettext_lazy("Needed when any education column is filled in."),
    "行业代码": gettext_lazy("GB/T 4754-2017 codes, for example 3211."),
}
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# Field names in the registry's error dictionaries that are not record fields.
SERVICE_FIELD_COLUMNS = {"employer": "工作单位"}
EDUCATION_KEYS = ("education_level", "degree", "institution", "major", "is_postdoc")


@dataclass(frozen=True)
class ImportIssue:
    """One reason to refuse the file: its row as Excel numbers it, its column header, the rule."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    issues: tuple[ImportIssue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.issues


class _RowRejectedError(Exception):
    def __init__(self, issues: list[ImportIssue]) -> None:
        super().__init__(issues)
        self.issues = issues


def experts_import(*, actor: User | None, pool: Pool, file: UploadedFile) -> ImportResult:
    """Register every expert in the workbook as a member of ``pool``, or none.

    Raises ``ValidationError`` when the upload is not a usable .xlsx file (type,
    size, row count). Otherwise returns the created count, or the issues found
    (row, column, rule) with nothing written. Audit code: ``experts.imported``
    (count and the file's SHA-256), besides the registry's own per-expert records.
    """
    content = _read_upload(file)
    rows, issues = _parse_workbook(content, pool=pool)
    issues += _registry_issues(rows, pool=pool)
    if issues:
        return ImportResult(issues=tuple(sorted(issues, key=_issue_order)))
    try:
        with transaction.atomic():
            for row_number, record in rows:
                try:
                    expert_register(actor=actor, pool=pool, record=record)
                except ValidationError as exc:
                    raise _RowRejectedError(_field_issues(row_number, _error_dict(exc))) from exc
            audit_log(
                actor=actor,
                action="experts.imported",
                pool=pool,
                data={"count": len(rows), "sha256": hashlib.sha256(content).hexdigest()},
            )
    except _RowRejectedError as exc:
        # A row that passed the checks failed on writing (another user registered the
        # same person meanwhile): the transaction is rolled back, nothing is kept.
        return ImportResult(issues=tuple(exc.issues))
    return ImportResult(created=len(rows))


# Reading the upload ------------------------------------------------------------


def _read_upload(file: UploadedFile) -> bytes:
    if file.size is not None and file.size > MAX_FILE_SIZE:
        raise ValidationError(_too_large_message())
    file.seek(0)
    content = bytes(file.read(MAX_FILE_SIZE + 1))
    if len(content) > MAX_FILE_SIZE:
        raise ValidationError(_too_large_message())
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Save it from Excel as .xlsx and upload it again.")
    # Judged by content, not by name: an .xlsx is a zip archive holding xl/workbook.xml.
    if not content.startswith(b"PK\x03\x04"):
        raise ValidationError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ValidationError(not_xlsx) from exc
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise ValidationError(not_xlsx)
    if sum(member.file_size for member in members) > MAX_UNPACKED_SIZE:
        raise ValidationError(_too_large_message())
    return content


def _too_large_message() -> str:
    return _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_SIZE // (1024 * 1024)}


RawRow = tuple[int, tuple[Any, ...]]


def _worksheet_rows(content: bytes) -> Generator[tuple[Any, ...]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # A damaged file may fail anywhere inside openpyxl's parser.
        raise ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx). Save it from Excel and upload it again.")
        ) from exc
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _parse_workbook(content: bytes, *, pool: Pool) -> tuple[list[tuple[int, ExpertRecord]], list[ImportIssue]]:
    with closing(_worksheet_rows(content)) as rows:
        columns, issues = _read_header(next(rows, ()))
        raw_rows = _data_rows(rows, width=len(columns))
    if issues:
        return [], issues
    if not raw_rows:
        raise ValidationError(_("The file contains no experts: fill in one expert per row from row 2."))
    parser = _RowParser(columns, categories=_category_lookup(pool))
    records: list[tuple[int, ExpertRecord]] = []
    for row_number, values in raw_rows:
        record, row_issues = parser.parse(row_number, values)
        issues += row_issues
        if record is not None:
            records.append((row_number, record))
    return records, issues


def _data_rows(rows: Iterator[tuple[Any, ...]], *, width: int) -> list[RawRow]:
    """The non-blank rows below the header, numbered as Excel numbers them."""
    raw_rows: list[RawRow] = []
    for row_number, values in enumerate(rows, start=2):
        if all(_text(value) == "" for value in values[:width]):
            continue
        if len(raw_rows) == MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(limit)d experts; split it into several files.") % {"limit": MAX_ROWS}
            )
        raw_rows.append((row_number, values))
    return raw_rows


def _read_header(values: Sequence[Any]) -> tuple[list[Column | None], list[ImportIssue]]:
    """The column of each position (None for blank headers), and any header problems."""
    columns: list[Column | None] = []
    issues: list[ImportIssue] = []
    for value in values:
        header = _text(value)
        column = COLUMNS_BY_HEADER.get(header)
        if header and column is None:
            issues.append(ImportIssue(1, header, _("Unknown column; use the headers of the template.")))
        elif column is not None and column in columns:
            issues.append(ImportIssue(1, header, _("This column appears more than once.")))
        columns.append(column)
    issues.extend(
        ImportIssue(1, column.header, _("This required column is missing."))
        for column in COLUMNS
        if column.required and column not in columns
    )
    return columns, issues


def _category_lookup(pool: Pool) -> dict[str, str]:
    """The pool's categories by Chinese name and by code."""
    lookup: dict[str, str] = {}
    for category in pool.policy.rules.categories.items:
        lookup[category.name] = category.code
        lookup[category.code] = category.code
    return lookup


# One row -----------------------------------------------------------------------


class _RowParser:
    def __init__(self, columns: list[Column | None], *, categories: Mapping[str, str]) -> None:
        self.columns = columns
        self.categories = categories

    def parse(self, row_number: int, values: Sequence[Any]) -> tuple[ExpertRecord | None, list[ImportIssue]]:
        parsed: dict[str, Any] = {}
        issues: list[ImportIssue] = []
        for index, column in enumerate(self.columns):
            if column is None:
                continue
            value = values[index] if index < len(values) else None
            try:
                result = self.parse_cell(column, value)
            except ValidationError as exc:
                issues.extend(ImportIssue(row_number, column.header, message) for message in exc.messages)
                continue
            if result not in (None, "", ()):
                parsed[column.key] = result
        issues.extend(
            ImportIssue(row_number, column.header, message)
            for column, message in _cross_field_problems(parsed, failed={i.column for i in issues})
        )
        if issues:
            return None, issues
        return _record(parsed), []

    def parse_cell(self, column: Column, value: Any) -> Any:
        if _text(value) == "":
            if column.required:
                raise ValidationError(_("This column is required."))
            return None
        choices = self.categories if column.kind is Kind.CATEGORIES else column.choices or {}
        return CELL_PARSERS[column.kind](column, value, choices)


def _parse_text(column: Column, value: Any, _choices: Mapping[str, Any]) -> str:
    return _checked_length(_text(value, exact=column.as_text), column.max_length)


def _parse_list(column: Column, value: Any, _choices: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(_checked_length(item, column.max_length) for item in _split(_text(value, exact=column.as_text)))


CellParser = Callable[[Column, Any, Mapping[str, Any]], Any]
CELL_PARSERS: dict[Kind, CellParser] = {
    Kind.TEXT: _parse_text,
    Kind.DATE: lambda _column, value, _choices: _date(value, allow_month=False),
    Kind.MONTH: lambda _column, value, _choices: _date(value, allow_month=True),
    Kind.INTEGER: lambda _column, value, _choices: _integer(value),
    Kind.CHOICE: lambda _column, value, choices: _choices(value, choices, many=False)[0],
    Kind.CHOICES: lambda _column, value, choices: tuple(_choices(value, choices, many=True)),
    Kind.CATEGORIES: lambda _column, value, choices: tuple(
        _choices(value, choices, many=True, unknown=_unknown_category)
    ),
    Kind.LIST: _parse_list,
    Kind.CODES: _parse_list,
}


def _cross_field_problems(parsed: Mapping[str, Any], *, failed: set[str]) -> Iterator[tuple[Column, str]]:
    """Rules between columns; a column that already failed is not blamed twice."""
    level = parsed.get("title_level")
    if "title_name" in parsed and level is None and "职称级别" not in failed:
        yield COLUMNS_BY_KEY["title_level"], _("Give the level of the professional title.")
    if level not in (None, TitleLevel.NONE.value) and "title_name" not in parsed:
        yield COLUMNS_BY_KEY["title_name"], _("Give the professional title this level belongs to.")
    if "title_obtained_on" in parsed and "title_name" not in parsed:
        yield COLUMNS_BY_KEY["title_name"], _("Give the professional title this date belongs to.")
    # 博士后 = 否 alone says nothing about education, so it needs no institution.
    if any(parsed.get(key) for key in EDUCATION_KEYS) and "institution" not in parsed and "毕业院校" not in failed:
        yield COLUMNS_BY_KEY["institution"], _("Give the institution of the highest education.")
    if "employer_uscc" in parsed and "employer_name" not in parsed and "工作单位" not in failed:
        yield COLUMNS_BY_KEY["employer_name"], _("Give the employer this credit code belongs to.")
    if "employer_uscc" in parsed:
        try:
            validate_uscc(parsed["employer_uscc"])
        except ValidationError as exc:
            for message in exc.messages:
                yield COLUMNS_BY_KEY["employer_uscc"], message


def _record(parsed: dict[str, Any]) -> ExpertRecord:
    credentials: list[CredentialRow] = []
    if "title_name" in parsed:
        credentials.append(
            CredentialRow(
                kind="title",
                name=parsed.pop("title_name"),
                level=parsed.pop("title_level"),
                obtained_on=parsed.pop("title_obtained_on", None),
            )
        )
    parsed.pop("title_level", None)
    credentials.extend(CredentialRow(kind="qualification", name=name) for name in parsed.pop("qualifications", ()))
    education = {key: parsed.pop(key) for key in EDUCATION_KEYS if key in parsed}
    return ExpertRecord(
        **parsed,
        credentials=tuple(credentials),
        education=(EducationRow(**education),) if "institution" in education else (),
    )


# Cells -------------------------------------------------------------------------


def _text(value: Any, *, exact: bool = False) -> str:
    """A cell as text. With ``exact``, a number Excel may have rounded is refused."""
    if value is None:
        return ""
    if isinstance(value, float):
        if exact and abs(value) >= EXACT_FLOAT_LIMIT:
            raise ValidationError(
                _(
                    "Excel stored this long number as a number and rounded it; format the column as text "
                    "and enter it again."
                )
            )
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _checked_length(text: str, max_length: int | None) -> str:
    if max_length is not None and len(text) > max_length:
        raise ValidationError(_("At most %(limit)d characters.") % {"limit": max_length})
    return text


def _split(text: str) -> list[str]:
    items: list[str] = []
    for item in SEPARATORS_RE.split(text):
        if item.strip() and item.strip() not in items:
            items.append(item.strip())
    return items


def _date(value: Any, *, allow_month: bool) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = DATE_RE.match(text) or (MONTH_RE.match(text) if allow_month else None)
    try:
        if match is None:
            raise ValueError(text)
        year, month, *day = (int(part) for part in match.groups())
        return datetime.date(year, month, day[0] if day else 1)
    except ValueError as exc:
        message = (
            _("Enter a date as YYYY-MM-DD or YYYY-MM, or an Excel date.")
            if allow_month
            else _("Enter a date as YYYY-MM-DD, or an Excel date.")
        )
        raise ValidationError(message) from exc


def _integer(value: Any) -> int:
    text = _text(value)
    if not text.isdigit() or int(text) > MAX_FIELD_YEARS:
        raise ValidationError(_("Enter a whole number from 0 to %(limit)d.") % {"limit": MAX_FIELD_YEARS})
    return int(text)


def _choices(value: Any, choices: Mapping[str, Any], *, many: bool, unknown: Any = None) -> list[Any]:
    text = _text(value)
    items = _split(text) if many else [text]
    missing = [item for item in items if item not in choices]
    if missing:
        describe = unknown or _unknown_value
        raise ValidationError(describe(missing, choices))
    return [choices[item] for item in items]


def _unknown_value(values: list[str], choices: Mapping[str, Any]) -> str:
    return _("Unknown value %(values)s; allowed: %(allowed)s.") % {
        "values": SEPARATOR.join(values),
        "allowed": " / ".join(choices),
    }


def _unknown_category(values: list[str], choices: Mapping[str, str]) -> str:
    names = [name for name, code in choices.items() if name != code]
    return _("Unknown category %(values)s; this pool's categories are: %(allowed)s.") % {
        "values": SEPARATOR.join(values),
        "allowed": SEPARATOR.join(names),
    }


# The registry's rules and duplicates --------------------------------------------


def _registry_issues(rows: list[tuple[int, ExpertRecord]], *, pool: Pool) -> list[ImportIssue]:
    issues: list[ImportIssue] = []
    first_row: dict[str, int] = {}
    for row_number, record in rows:
        issues += _field_issues(row_number, expert_record_errors(record=record, pool=pool))
        try:
            id_number = validate_id_number(record.id_number)
        except ValidationError:
            continue  # Already reported by the registry's rules.
        if id_number in first_row:
            issues.append(
                ImportIssue(
                    row_number,
                    "身份证号码",
                    _("The same resident ID number is already on row %(row)d of this file.")
                    % {"row": first_row[id_number]},
                )
            )
        first_row.setdefault(id_number, row_number)
    return issues


def _field_issues(row_number: int, errors: Mapping[str, list[str]]) -> list[ImportIssue]:
    return [
        ImportIssue(row_number, _column_for_field(field), message)
        for field, messages in errors.items()
        for message in messages
    ]


def _column_for_field(field: str) -> str:
    column = COLUMNS_BY_KEY.get(field)
    return column.header if column is not None else SERVICE_FIELD_COLUMNS.get(field, field)


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


def _issue_order(issue: ImportIssue) -> tuple[int, int]:
    column = COLUMNS_BY_HEADER.get(issue.column)
    return issue.row, COLUMNS.index(column) if column is not None else len(COLUMNS)


# The template ------------------------------------------------------------------


def import_template(*, pool: Pool) -> bytes:
    """An empty workbook for ``pool``: the data sheet with drop-down lists, and a
    guide sheet documenting every column with this pool's own categories."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    sheet = workbook.create_sheet(SHEET_NAME)
    sheet.append([column.header for column in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 3)
        if column.as_text:
            sheet.column_dimensions[letter].number_format = "@"
    _add_guide(workbook, pool)
    _add_drop_downs(workbook, sheet, pool)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _choice_words(column: Column, pool: Pool) -> list[str]:
    if column.kind is Kind.CATEGORIES:
        return [category.name for category in pool.policy.rules.categories.items]
    return list(column.choices or {})


def _add_drop_downs(workbook: Workbook, sheet: Worksheet, pool: Pool) -> None:
    """Lists live on a hidden sheet, so no value is limited by Excel's 255-character inline lists."""
    options = workbook.create_sheet(OPTIONS_SHEET_NAME)
    options.sheet_state = "hidden"
    listed = [c for c in COLUMNS if c.kind in (Kind.CHOICE, Kind.CHOICES, Kind.CATEGORIES)]
    for option_index, column in enumerate(listed, start=1):
        words = _choice_words(column, pool)
        option_letter = get_column_letter(option_index)
        options.cell(row=1, column=option_index, value=column.header)
        for row, word in enumerate(words, start=2):
            options.cell(row=row, column=option_index, value=word)
        validation = DataValidation(
            type="list",
            formula1=f"'{OPTIONS_SHEET_NAME}'!${option_letter}$2:${option_letter}${len(words) + 1}",
            allow_blank=True,
            # A list of several values (a；b) must still be accepted where a column takes many.
            showErrorMessage=column.kind is Kind.CHOICE,
        )
        letter = get_column_letter(COLUMNS.index(column) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def _add_guide(workbook: Workbook, pool: Pool) -> None:
    guide = workbook.create_sheet(GUIDE_SHEET_NAME)
    guide.append([pool.name])
    guide.append(
        [
            _(
                "Fill in one expert per row on the sheet %(sheet)s, from row 2; do not change the headers. "
                "Several values in one cell are separated by %(separator)s. Every row is checked; if any row "
                "fails, nothing is imported and a report names the row, the column and the rule."
            )
            % {"sheet": SHEET_NAME, "separator": SEPARATOR}
        ]
    )
    guide.append([])
    guide.append([_("Column"), _("Required"), _("Format and values"), _("Notes")])
    for cell in guide[4]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append(
            [
                column.header,
                _("Required") if column.required else _("Optional"),
                _format_text(column, pool),
                str(NOTES.get(column.header, "")) or _column_note(column, pool),
            ]
        )
    for letter, width in zip("ABCD", (18, 10, 60, 60), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _format_text(column: Column, pool: Pool) -> str:
    words = _choice_words(column, pool)
    formats = {
        Kind.DATE: _("Date: YYYY-MM-DD, or an Excel date."),
        Kind.MONTH: _("Date: YYYY-MM-DD or YYYY-MM, or an Excel date."),
        Kind.INTEGER: _("Whole number from 0 to %(limit)d.") % {"limit": MAX_FIELD_YEARS},
        Kind.CHOICE: _("One of: %(values)s") % {"values": " / ".join(words)},
        Kind.CHOICES: _("One or more of: %(values)s") % {"values": SEPARATOR.join(words)},
        Kind.LIST: _("One or more, separated by %(separator)s") % {"separator": SEPARATOR},
    }
    formats[Kind.CATEGORIES] = formats[Kind.CHOICES]
    formats[Kind.CODES] = formats[Kind.LIST]
    if column.kind in formats:
        return formats[column.kind]
    if column.max_length is not None:
        return _("Text, at most %(limit)d characters.") % {"limit": column.max_length}
    return _("Text.")


def _column_note(column: Column, pool: Pool) -> str:
    if column.kind is not Kind.CATEGORIES:
        return ""
    categories = pool.policy.rules.categories
    needing = [c.name for c in categories.items if c.requires_industry_codes]
    notes = []
    if categories.max_per_expert is not None:
        notes.append(_("At most %(limit)d categories.") % {"limit": categories.max_per_expert})
    if needing:
        notes.append(_("%(categories)s needs at least one industry code.") % {"categories": SEPARATOR.join(needing)})
    return " ".join(notes)
