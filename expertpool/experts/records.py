"""The data of one expert as it arrives from a form, an import row or the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EducationRow:
    institution: str
    major: str = ""
    education_level: str = ""
    degree: str = ""
    is_postdoc: bool = False
    start_month: datetime.date | None = None
    end_month: datetime.date | None = None


@dataclass(frozen=True)
class WorkRow:
    employer_name: str
    position: str = ""
    start_month: datetime.date | None = None
    end_month: datetime.date | None = None


@dataclass(frozen=True)
class CredentialRow:
    kind: str
    name: str
    level: str = ""
    certificate_number: str = ""
    obtained_on: datetime.date | None = None
    issuer: str = ""


@dataclass(frozen=True)
class AchievementRow:
    kind: str
    title: str
    year: int | None = None
    description: str = ""


@dataclass(frozen=True)
class ExpertRecord:
    name: str
    gender: str
    birth_date: datetime.date
    id_number: str
    mobile: str
    email: str = ""
    ethnicity: str = ""
    address: str = ""
    employer_name: str = ""
    employer_uscc: str = ""
    employer_nature: str = ""
    position: str = ""
    employment_status: str = "in_service"
    current_specialty: str = ""
    field_years: int = 0
    education: tuple[EducationRow, ...] = ()
    work_history: tuple[WorkRow, ...] = ()
    credentials: tuple[CredentialRow, ...] = ()
    distinctions: tuple[str, ...] = ()
    achievements: tuple[AchievementRow, ...] = field(default=())
    categories: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
