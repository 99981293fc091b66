"""The profile the eligibility engine judges, and how it is read from JSON or the registry.

The field names are the expert API's. Parsing checks types, choices and the
pool's own codes, and reports every problem at once, field by field; whether
the profile meets the policy is the engine's question, not the parser's.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertpool.core.validators import validate_id_number, validate_id_number_matches
from expertpool.experts.models import CredentialKind, Gender, Membership
from expertpool.industries.models import IndustryCode
from expertpool.pools.policy import Degree, Distinction, Policy, TitleLevel

GENDERS = tuple(Gender.values)
MAX_FIELD_YEARS = 80
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

UNKNOWN_CATEGORY = gettext_lazy("Unknown category for this pool: %(codes)s (allowed: %(known)s).")
UNKNOWN_DECLARATION = gettext_lazy("Unknown declaration for this pool: %(codes)s (allowed: %(known)s).")

FieldErrors = dict[str, list[str]]
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    birth_date: datetime.date
    title_level: TitleLevel
    field_years: int
    degree: Degree = Degree.OTHER
    postdoc: bool = False
    qualifications: tuple[str, ...] = ()
    distinctions: tuple[Distinction, ...] = ()
    categories: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    declarations: tuple[str, ...] = ()
    gender: str | None = None
    id_number: str | None = None


class ProfileError(Exception):
    """Input that is not a usable profile; ``errors`` maps each field to its messages."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


def parse_profile(data: Mapping[str, Any], *, policy: Policy) -> Profile:
    """Read a profile from JSON-like ``data`` for a pool run under ``policy``.

    Keys the profile does not use (a full expert record's ``name``, ``mobile``…)
    are ignored. Raises ``ProfileError`` naming every bad field.
    """
    if not isinstance(data, Mapping):
        raise ProfileError({"non_field_errors": [_("The profile must be a JSON object.")]})
    reader = _Reader(data)
    birth_date = reader.required("birth_date", _date)
    if birth_date is not None and birth_date > timezone.localdate():
        reader.error("birth_date", _("The birth date cannot be in the future."))
    gender = reader.optional("gender", _choice_of(GENDERS), None)
    categories = _known_codes(tuple(c.code for c in policy.categories.items), UNKNOWN_CATEGORY)
    declarations = _known_codes(tuple(d.code for d in policy.declarations), UNKNOWN_DECLARATION)
    # The ``or`` fallbacks only satisfy the types: any error raises below.
    profile = Profile(
        birth_date=birth_date or datetime.date.min,
        title_level=reader.required("title_level", _enum(TitleLevel)) or TitleLevel.NONE,
        field_years=reader.required("field_years", _field_years) or 0,
        degree=reader.optional("degree", _enum(Degree), Degree.OTHER),
        postdoc=reader.optional("postdoc", _boolean, False),
        qualifications=reader.optional("qualifications", _text_list, ()),
        distinctions=reader.optional("distinctions", _enum_list(Distinction), ()),
        categories=reader.required("categories", categories) or (),
        industry_codes=reader.optional("industry_codes", _industry_codes, ()),
        declarations=reader.optional("declarations", declarations, ()),
        gender=gender,
        id_number=reader.optional("id_number", _id_number(birth_date, gender), None),
    )
    if reader.errors:
        raise ProfileError(reader.errors)
    return profile


def parse_on_date(value: object) -> datetime.date | None:
    """The optional date to judge on (``on_date``); ``None`` means today."""
    if value is None or value == "":
        return None
    try:
        return _date(value)
    except ValidationError as exc:
        raise ProfileError({"on_date": exc.messages}) from exc


