"""The policy file format: a pool's rules as data, each rule citing its clause.

A policy is YAML validated against these models. Every key is declared once,
here, with its type and meaning (the docstring under each field); the same
declaration validates files, feeds the admin and the API, and produces
``docs/policy.schema.json`` (see ``policy_json_schema``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Hashable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError


def _date_as_text(value: Any) -> Any:
    """An unquoted YAML version such as 2025-07-29 arrives as a date; keep it as text."""
    return value.isoformat() if isinstance(value, datetime.date) else value


Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=50)]
Text = Annotated[str, Field(min_length=1)]
# Names stored in database columns keep within the columns' lengths.
Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortName = Annotated[str, Field(min_length=1, max_length=100)]
ClauseRef = Annotated[str, Field(min_length=1, max_length=100)]
Version = Annotated[str, BeforeValidator(_date_as_text), Field(min_length=1, max_length=50)]

# A problem found across keys: (dotted path of the offending key, message).
Problem = tuple[str, str]


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
    # Unknown keys are errors (a misspelt key must not be silently ignored);
    # attribute docstrings become the schema's descriptions.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Cited(StrictModel):
    """A rule that applies a clause of the source."""

    clause: ClauseRef
    """The clause this rule applies: a key of the top-level `clauses`."""
    note: str = ""
    """Where the rule goes beyond the clause's words (a number the source leaves open), whose choice it is."""


class OptionallyCited(StrictModel):
    """A setting the source may be silent on: then `note` must say whose choice it is."""

    clause: ClauseRef | None = None
    """The clause this setting applies, if the source has one: a key of `clauses`."""
    note: str = ""
    """Why the setting has this value; required when `clause` is absent."""

    @model_validator(mode="after")
    def _clause_or_note(self) -> OptionallyCited:
        if self.clause is None and not self.note.strip():
            raise PydanticCustomError("clause_or_note", _("give either a clause or a note saying whose choice this is"))
        return self


class Source(StrictModel):
    """The document the policy transcribes."""

    title: Text
    """The source document's title, as printed."""
    issuer: Text
    """Who issued it."""
    reference: str = ""
    """Its document number, e.g. 穗循清协〔2025〕15号."""
    issued_on: datetime.date | None = None
    """Date of issue."""
    effective_from: datetime.date | None = None
    """First day in force."""
    effective_until: datetime.date | None = None
    """Last day in force, if limited."""


class CategoryDef(Cited):
    """One category (专业领域 / 类别)."""

    code: Code
    """Stable identifier, lower case (used in URLs, imports and the API)."""
    name: ShortName
    """Chinese name, as in the source."""
    name_en: ShortName
    """English name."""
    subfields: list[str] = []
    """Sub-fields the source lists under the category (shown to applicants)."""
    requires_industry_codes: bool = False
    """Whether choosing the category requires GB/T 4754-2017 industry codes."""


class Categories(Cited):
    """The pool's taxonomy of expertise; ``clause`` governs the choice of categories and its limit."""

    max_per_expert: int | None = Field(default=None, ge=1)
    """How many categories one expert may hold; null for no limit."""
    items: list[CategoryDef] = Field(min_length=1)
    """The categories, in the order the source lists them."""


class FormField(Cited):
    """One field of the application form."""

    key: FormFieldKey
    """Which field (the registry's name for it)."""
    required: bool = True
    """Whether the applicant must fill it in."""


class AttachmentDef(Cited):
    """One document the applicant uploads."""

    code: Code
    """Stable identifier."""
    name: Text
    """Chinese name, as in the source."""
    name_en: Text
    """English name."""
    required: Literal["always", "retired", "nominated", "optional"] = "always"
    """When it is required: always, only for retirees, only for unit nominations, or never."""
    max_size_mb: int = Field(default=10, ge=1, le=100)
    """Largest accepted file, in megabytes."""


class Pledge(Cited):
    """The pledge the applicant accepts (承诺书 / 个人承诺)."""

    version: Version
    """Changes whenever the text changes; acceptances record the version."""
    text: Text
    """The pledge, verbatim."""


class Declaration(Cited):
    """A condition no system can compute: the applicant declares it, a reviewer confirms it."""

    code: Code
    """Stable identifier."""
    text: Text
    """What the applicant declares, in Chinese."""
    text_en: Text
    """English translation."""


class MinTitleLevelRule(Cited):
    """Eligible only with at least this professional title level."""

    kind: Literal["min_title_level"]
    """Rule kind."""
    level: TitleLevel
    """The lowest title level accepted."""


