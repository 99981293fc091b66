"""The online application form: built from the pool's policy, read back into ``form_data``.

Nothing here rejects input. A draft keeps whatever was typed
(``application_save_draft``); the policy's rules run when the applicant checks or
submits (``application_form_errors``). Django forms only render the widgets: every
field is optional free text, so a bound form is always valid and nothing typed is
dropped. Repeatable rows are posted as ``<group>-<index>-<field>``; the names of
the stored keys are ExpertRecord's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from expertpool.applications.models import Application
from expertpool.experts.models import (
    DEGREE_CHOICES,
    DISTINCTION_CHOICES,
    TITLE_LEVEL_CHOICES,
    AchievementKind,
    EmploymentStatus,
    Gender,
)
from expertpool.industries.models import IndustryCode
from expertpool.industries.selectors import CODE_RE
from expertpool.organisations.models import Nature
from expertpool.pools.policy import Distinction, FormFieldKey, Policy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Key = FormFieldKey
MAX_ROWS = 50
BLANK = ("", "—")
# Self-certified distinctions only: a scarce specialty is the managing body's judgement.
SELF_DECLARED_DISTINCTIONS = [
    (code, label) for code, label in DISTINCTION_CHOICES if code != Distinction.SCARCE_SPECIALTY
]

LABELS: dict[str, StrOrPromise] = {
    "name": _("Name"),
    "gender": _("Gender"),
    "birth_date": _("Birth date"),
    "ethnicity": _("Ethnicity"),
    "id_number": _("Resident ID number"),
    "photo": _("Photo"),
    "employer": _("Employer"),
    "employer_uscc": _("Unified social credit code"),
    "employer_nature": _("Nature of the employer"),
    "position": _("Position"),
    "employment_status": _("Employment status"),
    "title": _("Professional titles"),
    "title_obtained_on": _("Date the title was obtained"),
    "qualifications": _("Professional qualifications"),
    "credentials": _("Titles and qualifications"),
    "current_specialty": _("Current specialty or industry"),
    "field_years": _("Years in the field"),
    "address": _("Postal address"),
    "mobile": _("Mobile"),
    "email": _("E-mail"),
    "education": _("Education"),
    "work_history": _("Work history"),
    "achievements": _("Achievements"),
    "distinctions": _("Distinctions"),
    "categories": _("Categories"),
    "industry_codes": _("Industry codes (GB/T 4754-2017)"),
    "declarations": _("Declarations"),
    "pledge": _("Pledge"),
}


def english() -> bool:
    return (get_language() or "").startswith("en")


def _text(label: StrOrPromise, **attrs: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


def _choice(label: StrOrPromise, choices: Iterable[tuple[str, Any]], *, radio: bool = False) -> forms.CharField:
    # A CharField with a choice widget: an unexpected value is kept, never refused.
    widget = forms.RadioSelect(choices=list(choices)) if radio else forms.Select(choices=[BLANK, *choices])
    return forms.CharField(label=label, required=False, widget=widget)


def _month(label: StrOrPromise) -> forms.CharField:
    return _text(label, type="month", placeholder="YYYY-MM")


def _date(label: StrOrPromise) -> forms.CharField:
    return _text(label, type="date", placeholder="YYYY-MM-DD")


# Rows ----------------------------------------------------------------------------


class RowForm(forms.Form):
    """One row of a repeatable group; ``row()`` is what the draft stores."""

    use_required_attribute = False
    numbers: ClassVar[frozenset[str]] = frozenset()

    def row(self) -> dict[str, Any]:
        self.is_valid()
        return {
            name: typed_number(value) if name in self.numbers else value for name, value in self.cleaned_data.items()
        }


class EducationRowForm(RowForm):
    start_month = _month(_("From"))
    end_month = _month(_("To"))
    institution = _text(_("Institution"))
    major = _text(_("Major"))
    education_level = _text(_("Education"))
    degree = _choice(_("Degree"), DEGREE_CHOICES)
    is_postdoc = forms.BooleanField(label=_("Postdoctoral"), required=False)


class WorkRowForm(RowForm):
    start_month = _month(_("From"))
    end_month = _month(_("To"))
    employer_name = _text(_("Employer"))
    position = _text(_("Position or title"))


class TitleRowForm(RowForm):
    name = _text(_("Title"))
    level = _choice(_("Title level"), [c for c in TITLE_LEVEL_CHOICES if c[0] != "none"])
    obtained_on = _date(_("Date obtained"))
    certificate_number = _text(_("Certificate number"))


class QualificationRowForm(RowForm):
    name = _text(_("Qualification"))
    certificate_number = _text(_("Certificate number"))
    obtained_on = _date(_("Date obtained"))


class AchievementRowForm(RowForm):
    numbers = frozenset({"year"})
    kind = _choice(_("Kind"), AchievementKind.choices)
    title = _text(pgettext_lazy("name of a document or activity", "Title"))
    year = _text(_("Year"), inputmode="numeric")
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@dataclass(frozen=True)
class RowGroup:
    code: str
    key: Key  # the policy's form field that asks for these rows
    form_class: type[RowForm]
    stored_in: str
    credential_kind: str = ""

    def stored_rows(self, form_data: dict[str, Any]) -> list[dict[str, Any]]:
        rows = [row for row in form_data.get(self.stored_in) or [] if isinstance(row, dict)]
        if self.credential_kind:
            rows = [row for row in rows if row.get("kind") == self.credential_kind]
        return rows

    def form(self, index: int, initial: dict[str, Any] | None = None) -> RowForm:
        return self.form_class(initial=initial, prefix=f"{self.code}-{index}")

    def posted_rows(self, data: QueryDict) -> list[dict[str, Any]]:
        """The group's non-empty rows in the posted order, whatever their indices."""
        pattern = re.compile(rf"^{self.code}-(\d+)-")
        indices = sorted({int(match.group(1)) for key in data if (match := pattern.match(key))})[:MAX_ROWS]
        rows = []
        for index in indices:
            row = self.form_class(data, prefix=f"{self.code}-{index}").row()
            if any(value not in ("", None, False) for value in row.values()):
                rows.append({"kind": self.credential_kind, **row} if self.credential_kind else row)
        return rows


