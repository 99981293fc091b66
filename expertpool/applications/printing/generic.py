"""A plain form for a pool whose policy has no printed form of its own: one row per
field of the policy's ``form``, in its order, then the pledge and the unit's opinion.

Unlike the source forms, its labels are the platform's own and go through gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertpool.applications.printing.layout import Cell, Page, Row, box, label, value
from expertpool.experts.models import DISTINCTION_CHOICES, EmploymentStatus, Gender
from expertpool.organisations.models import Nature
from expertpool.pools.policy import FormFieldKey

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from expertpool.applications.printing.values import FormValues
    from expertpool.pools.policy import Policy

COLUMNS = (25, 75)
LABELS: dict[FormFieldKey, _StrPromise] = {
    FormFieldKey.NAME: gettext_lazy("Name"),
    FormFieldKey.GENDER: gettext_lazy("Gender"),
    FormFieldKey.BIRTH_DATE: gettext_lazy("Date of birth"),
    FormFieldKey.ETHNICITY: gettext_lazy("Ethnicity"),
    FormFieldKey.ID_NUMBER: gettext_lazy("Resident ID number"),
    FormFieldKey.PHOTO: gettext_lazy("Photo"),
    FormFieldKey.EMPLOYER: gettext_lazy("Employer"),
    FormFieldKey.EMPLOYER_NATURE: gettext_lazy("Nature of the employer"),
    FormFieldKey.POSITION: gettext_lazy("Position"),
    FormFieldKey.EMPLOYMENT_STATUS: gettext_lazy("Employment status"),
    FormFieldKey.TITLE: gettext_lazy("Professional title"),
    FormFieldKey.TITLE_OBTAINED_ON: gettext_lazy("Title obtained on"),
    FormFieldKey.QUALIFICATIONS: gettext_lazy("Qualifications"),
    FormFieldKey.CURRENT_SPECIALTY: gettext_lazy("Current specialty"),
    FormFieldKey.FIELD_YEARS: gettext_lazy("Years in the field"),
    FormFieldKey.ADDRESS: gettext_lazy("Postal address"),
    FormFieldKey.MOBILE: gettext_lazy("Mobile phone"),
    FormFieldKey.EMAIL: gettext_lazy("E-mail"),
    FormFieldKey.EDUCATION: gettext_lazy("Education"),
    FormFieldKey.WORK_HISTORY: gettext_lazy("Work history"),
    FormFieldKey.ACHIEVEMENTS: gettext_lazy("Achievements"),
    FormFieldKey.DISTINCTIONS: gettext_lazy("Distinctions"),
    FormFieldKey.CATEGORIES: gettext_lazy("Categories"),
    FormFieldKey.INDUSTRY_CODES: gettext_lazy("Industry codes"),
}


def title(rules: Policy) -> str:
    return _("%(pool)s: application form") % {"pool": rules.name}


def pages(values: FormValues, rules: Policy) -> tuple[Page, ...]:
    rows: list[Row] = [
        (label(str(LABELS[field.key])), _cell(field.key, values, rules))
        for field in rules.form
        # The date a title was obtained is printed with the title.
        if field.key != FormFieldKey.TITLE_OBTAINED_ON
    ]
    rows.append(
        (
            label(_("Pledge")),
            Cell(lines=(rules.pledge.text.strip(),), signature=(_("Signature:"), _("Date:"))),
        )
    )
    rows.append((label(_("Unit opinion")), Cell(signature=(_("Unit (stamp):"), _("Date:")), height=30)))
    return (Page(title=(title(rules),), columns=COLUMNS, rows=tuple(rows)),)


def _cell(key: FormFieldKey, values: FormValues, rules: Policy) -> Cell:
    if key == FormFieldKey.PHOTO:
        return Cell(role="photo")
    if key == FormFieldKey.CATEGORIES:
        chosen = values.codes("categories")
        return value(*(box(item.code in chosen, item.name) for item in rules.categories.items))
    reader = READERS.get(key)
    return value(*reader(values)) if reader else value(values.text(key.value))


def _choices(chosen: str, choices: Iterable[tuple[str, object]]) -> list[str]:
    return ["　".join(box(code == chosen, str(name)) for code, name in choices)]


READERS: dict[FormFieldKey, Callable[[FormValues], list[str]]] = {
    FormFieldKey.GENDER: lambda v: [str(dict(Gender.choices).get(v.text("gender"), ""))],
    FormFieldKey.BIRTH_DATE: lambda v: [v.birth_month],
    FormFieldKey.ID_NUMBER: lambda v: [v.id_number],
    FormFieldKey.MOBILE: lambda v: [v.mobile],
    FormFieldKey.EMPLOYER: lambda v: [v.text("employer_name")],
    FormFieldKey.EMPLOYER_NATURE: lambda v: _choices(v.text("employer_nature"), Nature.choices),
    FormFieldKey.EMPLOYMENT_STATUS: lambda v: _choices(v.employment, EmploymentStatus.choices),
    FormFieldKey.TITLE: lambda v: [v.titles_with_dates()],
    FormFieldKey.QUALIFICATIONS: lambda v: [v.qualifications_with_numbers()],
    FormFieldKey.EDUCATION: lambda v: ["　".join(filter(None, (r.period, r.first, r.second))) for r in v.education()],
    FormFieldKey.WORK_HISTORY: lambda v: [
        "　".join(filter(None, (r.period, r.first, r.second))) for r in v.work_history()
    ],
    FormFieldKey.ACHIEVEMENTS: lambda v: v.achievements(),
    FormFieldKey.DISTINCTIONS: lambda v: [
        box(code in v.codes("distinctions"), str(name)) for code, name in DISTINCTION_CHOICES
    ],
    FormFieldKey.INDUSTRY_CODES: lambda v: [v.industries()],
}
