"""An application's form data as the printed form shows it: text in the source's words.

A blank form is the same reader with no application: every value is empty and
every checkbox unticked. Values come from ``form_data`` as typed (a draft prints
too), so nothing here rejects anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.industries.models import IndustryCode

if TYPE_CHECKING:
    from expertpool.applications.models import Application

GENDERS = {"male": "男", "female": "女"}
DEGREES = {"doctorate": "博士", "master": "硕士", "bachelor": "学士"}
DEGREE_RANK = ["", "other", "bachelor", "master", "doctorate"]
ACHIEVEMENT_KINDS = {
    "project": "项目",
    "publication": "著作、论文",
    "patent": "专利",
    "award": "获奖",
    "research": "课题",
    "other": "其他",
}


@dataclass(frozen=True)
class TableRow:
    period: str
    first: str
    second: str


def month(value: Any) -> str:
    """``2001-09`` or ``2001-09-01`` as ``2001.09``; anything else as typed."""
    text = str(value or "").strip()
    if len(text) >= 7 and text[4] == "-":
        return f"{text[:4]}.{text[5:7]}"
    return text


def period(row: dict[str, Any]) -> str:
    start, end = month(row.get("start_month")), month(row.get("end_month"))
    if not start and not end:
        return ""
    return f"{start}—{end or '至今'}"


def _degree_rank(row: dict[str, Any]) -> int:
    degree = str(row.get("degree") or "")
    return DEGREE_RANK.index(degree) if degree in DEGREE_RANK else 0


class FormValues:
    """Read-only view of one application's form (or of none, for a blank form)."""

    def __init__(self, application: Application | None, *, full_personal_data: bool) -> None:
        self.application = application
        self.data: dict[str, Any] = dict(application.form_data) if application else {}
        self.full_personal_data = full_personal_data

    def text(self, key: str) -> str:
        return str(self.data.get(key) or "").strip()

    def items(self, key: str) -> list[Any]:
        # A draft keeps whatever was typed: anything but a list prints as nothing.
        value = self.data.get(key)
        return value if isinstance(value, list) else []

    def rows(self, key: str) -> list[dict[str, Any]]:
        return [row for row in self.items(key) if isinstance(row, dict) and any(row.values())]

    def codes(self, key: str) -> set[str]:
        return {str(code) for code in self.items(key)}

    @property
    def name(self) -> str:
        return self.text("name")

    @property
    def gender(self) -> str:
        return GENDERS.get(self.text("gender"), self.text("gender"))

    @property
    def birth_month(self) -> str:
        text = self.text("birth_date")
        return f"{text[:4]}年{text[5:7]}月" if len(text) >= 7 else text

    @property
    def id_number(self) -> str:
        number = self.application.id_number if self.application else ""
        return number if self.full_personal_data else mask_id_number(number) if number else ""

    @property
    def mobile(self) -> str:
        number = self.application.mobile if self.application else ""
        return number if self.full_personal_data else mask_phone(number) if number else ""

    @property
    def employment(self) -> str:
        return self.text("employment_status")

    def field_and_years(self) -> str:
        years = self.text("field_years")
        specialty = self.text("current_specialty")
        return "，".join(part for part in (specialty, f"{years}年" if years and years != "0" else "") if part)

    def credentials(self, kind: str) -> list[dict[str, Any]]:
        return [row for row in self.rows("credentials") if row.get("kind") == kind and row.get("name")]

    def titles_with_dates(self) -> str:
        return "；".join(
            f"{row['name']}（{month(row['obtained_on'])}）" if row.get("obtained_on") else str(row["name"])
            for row in self.credentials("title")
        )

    def qualifications_with_numbers(self) -> str:
        return "；".join(
            f"{row['name']}（{row['certificate_number']}）" if row.get("certificate_number") else str(row["name"])
            for row in self.credentials("qualification")
        )

    def title_and_qualifications(self) -> str:
        """GZ 专业技术职称（执业资格）: titles, then qualifications in brackets."""
        titles = "、".join(str(row["name"]) for row in self.credentials("title"))
        qualifications = "、".join(str(row["name"]) for row in self.credentials("qualification"))
        return f"{titles}（{qualifications}）" if qualifications else titles

    @staticmethod
    def level_and_degree(row: dict[str, Any]) -> str:
        parts = (str(row.get("education_level") or ""), DEGREES.get(str(row.get("degree") or ""), ""))
        return "/".join(part for part in parts if part)

    def education(self) -> list[TableRow]:
        return [
            TableRow(
                period(row),
                " ".join(filter(None, (row.get("institution"), row.get("major")))),
                self.level_and_degree(row),
            )
            for row in self.rows("education")
        ]

    def highest_education(self) -> dict[str, Any]:
        """The row with the highest degree; the latest such row on a tie."""
        return max(reversed(self.rows("education")), key=_degree_rank, default={})

    def work_history(self) -> list[TableRow]:
        return [
            TableRow(period(row), str(row.get("employer_name") or ""), str(row.get("position") or ""))
            for row in self.rows("work_history")
        ]

    def achievements(self) -> list[str]:
        lines = []
        for row in self.rows("achievements"):
            year = f"{row['year']}年，" if row.get("year") else ""
            kind = ACHIEVEMENT_KINDS.get(str(row.get("kind") or ""), "")
            head = f"{year}{kind}：" if kind else year
            description = f"。{row['description']}" if row.get("description") else ""
            lines.append(f"{head}{row.get('title') or ''}{description}")
        return lines

    def industries(self) -> str:
        """The chosen industry codes with their names, as the GZ form's example (3211铜冶炼)."""
        codes = [str(code) for code in self.items("industry_codes")]
        names = dict(IndustryCode.objects.filter(code__in=codes).values_list("code", "name"))
        return "、".join(f"{code}{names.get(code, '')}" for code in codes)