ROW_GROUPS = (
    RowGroup("education", Key.EDUCATION, EducationRowForm, "education"),
    RowGroup("work_history", Key.WORK_HISTORY, WorkRowForm, "work_history"),
    RowGroup("titles", Key.TITLE, TitleRowForm, "credentials", credential_kind="title"),
    RowGroup("qualifications", Key.QUALIFICATIONS, QualificationRowForm, "credentials", "qualification"),
    RowGroup("achievements", Key.ACHIEVEMENTS, AchievementRowForm, "achievements"),
)


def row_groups(policy: Policy) -> dict[str, RowGroup]:
    keys = {form_field.key for form_field in policy.form}
    return {group.code: group for group in ROW_GROUPS if group.key in keys}


# Single fields ---------------------------------------------------------------------

SINGLE_FIELDS: dict[Key, tuple[tuple[str, Callable[[], forms.Field]], ...]] = {
    Key.NAME: (("name", lambda: _text(LABELS["name"], autocomplete="name")),),
    Key.GENDER: (("gender", lambda: _choice(LABELS["gender"], Gender.choices, radio=True)),),
    Key.BIRTH_DATE: (("birth_date", lambda: _date(LABELS["birth_date"])),),
    Key.ETHNICITY: (("ethnicity", lambda: _text(LABELS["ethnicity"])),),
    Key.ID_NUMBER: (("id_number", lambda: _text(LABELS["id_number"], autocomplete="off", maxlength="18")),),
    Key.EMPLOYER: (
        ("employer_name", lambda: _text(_("Employer name"), autocomplete="organization")),
        ("employer_uscc", lambda: _text(LABELS["employer_uscc"], maxlength="18")),
    ),
    Key.EMPLOYER_NATURE: (("employer_nature", lambda: _choice(LABELS["employer_nature"], Nature.choices)),),
    Key.POSITION: (("position", lambda: _text(LABELS["position"])),),
    Key.EMPLOYMENT_STATUS: (
        (
            "employment_status",
            lambda: _choice(
                LABELS["employment_status"],
                [(s.value, s.label) for s in (EmploymentStatus.IN_SERVICE, EmploymentStatus.RETIRED)],
                radio=True,
            ),
        ),
    ),
    Key.CURRENT_SPECIALTY: (("current_specialty", lambda: _text(LABELS["current_specialty"])),),
    Key.FIELD_YEARS: (("field_years", lambda: _text(LABELS["field_years"], inputmode="numeric")),),
    Key.ADDRESS: (("address", lambda: _text(LABELS["address"], autocomplete="street-address")),),
    Key.MOBILE: (("mobile", lambda: _text(LABELS["mobile"], type="tel", autocomplete="tel")),),
    Key.EMAIL: (("email", lambda: _text(LABELS["email"], type="email", autocomplete="email")),),
}
PERSONAL_FIELDS = frozenset({"id_number", "mobile"})
NUMBER_FIELDS = frozenset({"field_years"})