class AgeLimitRule(Cited):
    """An age limit on the application date, raised for some experts."""

    kind: Literal["age_limit"]
    """Rule kind."""
    max_age: int = Field(ge=18, le=100)
    """The highest age accepted, in completed years."""
    raised_max_age: int = Field(ge=18, le=100)
    """The highest age for experts with a raising distinction or title level."""
    raising_distinctions: list[Distinction] = []
    """Distinctions that raise the limit."""
    raising_title_levels: list[TitleLevel] = []
    """Title levels that raise the limit."""
    review_distinctions: list[Distinction] = []
    """Grounds for the raised limit that need an admin's judgement: manual review, never automatic."""


class CategoryMinYearsRule(Cited):
    """Experts in one category need a minimum number of years in the field."""

    kind: Literal["category_min_years"]
    """Rule kind."""
    category: Code
    """The category's code (one of `categories.items`)."""
    min_years: int = Field(ge=0)
    """Years of relevant work required."""


class TitleOrQualificationRule(Cited):
    """A title of some level, or a listed qualification, each with years in the field."""

    kind: Literal["title_or_qualification"]
    """Rule kind."""
    min_title_level: TitleLevel
    """The lowest title level accepted (or its equivalent)."""
    qualifications: list[Text] = Field(min_length=1)
    """Qualifications accepted instead of a title, by name."""
    min_years: int = Field(ge=0)
    """Years in the field required with either."""
    relaxing_degrees: list[Degree] = []
    """Degrees that may relax the rule: manual review, never a silent rejection."""
    relaxing_postdoc: bool = False
    """Whether postdoctoral experience may relax the rule (manual review)."""
    relaxing_distinctions: list[Distinction] = []
    """Distinctions that may relax the rule (manual review)."""


EligibilityRule = Annotated[
    MinTitleLevelRule | AgeLimitRule | CategoryMinYearsRule | TitleOrQualificationRule,
    Field(discriminator="kind"),
]


class Application(Cited):
    """How applications start."""

    nomination_modes: list[Literal["self", "unit"]] = Field(min_length=1)
    """Self-nomination, nomination by a unit, or both."""
    unit_opinion: Literal["always", "nominated_only"]
    """Whether the employer's or nominating unit's opinion is needed for every application or only nominations."""


class PublicNotice(OptionallyCited):
    """Public notice of the proposed list before admission."""

    working_days: int = Field(ge=1, le=60)
    """Length of the notice period in working days (Chinese holidays and make-up workdays respected)."""


class Term(OptionallyCited):
    """Membership terms."""

    years: int | None = Field(default=None, ge=1)
    """Length of a term in years; null for membership without a term."""
    renewable: bool = True
    """Whether a member may serve another term."""


class Panel(OptionallyCited):
    """The size of the panel drawn for an activity."""

    min_size: int = Field(ge=1)
    """The smallest panel."""
    odd: bool
    """Whether the panel must have an odd number of experts."""
    reserves: int = Field(ge=0)
    """Reserves drawn in order, to replace experts who decline."""
    exception_needs_reason: bool = True
    """Whether a panel outside these rules is allowed with a recorded reason."""
    draw_at_most_working_days_before: int | None = Field(default=None, ge=1, le=60)
    """No draw earlier than this many working days before the activity starts, so names
    cannot leak long before; null for no limit."""


class Invitations(OptionallyCited):
    """How drawn experts are asked to serve."""

    answer_hours: int = Field(default=48, ge=1, le=720)
    """Hours an invited expert has to accept or decline before the next reserve is invited."""


class Confidentiality(Cited):
    """Who was drawn stays with those who need it: the managing body, and the client unit once
    experts have confirmed; the clause is cited whenever a panel is viewed."""


class ServiceCap(Cited):
    """How often one expert may serve, so the same faces do not sit on every panel."""

    max_services: int = Field(ge=1)
    """Accepted invitations allowed within the period; an expert at the cap is excluded."""
    period_days: int = Field(ge=1, le=3660)
    """The period, counted back from the activity's start."""


class ActivityKind(StrictModel):
    """A kind of job experts are drawn for."""

    code: Code
    """Stable identifier."""
    name: Text
    """Chinese name."""
    name_en: Text
    """English name."""


class RecusalRule(Cited):
    """A reason to exclude an expert from a draw."""

    kind: Literal[
        "employer_is_subject",
        "employer_is_consultant",
        "declared_conflict",
        "served_subject_recently",
        "pool_staff",
        "one_per_employer",
    ]
    """Which relation excludes the expert."""
    lookback_years: int | None = Field(default=None, ge=1)
    """How far back a past relation counts, for the kinds that look back."""


