"""Reading an application's form as the registry's ``ExpertRecord``.

``form_data`` keeps what the applicant typed, under the field names of
``ExpertRecord`` (and of the expert API); rows are lists of objects, dates are
ISO strings. Nothing here writes: it reads and reports problems by field.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.utils.translation import gettext as _

from expertpool.applications.models import Application
from expertpool.experts.records import AchievementRow, CredentialRow, EducationRow, ExpertRecord, WorkRow

FieldErrors = dict[str, list[str]]

ROW_TYPES: dict[str, type[Any]] = {
    "education": EducationRow,
    "work_history": WorkRow,
    "credentials": CredentialRow,
    "achievements": AchievementRow,
}
DATE_FIELDS = frozenset({"birth_date", "start_month", "end_month", "obtained_on"})


def record_from_application(application: Application) -> tuple[ExpertRecord | None, FieldErrors]:
    """The form as an ``ExpertRecord``, or the fields that cannot be read."""
    data = application.form_data
    errors: FieldErrors = {}
    values: dict[str, Any] = {}
    for field in ExpertRecord.__dataclass_fields__:
        if field in ROW_TYPES:
            values[field] = tuple(_rows(field, data.get(field) or [], errors))
        elif field in {"id_number", "mobile"}:
            values[field] = getattr(application, field)
        elif field in {"distinctions", "categories", "industry_codes"}:
            values[field] = tuple(str(item) for item in data.get(field) or [])
        elif field == "field_years":
            values[field] = _integer(field, data.get(field), errors)
        elif field in DATE_FIELDS:
            values[field] = _date(field, data.get(field), errors, required=True)
        elif field in data or _has_no_default(field):
            values[field] = str(data.get(field) or "")
    if errors:
        return None, errors
    return ExpertRecord(**values), {}


def _has_no_default(field: str) -> bool:
    return ExpertRecord.__dataclass_fields__[field].default is dataclasses.MISSING


def _rows(field: str, rows: list[Any], errors: FieldErrors) -> list[Any]:
    row_type = ROW_TYPES[field]
    allowed = set(row_type.__dataclass_fields__)
    built = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not any(str(value).strip() for value in row.values()):
            continue  # an empty row left in the form is not an error
        values: dict[str, Any] = {}
        for key, value in row.items():
            if key not in allowed:
                continue
            if key in DATE_FIELDS:
                values[key] = _date(f"{field}.{index}.{key}", value, errors, required=False)
            elif key == "year":
                values[key] = _integer(f"{field}.{index}.{key}", value, errors) if value not in ("", None) else None
            elif key == "is_postdoc":
                values[key] = bool(value)
            else:
                values[key] = str(value or "")
        built.append(row_type(**values))
    return built


def _date(field: str, value: Any, errors: FieldErrors, *, required: bool) -> datetime.date | None:
    if value in ("", None):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    text = str(value)
    try:
        # Month fields (YYYY-MM) are read as the first of the month.
        return datetime.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def _integer(field: str, value: Any, errors: FieldErrors) -> int:
    try:
        # Left out (None) or left empty: no years, as in the registry.
        number = int(str("" if value is None else value).strip() or 0)
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a whole number."))
        return 0
    if number < 0:
        errors.setdefault(field, []).append(_("Enter a whole number."))
    return max(number, 0)
