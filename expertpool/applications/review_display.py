"""How the reviewers' console shows an application: the form grouped as printed, the
eligibility decision with its clauses, and the declarations to confirm.

Presentation only: codes become labels in the reader's language; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from expertpool.applications.models import Application
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.eligibility.views import OUTCOME_LABELS, RULE_LABELS, ReasonRow
from expertpool.experts.models import (
    DEGREE_CHOICES,
    DISTINCTION_CHOICES,
    TITLE_LEVEL_CHOICES,
    AchievementKind,
    CredentialKind,
    EmploymentStatus,
    Gender,
)
from expertpool.industries.models import IndustryCode
from expertpool.organisations.models import Nature
from expertpool.pools.policy import Policy

Labels = dict[str, Any]
GENDERS: Labels = dict(Gender.choices)
EMPLOYMENT: Labels = dict(EmploymentStatus.choices)
NATURES: Labels = dict(Nature.choices)
DEGREES: Labels = dict(DEGREE_CHOICES)
DISTINCTIONS: Labels = dict(DISTINCTION_CHOICES)
TITLE_LEVELS: Labels = dict(TITLE_LEVEL_CHOICES)
CREDENTIAL_KINDS: Labels = dict(CredentialKind.choices)
ACHIEVEMENT_KINDS: Labels = dict(AchievementKind.choices)
DECISION_LABELS: dict[str, Promise] = {**OUTCOME_LABELS, "incomplete": _("Form incomplete")}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _label(labels: Labels, value: Any) -> str:
    """The label of a code, or what was typed if it is not one (drafts keep anything)."""
    text = str(value or "")
    return str(labels.get(text, text))


@dataclass(frozen=True)
class FormField:
    label: str
    value: str
    personal: bool = False


@dataclass(frozen=True)
class FormView:
    """The application form, section by section, as the reviewer reads it."""

    basic: list[FormField]
    contact: list[FormField]
    employer: list[FormField]
    credentials: list[dict[str, str]]
    education: list[dict[str, str]]
    work_history: list[dict[str, str]]
    distinctions: list[str]
    achievements: list[dict[str, str]]
    categories: list[str]
    industry_codes: list[str]
    has_photo: bool


def _rows(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = data.get(key) or []
    return [row for row in rows if isinstance(row, dict) and any(str(v).strip() for v in row.values())]


def _period(row: dict[str, Any]) -> str:
    start, end = str(row.get("start_month") or ""), str(row.get("end_month") or "")
    return f"{start} – {end}" if start or end else "—"


def form_view(application: Application, *, full_personal_data: bool) -> FormView:
    """The form as typed; ID number and mobile masked unless ``full_personal_data``."""
    data = application.form_data
    id_number = application.id_number if full_personal_data else mask_id_number(application.id_number)
    mobile = application.mobile if full_personal_data else mask_phone(application.mobile)
    policy = application.pool.policy.rules
    return FormView(
        basic=[
            FormField(str(_("Name")), str(data.get("name") or "")),
            FormField(str(_("Gender")), _label(GENDERS, data.get("gender"))),
            FormField(str(_("Birth date")), str(data.get("birth_date") or "")),
            FormField(str(_("Ethnicity")), str(data.get("ethnicity") or "")),
            FormField(str(_("Resident ID number")), id_number, personal=True),
        ],
        contact=[
            FormField(str(_("Mobile")), mobile, personal=True),
            FormField(str(_("E-mail")), str(data.get("email") or "")),
            FormField(str(_("Postal address")), str(data.get("address") or "")),
        ],
        employer=[
            FormField(str(_("Employer")), str(data.get("employer_name") or "")),
            FormField(str(_("Unified social credit code")), str(data.get("employer_uscc") or "")),
            FormField(str(_("Nature of the employer")), _label(NATURES, data.get("employer_nature"))),
            FormField(str(_("Position")), str(data.get("position") or "")),
            FormField(str(_("Employment status")), _label(EMPLOYMENT, data.get("employment_status"))),
            FormField(str(_("Current specialty or industry")), str(data.get("current_specialty") or "")),
            FormField(str(_("Years in the field")), str(data.get("field_years") or "")),
        ],
        credentials=[
            {
                "kind": _label(CREDENTIAL_KINDS, row.get("kind")),
                "name": str(row.get("name") or ""),
                "level": _label(TITLE_LEVELS, row.get("level")),
                "certificate_number": str(row.get("certificate_number") or ""),
                "obtained_on": str(row.get("obtained_on") or ""),
                "issuer": str(row.get("issuer") or ""),
            }
            for row in _rows(data, "credentials")
        ],
        education=[
            {
                "period": _period(row),
                "institution": str(row.get("institution") or ""),
                "major": str(row.get("major") or ""),
                "education_level": str(row.get("education_level") or ""),
                "degree": _label(DEGREES, row.get("degree")),
                "is_postdoc": str(_("yes") if row.get("is_postdoc") else _("no")),
            }
            for row in _rows(data, "education")
        ],
        work_history=[
            {
                "period": _period(row),
                "employer_name": str(row.get("employer_name") or ""),
                "position": str(row.get("position") or ""),
            }
            for row in _rows(data, "work_history")
        ],
        distinctions=[_label(DISTINCTIONS, code) for code in data.get("distinctions") or []],
        achievements=[
            {
                "kind": _label(ACHIEVEMENT_KINDS, row.get("kind")),
                "title": str(row.get("title") or ""),
                "year": str(row.get("year") or ""),
                "description": str(row.get("description") or ""),
            }
            for row in _rows(data, "achievements")
        ],
        categories=[_category_name(policy, str(code)) for code in data.get("categories") or []],
        industry_codes=_industry_codes(str(code) for code in data.get("industry_codes") or []),
        has_photo=bool(application.photo),
    )


def _category_name(policy: Policy, code: str) -> str:
    category = policy.category(code)
    if category is None:
        return code
    return category.name_en if _english() else category.name


def _industry_codes(codes: Iterable[str]) -> list[str]:
    wanted = list(codes)
    if not wanted:
        return []
    names = dict(IndustryCode.objects.filter(code__in=wanted).values_list("code", "name"))
    return [f"{code} {names.get(code, '')}".strip() for code in wanted]


@dataclass(frozen=True)
class EligibilityView:
    """A stored eligibility decision (``Decision.as_dict``) as the page shows it."""

    outcome: str
    outcome_label: str
    on_date: str
    rows: list[ReasonRow]
    errors: list[tuple[str, str]]


def eligibility_view(decision: dict[str, Any], policy: Policy) -> EligibilityView | None:
    """The reasons in the reader's language, each with its clause's source text."""
    if not decision:
        return None
    english = _english()
    rows = []
    for reason in decision.get("reasons") or []:
        message = reason.get("message") or {}
        rule = str(reason.get("rule", ""))
        outcome = str(reason.get("outcome", ""))
        rows.append(
            ReasonRow(
                clause=str(reason.get("clause", "")),
                clause_text=policy.clauses.get(str(reason.get("clause", "")), ""),
                rule=rule,
                rule_label=str(RULE_LABELS.get(rule.split(".", 1)[0], rule)),
                outcome=outcome,
                outcome_label=str(OUTCOME_LABELS.get(outcome, outcome)),
                message=str(message.get("en" if english else "zh-hans", "")),
            )
        )
    outcome = str(decision.get("outcome", ""))
    errors = [
        (str(field), str(text))
        for field, messages in (decision.get("errors") or {}).items()
        for text in (messages if isinstance(messages, list) else [messages])
    ]
    return EligibilityView(
        outcome=outcome,
        outcome_label=str(DECISION_LABELS.get(outcome, outcome)),
        on_date=str(decision.get("on_date", "")),
        rows=rows,
        errors=errors,
    )


@dataclass(frozen=True)
class DeclarationItem:
    code: str
    clause: str
    clause_text: str
    text: str
    declared: bool
    checked: bool


def declaration_items(application: Application, checked: Iterable[str] = ()) -> list[DeclarationItem]:
    """The policy's declarations, with whether the applicant ticked each one."""
    policy = application.pool.policy.rules
    declared = set(application.form_data.get("declarations") or [])
    ticked = set(checked)
    english = _english()
    return [
        DeclarationItem(
            code=item.code,
            clause=item.clause,
            clause_text=policy.clauses.get(item.clause, ""),
            text=item.text_en if english else item.text,
            declared=item.code in declared,
            checked=item.code in ticked,
        )
        for item in policy.declarations
    ]


def attachment_names(policy: Policy) -> dict[str, str]:
    english = _english()
    return {item.code: item.name_en if english else item.name for item in policy.attachments}
