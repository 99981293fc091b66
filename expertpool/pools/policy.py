"""The policy file format: a pool's rules as data, each rule citing its clause.

A policy is YAML validated against these models. Every key is declared once,
here, with its type and meaning; the same declaration validates files, feeds
the admin and the API, and produces ``docs/policy.schema.json``.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=50)]


class TitleLevel(StrEnum):
    FULL_SENIOR = "full_senior"
    ASSOCIATE_SENIOR = "associate_senior"
    INTERMEDIATE = "intermediate"
    JUNIOR = "junior"
    NONE = "none"

    @property
    def rank(self) -> int:
        return list(reversed(TitleLevel)).index(self)


class Degree(StrEnum):
    DOCTORATE = "doctorate"
    MASTER = "master"
    BACHELOR = "bachelor"
    OTHER = "other"


class Distinction(StrEnum):
    ACADEMICIAN = "academician"
    DOCTORAL_SUPERVISOR = "doctoral_supervisor"
    STATE_COUNCIL_ALLOWANCE = "state_council_allowance"
    PROVINCIAL_ALLOWANCE = "provincial_allowance"
    # An admin judgement, never self-certified into eligibility: it only routes to manual review.
    SCARCE_SPECIALTY = "scarce_specialty"


class FormFieldKey(StrEnum):
    """Every field either source form asks for; a policy picks its own."""

    NAME = "name"
    GENDER = "gender"
    BIRTH_DATE = "birth_date"
    ETHNICITY = "ethnicity"
    ID_NUMBER = "id_number"
    PHOTO = "photo"
    EMPLOYER = "employer"
    EMPLOYER_NATURE = "employer_nature"
    POSITION = "position"
    EMPLOYMENT_STATUS = "employment_status"
    TITLE = "title"
    TITLE_OBTAINED_ON = "title_obtained_on"
    QUALIFICATIONS = "qualifications"
    CURRENT_SPECIALTY = "current_specialty"
    FIELD_YEARS = "field_years"
    ADDRESS = "address"
    MOBILE = "mobile"
    EMAIL = "email"
    EDUCATION = "education"
    WORK_HISTORY = "work_history"
    ACHIEVEMENTS = "achievements"
    DISTINCTIONS = "distinctions"
    CATEGORIES = "categories"
    INDUSTRY_CODES = "industry_codes"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(StrictModel):
    """A rule that applies a clause. ``clause`` is a key of ``Policy.clauses``."""

    clause: str


class OptionallyCited(StrictModel):
    """A setting the source may be silent on; ``note`` then says whose choice it is."""

    clause: str | None = None
    note: str = ""


class Source(StrictModel):
    title: str
    issuer: str
    reference: str = ""
    issued_on: datetime.date | None = None
    effective_from: datetime.date | None = None
    effective_until: datetime.date | None = None


class CategoryDef(Cited):
    code: Code
    name: str
    name_en: str
    subfields: list[str] = []
    requires_industry_codes: bool = False


class Categories(Cited):
    max_per_expert: int | None = Field(default=None, ge=1)
    items: list[CategoryDef] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> Categories:
        _require_unique([c.code for c in self.items], "category code")
        return self


class FormField(Cited):
    key: FormFieldKey
    required: bool = True


class AttachmentDef(Cited):
    code: Code
    name: str
    name_en: str
    required: Literal["always", "retired", "nominated", "optional"] = "always"
    max_size_mb: int = Field(default=10, ge=1, le=100)


class Pledge(Cited):
    version: str
    text: str


class Declaration(Cited):
    code: Code
    text: str
    text_en: str


class MinTitleLevelRule(Cited):
    kind: Literal["min_title_level"]
    level: TitleLevel


class AgeLimitRule(Cited):
    kind: Literal["age_limit"]
    max_age: int = Field(ge=18)
    raised_max_age: int = Field(ge=18)
    raising_distinctions: list[Distinction] = []
    raising_title_levels: list[TitleLevel] = []
    # Grounds for the raised limit that need an admin's judgement: manual review.
    review_distinctions: list[Distinction] = []


class CategoryMinYearsRule(Cited):
    kind: Literal["category_min_years"]
    category: Code
    min_years: int = Field(ge=0)


class TitleOrQualificationRule(Cited):
    kind: Literal["title_or_qualification"]
    min_title_level: TitleLevel
    qualifications: list[str] = Field(min_length=1)
    min_years: int = Field(ge=0)
    # Grounds that may relax the rule: never a silent rejection, always manual review.
    relaxing_degrees: list[Degree] = []
    relaxing_postdoc: bool = False
    relaxing_distinctions: list[Distinction] = []


EligibilityRule = Annotated[
    MinTitleLevelRule | AgeLimitRule | CategoryMinYearsRule | TitleOrQualificationRule,
    Field(discriminator="kind"),
]


class Application(Cited):
    nomination_modes: list[Literal["self", "unit"]] = Field(min_length=1)
    unit_opinion: Literal["always", "nominated_only"]


class PublicNotice(OptionallyCited):
    working_days: int = Field(ge=1, le=60)


class Term(OptionallyCited):
    years: int | None = Field(default=None, ge=1)
    renewable: bool = True


class Panel(OptionallyCited):
    min_size: int = Field(ge=1)
    odd: bool
    reserves: int = Field(ge=0)
    exception_needs_reason: bool = True


class ActivityKind(StrictModel):
    code: Code
    name: str
    name_en: str


class RecusalRule(Cited):
    kind: Literal[
        "employer_is_subject",
        "employer_is_consultant",
        "declared_conflict",
        "served_subject_recently",
        "pool_staff",
        "one_per_employer",
    ]
    lookback_years: int | None = Field(default=None, ge=1)


class AbsenceRule(Cited):
    mode: Literal["total", "consecutive"]
    count: int = Field(ge=1)
    window_days: int | None = Field(default=None, ge=1)
    counted_outcomes: list[Literal["absent_without_reason", "left_during_work", "declined_without_reason"]]


class Reason(Cited):
    code: Code
    text: str
    text_en: str


class RemovalReason(Reason):
    announce: bool = False
    re_engagement_barred: bool = False


class Sanctions(StrictModel):
    kinds: list[Literal["reminder_talk", "warning"]] = []
    reasons: list[Reason] = []


class EvaluationDimension(StrictModel):
    code: Code
    name: str
    name_en: str


class Evaluation(Cited):
    dimensions: list[EvaluationDimension] = Field(min_length=1)
    scale_min: int = 1
    scale_max: int = 5
    category_adjustment_clause: str | None = None


class Policy(StrictModel):
    """One pool's rules. ``clauses`` maps each citation to the source's text."""

    slug: Slug
    version: str
    name: str
    name_en: str
    managing_body: str
    source: Source
    clauses: dict[str, str] = Field(min_length=1)
    categories: Categories
    form: list[FormField]
    attachments: list[AttachmentDef]
    pledge: Pledge
    declarations: list[Declaration]
    eligibility: list[EligibilityRule]
    application: Application
    public_notice: PublicNotice | None
    term: Term
    panel: Panel
    activity_kinds: list[ActivityKind] = Field(min_length=1)
    recusal: list[RecusalRule]
    absence: AbsenceRule
    removal_reasons: list[RemovalReason]
    sanctions: Sanctions
    evaluation: Evaluation

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        for path, clause in self._citations():
            if clause not in self.clauses:
                raise ValueError(f"{path}: clause {clause!r} is not defined in 'clauses'")
        category_codes = {c.code for c in self.categories.items}
        for index, rule in enumerate(self.eligibility):
            if isinstance(rule, CategoryMinYearsRule) and rule.category not in category_codes:
                raise ValueError(f"eligibility.{index}.category: unknown category {rule.category!r}")
        _require_unique([f.key for f in self.form], "form field")
        _require_unique([a.code for a in self.attachments], "attachment code")
        _require_unique([d.code for d in self.declarations], "declaration code")
        _require_unique([r.code for r in self.removal_reasons], "removal reason code")
        return self

    def _citations(self) -> list[tuple[str, str]]:
        """Every (path, clause) pair the document cites, for the reference check."""
        found: list[tuple[str, str]] = []

        def walk(value: Any, path: str) -> None:
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    child = getattr(value, name)
                    if name in {"clause", "category_adjustment_clause"} and isinstance(child, str):
                        found.append((f"{path}.{name}".lstrip("."), child))
                    elif name != "clauses":
                        walk(child, f"{path}.{name}")
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, f"{path}.{index}")

        walk(self, "")
        return found

    def category(self, code: str) -> CategoryDef | None:
        return next((c for c in self.categories.items if c.code == code), None)


def _require_unique(values: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what}: {value!r}")
        seen.add(value)


class PolicyError(Exception):
    """A policy file that cannot be used; ``errors`` name each key and what is wrong."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_policy(text: str) -> Policy:
    """Parse and validate a policy from YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError([f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise PolicyError(["the file must hold a mapping of policy keys"])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError([_describe(error) for error in exc.errors()]) from exc


def _describe(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-after"))
    return f"{location or '(top level)'}: {error['msg']}"


SHIPPED_POLICIES_DIR = Path(__file__).resolve().parent / "policies"


def shipped_policy_path(slug: str) -> Path:
    return SHIPPED_POLICIES_DIR / f"{slug}.yaml"