AbsenceOutcome = Literal["absent_without_reason", "left_during_work", "declined_without_reason"]


class AbsenceRule(Cited):
    """When absences lead to removal."""

    mode: Literal["total", "consecutive"]
    """Count absences in total, or only in a row."""
    count: int = Field(ge=1)
    """How many absences lead to removal."""
    window_days: int | None = Field(default=None, ge=1)
    """Only absences within this many days count; null for no window."""
    counted_outcomes: list[AbsenceOutcome] = Field(min_length=1)
    """Which outcomes of an invitation count as an absence."""


class Reason(Cited):
    """A reason from the source's list."""

    code: Code
    """Stable identifier."""
    text: Text
    """The reason, in Chinese."""
    text_en: Text
    """English translation."""


class RemovalReason(Reason):
    """A reason for removal from the pool."""

    announce: bool = False
    """Whether the removal is announced publicly."""
    re_engagement_barred: bool = False
    """Whether the removed expert may not be engaged again."""


class Sanctions(StrictModel):
    """Sanctions short of removal."""

    kinds: list[Literal["reminder_talk", "warning"]] = []
    """The sanctions the source provides."""
    reasons: list[Reason] = []
    """The reasons for which they may be imposed."""


class EvaluationDimension(StrictModel):
    """One aspect the client unit rates."""

    code: Code
    """Stable identifier."""
    name: Text
    """Chinese name."""
    name_en: Text
    """English name."""


class Evaluation(Cited):
    """Ratings of experts after an activity."""

    dimensions: list[EvaluationDimension] = Field(min_length=1)
    """What is rated."""
    scale_min: int = 1
    """The lowest rating."""
    scale_max: int = 5
    """The highest rating."""
    category_adjustment_clause: ClauseRef | None = None
    """The clause allowing an expert to be moved out of a category on poor ratings, if any."""


class Policy(StrictModel):
    """One pool's rules. ``clauses`` maps each citation to the source's text."""

    slug: Slug
    """The policy's identifier, also the default slug of a pool created from it."""
    version: Version
    """The policy's version; a changed file needs a new version."""
    name: Name
    """The pool's Chinese name."""
    name_en: Name
    """The pool's English name."""
    managing_body: Name
    """The body that owns the pool."""
    source: Source
    """The document the policy transcribes."""
    clauses: dict[ClauseRef, Text] = Field(min_length=1)
    """Every clause the policy cites, with the source's text (verbatim)."""
    categories: Categories
    """The taxonomy of expertise."""
    form: list[FormField] = Field(min_length=1)
    """The application form, field by field."""
    attachments: list[AttachmentDef]
    """The documents applicants upload."""
    pledge: Pledge
    """The pledge applicants accept."""
    declarations: list[Declaration]
    """The conditions applicants declare."""
    eligibility: list[EligibilityRule]
    """The conditions the eligibility engine checks."""
    application: Application
    """How applications start."""
    public_notice: PublicNotice | None
    """Public notice before admission; null if the source provides none."""
    term: Term
    """Membership terms."""
    panel: Panel
    """Panel size for draws."""
    activity_kinds: list[ActivityKind] = Field(min_length=1)
    """The kinds of activity experts are drawn for."""
    recusal: list[RecusalRule]
    """Reasons to exclude experts from a draw."""
    invitations: Invitations
    """How drawn experts are invited."""
    service_cap: ServiceCap | None = None
    """How often one expert may serve; null for no cap."""
    confidentiality: Confidentiality
    """The clause that keeps panels confidential."""
    absence: AbsenceRule
    """When absences lead to removal."""
    removal_reasons: list[RemovalReason] = Field(min_length=1)
    """Reasons for removal."""
    sanctions: Sanctions
    """Sanctions short of removal."""
    evaluation: Evaluation
    """Ratings after an activity."""

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        problems = self.problems()
        if problems:
            raise PydanticCustomError(
                "policy_consistency", "the policy is inconsistent", {"problems": [list(p) for p in problems]}
            )
        return self

    def problems(self) -> list[Problem]:
        """Rules that span keys: references resolve, codes are unique, numbers agree."""
        return [
            *self._unresolved_clauses(),
            *self._duplicates(),
            *self._category_problems(),
            *self._number_problems(),
        ]

    def _unresolved_clauses(self) -> list[Problem]:
        return [
            (path, _("clause '%(clause)s' is not defined in 'clauses'") % {"clause": clause})
            for path, clause in self.citations()
            if clause not in self.clauses
        ]

    def _duplicates(self) -> list[Problem]:
        return [
            *_duplicates("categories.items", "code", (c.code for c in self.categories.items)),
            *_duplicates("form", "key", (f.key.value for f in self.form)),
            *_duplicates("attachments", "code", (a.code for a in self.attachments)),
            *_duplicates("declarations", "code", (d.code for d in self.declarations)),
            *_duplicates("activity_kinds", "code", (k.code for k in self.activity_kinds)),
            *_duplicates("recusal", "kind", (r.kind for r in self.recusal)),
            *_duplicates("removal_reasons", "code", (r.code for r in self.removal_reasons)),
            *_duplicates("sanctions.reasons", "code", (r.code for r in self.sanctions.reasons)),
            *_duplicates("evaluation.dimensions", "code", (d.code for d in self.evaluation.dimensions)),
            *_duplicates("application", "nomination_modes", self.application.nomination_modes, indexed=False),
        ]

    def _category_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        codes = {c.code for c in self.categories.items}
        for index, rule in enumerate(self.eligibility):
            if isinstance(rule, CategoryMinYearsRule) and rule.category not in codes:
                problems.append(
                    (f"eligibility.{index}.category", _("unknown category '%(code)s'") % {"code": rule.category})
                )
        form_keys = {f.key for f in self.form}
        for index, item in enumerate(self.categories.items):
            if item.requires_industry_codes and FormFieldKey.INDUSTRY_CODES not in form_keys:
                problems.append(
                    (
                        f"categories.items.{index}.requires_industry_codes",
                        _("the form has no 'industry_codes' field to give them in"),
                    )
                )
        limit = self.categories.max_per_expert
        if limit is not None and limit > len(self.categories.items):
            problems.append(("categories.max_per_expert", _("is larger than the number of categories")))
        return problems

    def _number_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for index, rule in enumerate(self.eligibility):
            if isinstance(rule, AgeLimitRule) and rule.raised_max_age < rule.max_age:
                problems.append((f"eligibility.{index}.age_limit.raised_max_age", _("must not be lower than max_age")))
        if self.panel.odd and self.panel.min_size % 2 == 0:
            problems.append(("panel.min_size", _("must be odd, as the panel is odd")))
        if self.evaluation.scale_min >= self.evaluation.scale_max:
            problems.append(("evaluation.scale_max", _("must be greater than scale_min")))
        source = self.source
        if source.effective_from and source.effective_until and source.effective_until < source.effective_from:
            problems.append(("source.effective_until", _("must not be before effective_from")))
        return problems

    def citations(self) -> list[tuple[str, str]]:
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