class ApplicationForm(forms.Form):
    """The form's single-value fields, those the pool's policy asks for."""

    use_required_attribute = False

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in policy.form:
            for name, make in SINGLE_FIELDS.get(form_field.key, ()):
                self.fields[name] = make()


def typed_number(value: Any) -> Any:
    """A whole number as a number (the eligibility engine needs one); anything else as typed."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return int(text) if re.fullmatch(r"[0-9]{1,4}", text) else text


def industry_codes_from_text(text: str) -> list[str]:
    """Codes typed or picked, in order, once each; ``C3211`` is read as ``3211``."""
    codes: list[str] = []
    for token in re.split(r"[\s,，、;；]+", unicodedata.normalize("NFKC", text or "").upper()):
        match = CODE_RE.match(token)
        code = match.group(1) if match else token
        if code and code not in codes:
            codes.append(code)
    return codes


def _known(values: Iterable[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    return list(dict.fromkeys(value for value in values if value in allowed))


@dataclass(frozen=True)
class Draft:
    form_data: dict[str, Any]
    id_number: str
    mobile: str


def draft_from_post(data: QueryDict, *, application: Application) -> Draft:
    """What the applicant typed, as the draft stores it. Keys the form does not show
    (set elsewhere, e.g. by an invitation) are kept."""
    policy = application.pool.policy.rules
    keys = {form_field.key for form_field in policy.form}
    form = ApplicationForm(data, policy=policy)
    form.is_valid()
    values = dict(application.form_data)
    for name, value in form.cleaned_data.items():
        if name not in PERSONAL_FIELDS:
            values[name] = typed_number(value) if name in NUMBER_FIELDS else value
    groups = row_groups(policy)
    if any(group.stored_in == "credentials" for group in groups.values()):
        values["credentials"] = [
            row for group in groups.values() if group.stored_in == "credentials" for row in group.posted_rows(data)
        ]
    for group in groups.values():
        if group.stored_in != "credentials":
            values[group.stored_in] = group.posted_rows(data)
    if Key.DISTINCTIONS in keys:
        values["distinctions"] = _known(data.getlist("distinctions"), (code for code, _l in SELF_DECLARED_DISTINCTIONS))
    if Key.CATEGORIES in keys:
        values["categories"] = _known(data.getlist("categories"), (c.code for c in policy.categories.items))
    if Key.INDUSTRY_CODES in keys:
        values["industry_codes"] = industry_codes_from_text(data.get("industry_codes", ""))
    values["declarations"] = _known(data.getlist("declarations"), (d.code for d in policy.declarations))
    return Draft(
        form_data=values,
        id_number=form.cleaned_data.get("id_number", application.id_number),
        mobile=form.cleaned_data.get("mobile", application.mobile),
    )


# Presentation ------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryChoice:
    code: str
    name: str
    subfields: list[str]
    clause: str
    needs_industry_codes: bool
    checked: bool
    disabled: bool


@dataclass(frozen=True)
class CategoryPanel:
    """The categories with the policy's limit applied: at the limit, the rest are disabled."""

    items: list[CategoryChoice]
    limit: int | None
    chosen: int
    clause: str


