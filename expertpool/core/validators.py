"""Checks for Chinese identifiers and contact data.

Each function returns the normalised value or raises ``ValidationError`` whose
message names the rule broken, in the user's language. Input is folded with
NFKC first, because Chinese input methods often produce full-width digits,
letters and punctuation (１２３, Ｘ, ＠).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc

# re.ASCII: str.isdigit() and a plain \d would accept other scripts' digits.
ID_NUMBER_RE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Area codes are 010, 02x or 0xxx; local numbers 7-8 digits; an optional extension.
LANDLINE_RE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))-?([0-9]{7,8})(?:(?:-|转|EXT\.?)([0-9]{1,6}))?", re.ASCII)
INTERNATIONAL_PREFIX_RE = re.compile(r"(?:\+|00)86[\s-]*")
EMAIL_MAX_LENGTH = 254
EARLIEST_BIRTH_YEAR = 1900


def _fold(value: str) -> str:
    """Full-width to ASCII, upper case, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def validate_id_number(value: str) -> str:
    """Validate an 18-character resident ID number (GB 11643).

    python-stdnum rejects a county code that did not exist in the holder's birth
    year, but the code is where the card was *issued*, which may be decades after
    birth (天河区 440106 exists since 1985). We accept any county code that existed
    at some time on or after the birth year.
    """
    number = _fold(value)
    if len(number) != 18:
        raise ValidationError(_("The resident ID number must have 18 characters."), code="length")
    if not ID_NUMBER_RE.fullmatch(number):
        raise ValidationError(_("The resident ID number must be 17 digits followed by a digit or X."), code="format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("The check digit of the resident ID number is wrong."), code="checksum")
    birth_date = _birth_date(number)
    periods = _county_periods(number[:6])
    if not periods:
        raise ValidationError(_("The area code of the resident ID number is not a real county code."), code="area")
    if all(end is not None and end < birth_date.year for _start, end in periods):
        raise ValidationError(
            _("The area code of the resident ID number was abolished before the holder's birth year."),
            code="area_abolished",
        )
    return number


def _birth_date(number: str) -> datetime.date:
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("The resident ID number contains an impossible birth date."), code="birth_date"
        ) from exc
    if birth_date > timezone.localdate() or birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(_("The resident ID number contains an impossible birth date."), code="birth_date")
    return birth_date


def _county_periods(area_code: str) -> list[tuple[int | None, int | None]]:
    """The (first year, last year) spans in which ``area_code`` named a county.

    stdnum's ``cn/loc`` data writes them as ``[1985-]天河区`` or ``[-2010]宣武区``; a
    code reused for another county lists several, comma-separated.
    """
    entries = [
        entry
        for _part, props in numdb.get("cn/loc").info(area_code)
        for entry in props.get("county", "").split(",")
        if entry
    ]
    periods: list[tuple[int | None, int | None]] = []
    for entry in entries:
        if not entry.startswith("["):
            periods.append((None, None))
            continue
        start, end = entry[1:].split("]", 1)[0].split("-", 1)
        periods.append((int(start) if start else None, int(end) if end else None))
    return periods


def id_number_birth_date(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def id_number_gender(number: str) -> str:
    """GB 11643: the 17th digit is odd for men and even for women."""
    return "male" if int(number[16]) % 2 else "female"


def validate_id_number_matches(number: str, *, birth_date: datetime.date | None, gender: str | None) -> None:
    """The ID number must agree with the birth date and gender given beside it."""
    if birth_date is not None and id_number_birth_date(number) != birth_date:
        raise ValidationError(_("The birth date does not match the resident ID number."), code="birth_date_mismatch")
    if gender and id_number_gender(number) != gender:
        raise ValidationError(_("The gender does not match the resident ID number."), code="gender_mismatch")


def validate_uscc(value: str) -> str:
    """Validate an 18-character unified social credit code (GB 32100).

    Not ``stdnum.cn.uscc.validate``: it wants digits in the first two places, but
    registration authorities also use letters there (N: agriculture, Y: other).
    """
    code = _fold(value).replace("-", "")
    if len(code) != 18:
        raise ValidationError(_("The unified social credit code must have 18 characters."), code="length")
    well_formed = (
        all(char in USCC_ALPHABET for char in code) and code[2:8].isascii() and code[2:8].isdigit() and code[0] != "0"
    )
    if not well_formed:
        raise ValidationError(_("The unified social credit code has an invalid format."), code="format")
    if code[-1] != uscc.calc_check_digit(code):
        raise ValidationError(_("The check character of the unified social credit code is wrong."), code="checksum")
    return code


def validate_phone(value: str) -> str:
    """A mainland mobile number (11 digits) or a landline with its area code.

    Returns the mobile's 11 digits, or the landline as ``020-12345678[-ext]``.
    A +86 or 0086 prefix is dropped (and the area code's 0 restored).
    """
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    international = INTERNATIONAL_PREFIX_RE.match(text)
    if international:
        text = text[international.end() :]
    compact = re.sub(r"[\s()]", "", text)
    if MOBILE_RE.fullmatch(compact.replace("-", "")):
        return compact.replace("-", "")
    if international and not compact.startswith("0"):
        compact = "0" + compact
    landline = LANDLINE_RE.fullmatch(compact)
    if landline:
        area, local, extension = landline.groups()
        return f"{area}-{local}" + (f"-{extension}" if extension else "")
    raise ValidationError(_("Enter an 11-digit mobile number or a landline with its area code."), code="phone")


def validate_email(value: str) -> str:
    address = unicodedata.normalize("NFKC", value or "").strip()
    if len(address) > EMAIL_MAX_LENGTH:
        raise ValidationError(_("Enter a valid e-mail address."), code="email")
    try:
        django_validate_email(address)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid e-mail address."), code="email") from exc
    return address.lower()