def _duplicates(path: str, field: str, values: Iterable[Hashable], *, indexed: bool = True) -> list[Problem]:
    seen: set[Hashable] = set()
    problems: list[Problem] = []
    for index, value in enumerate(values):
        if value in seen:
            where = f"{path}.{index}.{field}" if indexed else f"{path}.{field}.{index}"
            problems.append((where, _("duplicate %(field)s '%(value)s'") % {"field": field, "value": value}))
        seen.add(value)
    return problems


class PolicyError(Exception):
    """A policy file that cannot be used.

    ``problems`` pairs each offending key's dotted path (empty for the file as a
    whole) with what is wrong; ``errors`` gives them as ``path: message`` lines.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.errors = [f"{path}: {message}" if path else message for path, message in problems]
        super().__init__("; ".join(self.errors))


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; in a policy that hides a mistake."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        keys: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_policy(text: str) -> Policy:
    """Parse and validate a policy from YAML text; ``PolicyError`` lists every problem by key."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise PolicyError(
            [("", _("not valid YAML (line %(line)d): %(problem)s") % {"line": line, "problem": exc.problem})]
        ) from exc
    except yaml.YAMLError as exc:
        raise PolicyError([("", _("not valid YAML: %(error)s") % {"error": exc})]) from exc
    if not isinstance(data, dict):
        raise PolicyError([("", _("the file must hold a mapping of policy keys"))])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError([problem for error in exc.errors() for problem in _describe(error)]) from exc


def _describe(error: Any) -> list[Problem]:
    if error["type"] == "policy_consistency":
        return [(path, message) for path, message in error["ctx"]["problems"]]
    location = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-after"))
    return [(location, error["msg"])]


def policy_json_schema() -> str:
    """The JSON Schema of the policy format, as committed in ``docs/policy.schema.json``."""
    return json.dumps(Policy.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


SHIPPED_POLICIES_DIR = Path(__file__).resolve().parent / "policies"


def shipped_policy_path(slug: str) -> Path:
    return SHIPPED_POLICIES_DIR / f"{slug}.yaml"