def profile_from_membership(membership: Membership) -> Profile:
    """The profile of a registered member, for re-checking members against the policy.

    The registry does not keep declarations: members had theirs confirmed in
    qualification review. The profile's declarations are therefore empty, so
    a decision on it fails every declaration; callers re-checking members (age,
    category limit) read the reasons of the rules they re-check.
    """
    expert = membership.expert
    return Profile(
        birth_date=expert.birth_date,
        title_level=TitleLevel(expert.title_level),
        field_years=expert.field_years,
        degree=Degree(expert.degree),
        postdoc=expert.postdoc,
        qualifications=tuple(c.name for c in expert.credentials.all() if c.kind == CredentialKind.QUALIFICATION),
        distinctions=tuple(Distinction(d.kind) for d in expert.distinctions.all()),
        categories=tuple(c.code for c in membership.categories.all()),
        industry_codes=tuple(i.code for i in membership.industry_codes.all()),
        declarations=(),
        gender=expert.gender or None,
        id_number=expert.id_number or None,
    )


class _Reader:
    """Collects each field's value or its errors, so that all errors are reported together."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: FieldErrors = {}

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def required(self, field: str, parse: Callable[[Any], T]) -> T | None:
        if self.data.get(field) in (None, "", []):
            self.error(field, _("This field is required."))
            return None
        return self._parse(field, parse)

    def optional(self, field: str, parse: Callable[[Any], T], default: T) -> T:
        # Forms and spreadsheets send "" for a field left empty: the same as leaving it out.
        if self.data.get(field) in (None, ""):
            return default
        value = self._parse(field, parse)
        return default if value is None else value

    def _parse(self, field: str, parse: Callable[[Any], T]) -> T | None:
        try:
            return parse(self.data[field])
        except ValidationError as exc:
            for message in exc.messages:
                self.error(field, message)
            return None


def _date(value: object) -> datetime.date:
    if not isinstance(value, str) or not ISO_DATE_RE.match(value):
        raise ValidationError(_("Enter the date as YYYY-MM-DD."))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(_("%(value)s is not a real date.") % {"value": value}) from exc


def _choice_of(choices: tuple[str, ...]) -> Callable[[object], str]:
    def parse(value: object) -> str:
        if value not in choices:
            raise ValidationError(_("Must be one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return str(value)

    return parse


def _enum(enum: type[E]) -> Callable[[object], E]:
    choices = tuple(member.value for member in enum)

    def parse(value: object) -> E:
        return enum(_choice_of(choices)(value))

    return parse


def _field_years(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(_("Must be a whole number of years."))
    if not 0 <= value <= MAX_FIELD_YEARS:
        raise ValidationError(_("Must be between %(min)d and %(max)d.") % {"min": 0, "max": MAX_FIELD_YEARS})
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("Must be true or false."))
    return value


def _text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError(_("Must be a list of non-empty texts."))
    # Order kept, duplicates dropped: a repeated code is not a second choice.
    return tuple(dict.fromkeys(item.strip() for item in value))


def _enum_list(enum: type[E]) -> Callable[[object], tuple[E, ...]]:
    choices = tuple(member.value for member in enum)

    def parse(value: object) -> tuple[E, ...]:
        items = _text_list(value)
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise ValidationError(
                _("Unknown value: %(values)s (allowed: %(choices)s).")
                % {"values": ", ".join(unknown), "choices": ", ".join(choices)}
            )
        return tuple(enum(item) for item in items)

    return parse


def _known_codes(known: tuple[str, ...], message: Promise) -> Callable[[object], tuple[str, ...]]:
    def parse(value: object) -> tuple[str, ...]:
        codes = _text_list(value)
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValidationError(str(message) % {"codes": ", ".join(unknown), "known": ", ".join(known)})
        return codes

    return parse


def _industry_codes(value: object) -> tuple[str, ...]:
    codes = _text_list(value)
    found = set(IndustryCode.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(_("Unknown GB/T 4754-2017 industry code: %(codes)s.") % {"codes": ", ".join(unknown)})
    return codes


def _id_number(birth_date: datetime.date | None, gender: str | None) -> Callable[[object], str]:
    def parse(value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(_("Must be a text."))
        number = validate_id_number(value)
        validate_id_number_matches(number, birth_date=birth_date, gender=gender)
        return number

    return parse