def category_panel(policy: Policy, chosen: Iterable[str]) -> CategoryPanel:
    picked = set(chosen) & {item.code for item in policy.categories.items}
    limit = policy.categories.max_per_expert
    full = limit is not None and len(picked) >= limit
    return CategoryPanel(
        items=[
            CategoryChoice(
                code=item.code,
                name=item.name_en if english() else item.name,
                subfields=item.subfields,
                clause=item.clause,
                needs_industry_codes=item.requires_industry_codes,
                checked=item.code in picked,
                disabled=full and item.code not in picked,
            )
            for item in policy.categories.items
        ],
        limit=limit,
        chosen=len(picked),
        clause=policy.categories.clause,
    )


@dataclass(frozen=True)
class IndustryChip:
    code: str
    name: str
    known: bool


def industry_chips(codes: list[str]) -> list[IndustryChip]:
    names = dict(IndustryCode.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return [IndustryChip(code=code, name=names.get(code, ""), known=code in names) for code in codes]


@dataclass
class Block:
    """One field of the policy's form as the page shows it, in the policy's order."""

    key: str
    label: str
    required: bool
    clause: str
    template: str
    errors: list[str] = field(default_factory=list)
    fields: list[forms.BoundField] = field(default_factory=list)
    group: RowGroup | None = None
    rows: list[RowForm] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def form_initial(application: Application) -> dict[str, Any]:
    return {**application.form_data, "id_number": application.id_number, "mobile": application.mobile}


def form_blocks(application: Application, *, errors: dict[str, list[str]], extra_rows: str = "") -> list[Block]:
    """The form's blocks; each repeatable group shows its rows plus one empty row
    (two for ``extra_rows``), so that a row can be added without JavaScript."""
    policy = application.pool.policy.rules
    data = application.form_data
    form = ApplicationForm(initial=form_initial(application), policy=policy)
    groups = {group.key: group for group in row_groups(policy).values()}
    blocks = []
    for form_field in policy.form:
        key = form_field.key
        block = Block(
            key=key.value,
            label=str(LABELS[key.value]),
            required=form_field.required,
            clause=form_field.clause,
            template="applications/form/_fields.html",
            errors=errors.get(key.value, []),
        )
        if key in SINGLE_FIELDS:
            block.fields = [form[name] for name, _make in SINGLE_FIELDS[key]]
        elif key in groups:
            group = groups[key]
            stored = group.stored_rows(data)
            empty = 2 if extra_rows == group.code else 1
            block.template, block.group = "applications/form/_rows.html", group
            block.rows = [group.form(i, row) for i, row in enumerate(stored)]
            block.rows += [group.form(len(stored) + i) for i in range(empty)]
        elif key == Key.PHOTO:
            block.template = "applications/form/_photo.html"
        elif key == Key.DISTINCTIONS:
            block.template = "applications/form/_distinctions.html"
            block.extra = {"choices": SELF_DECLARED_DISTINCTIONS, "chosen": data.get("distinctions") or []}
        elif key == Key.CATEGORIES:
            block.template = "applications/form/_categories.html"
            block.extra = {"panel": category_panel(policy, data.get("categories") or [])}
        elif key == Key.INDUSTRY_CODES:
            codes = [str(code) for code in data.get("industry_codes") or []]
            block.template = "applications/form/_industry_codes.html"
            block.extra = {"chips": industry_chips(codes), "text": " ".join(codes)}
        else:
            continue  # title_obtained_on: a column of the title rows
        blocks.append(block)
    return blocks


# Where each error key of ``application_form_errors`` is shown, when not under its own name.
ERROR_SLOTS = {
    "employer_name": "employer",
    "employer_uscc": "employer",
    "title_obtained_on": "title",
    "credentials": "title",
}


def error_slot(key: str, shown: set[str]) -> str:
    """The block an error belongs to; ``other`` when no block shows that field."""
    if key.startswith("attachment.") or key in {"pledge", "declarations"}:
        return key
    head = key.split(".", 1)[0]
    slot = ERROR_SLOTS.get(head, head)
    if slot == "title" and "title" not in shown:
        slot = "qualifications"
    if slot == "employer_nature" and slot not in shown:
        slot = "employer"
    return slot if slot in shown else "other"


def errors_by_slot(errors: dict[str, list[str]], shown: set[str]) -> dict[str, list[str]]:
    slots: dict[str, list[str]] = {}
    for key, messages in errors.items():
        slots.setdefault(error_slot(key, shown), []).extend(messages)
    return slots


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("Yes, withdraw my application"), required=True)
