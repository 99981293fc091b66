"""Exporting a pool's members to .xlsx, in the same columns and words as the import."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import transaction

from expertpool.accounts.permissions import can_see_personal_data
from expertpool.audit.services import audit_log
from expertpool.core.exports import CellValue, Exporter
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.experts.imports import (
    COLUMNS,
    DEGREES,
    DISTINCTIONS,
    EMPLOYMENT_STATUSES,
    GENDERS,
    NATURES,
    SEPARATOR,
    SHEET_NAME,
    TITLE_LEVELS,
    YES_NO,
)
from expertpool.experts.models import CredentialKind, Education, Expert, Membership
from expertpool.experts.selectors import membership_list
from expertpool.pools.policy import Degree, Distinction, TitleLevel

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool


def _words(vocabulary: dict[str, Any]) -> dict[Any, str]:
    """Stored value → the word the import reads."""
    return {value: word for word, value in vocabulary.items()}


GENDER_WORDS = _words(GENDERS)
NATURE_WORDS = _words(NATURES)
EMPLOYMENT_WORDS = _words(EMPLOYMENT_STATUSES)
TITLE_LEVEL_WORDS = _words(TITLE_LEVELS)
DEGREE_WORDS = _words(DEGREES)
YES_NO_WORDS = _words(YES_NO)
DISTINCTION_WORDS = {**_words(DISTINCTIONS), Distinction.SCARCE_SPECIALTY.value: "稀缺专业"}
DEGREE_ORDER = [Degree.OTHER.value, Degree.BACHELOR.value, Degree.MASTER.value, Degree.DOCTORATE.value]
MEMBERSHIP_HEADERS = ["状态", "入库日期", "任期届满日期"]


class MembershipExporter(Exporter):
    """One row per membership of ``pool``; ID numbers and phones masked unless
    ``user`` may see personal data in full."""

    sheet_title = SHEET_NAME

    def __init__(self, pool: Pool, user: User) -> None:
        super().__init__()
        self.pool = pool
        self.masked = not can_see_personal_data(user, pool)

    def headers(self) -> list[str]:
        return [column.header for column in COLUMNS] + MEMBERSHIP_HEADERS

    def rows(self) -> Iterator[list[CellValue]]:
        memberships = membership_list(pool=self.pool).prefetch_related("expert__education")
        for membership in memberships:
            values = self.expert_values(membership.expert) | self.membership_values(membership)
            yield [values.get(column.key) for column in COLUMNS] + [
                membership.get_status_display(),
                membership.admitted_on,
                membership.term_ends_on,
            ]

    def expert_values(self, expert: Expert) -> dict[str, CellValue]:
        employer = expert.employer
        return {
            "name": expert.name,
            "gender": GENDER_WORDS.get(expert.gender, expert.gender),
            "birth_date": expert.birth_date,
            "ethnicity": expert.ethnicity,
            "id_number": mask_id_number(expert.id_number) if self.masked else expert.id_number,
            "mobile": mask_phone(expert.mobile) if self.masked else expert.mobile,
            "email": expert.email,
            "address": expert.address,
            "employer_name": employer.name if employer else "",
            "employer_uscc": (employer.uscc or "") if employer else "",
            "employer_nature": NATURE_WORDS.get(employer.nature, "") if employer else "",
            "position": expert.position,
            "employment_status": EMPLOYMENT_WORDS.get(expert.employment_status, ""),
            "current_specialty": expert.current_specialty,
            "field_years": expert.field_years,
            "distinctions": SEPARATOR.join(DISTINCTION_WORDS.get(d.kind, d.kind) for d in expert.distinctions.all()),
            **_credential_values(expert),
            **_education_values(expert),
        }

    def membership_values(self, membership: Membership) -> dict[str, CellValue]:
        return {
            "categories": SEPARATOR.join(category.name for category in membership.categories.all()),
            "industry_codes": SEPARATOR.join(code.code for code in membership.industry_codes.all()),
        }


def _credential_values(expert: Expert) -> dict[str, CellValue]:
    credentials = list(expert.credentials.all())
    titles = [c for c in credentials if c.kind == CredentialKind.TITLE]
    title = max(titles, key=lambda c: TitleLevel(c.level).rank, default=None)
    return {
        "title_name": title.name if title else "",
        "title_level": TITLE_LEVEL_WORDS.get(title.level, "") if title else "",
        "title_obtained_on": title.obtained_on if title else None,
        "qualifications": SEPARATOR.join(c.name for c in credentials if c.kind == CredentialKind.QUALIFICATION),
    }


def _education_values(expert: Expert) -> dict[str, CellValue]:
    rows = list(expert.education.all())
    highest: Education | None = max(rows, key=_degree_rank, default=None)
    if highest is None:
        return {}
    return {
        "education_level": highest.education_level,
        "degree": DEGREE_WORDS.get(highest.degree, ""),
        "institution": highest.institution,
        "major": highest.major,
        "is_postdoc": YES_NO_WORDS[any(row.is_postdoc for row in rows)],
    }


def _degree_rank(row: Education) -> int:
    return DEGREE_ORDER.index(row.degree) if row.degree in DEGREE_ORDER else -1


@transaction.atomic
def experts_export(*, actor: User, pool: Pool) -> bytes:
    """The pool's members as an .xlsx workbook, masked per ``actor``'s role.

    Personal data leaves the system, so the export is logged. Audit code:
    ``experts.exported`` (count, and whether ID numbers and phones were masked).
    """
    exporter = MembershipExporter(pool, actor)
    content = exporter.render_xlsx()
    audit_log(
        actor=actor,
        action="experts.exported",
        pool=pool,
        data={"count": exporter.rows_written, "masked": exporter.masked},
    )
    return content
