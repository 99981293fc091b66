"""Checks for Chinese identifiers and contact data.

Each function returns the normalised value or raises ``ValidationError`` whose
message names the rule broken, in the user's language.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landlines: area code 010 or 0xx(x), optional dash, 7-8 digits, optional extension.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def validate_id_number(value: str) -> str:
    """Validate an 18-character resident ID number (GB 11643).

    python-stdnum rejects a county code that did not exist in the holder's birth
    year, but the code is where the card was *issued*, which may be decades after
    birth (天河区 440106 exists since 1985). We accept any county code that existed
    at some time on or after the birth year.
    """
    number = ric.compact(value or "")
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not number[:-1].isdigit():
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        birth_date = ric.get_birth_date(number)
    except InvalidLength as exc:
        raise ValidationError(_("The resident ID number must have 18 characters."), code="length") from exc
    except InvalidFormat as exc:
        raise ValidationError(
            _("The resident ID number must be 17 digits followed by a digit or X."), code="format"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The check digit of the resident ID number is wrong."), code="checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError(_("The resident ID number contains an impossible birth date."), code="birth_date") from exc
    if birth_date > datetime.date.today() or birth_date.year < 1900:
        raise ValidationError(_("The resident ID number contains an impossible birth date."), code="birth_date")
    if not _county_existed_since(number[:6], birth_date.year):
        raise ValidationError(_("The area code of the resident ID number is not a real county code."), code="area")
    return number


def _county_existed_since(area_code: str, year: int) -> bool:
    results = numdb.get("cn/loc").info(area_code)
    counties = [props["county"] for _part, props in results if "county" in props]
    for entry in ",".join(counties).split(","):
        if not entry:
            continue
        if not entry.startswith("["):
            return True
        start_end = entry[1:].split("]", 1)[0]
        end = start_end.split("-", 1)[1]
        if not end or int(end) >= year:
            return True
    return False


def id_number_birth_date(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def id_number_gender(number: str) -> str:
    """GB 11643: the 17th digit is odd for men and even for women."""
    return "male" if int(number[16]) % 2 else "female"


def validate_id_number_matches(number: str, *, birth_date: datetime.date | None, gender: str | None) -> None:
    """The ID number must agree with the birth date and gender given beside it."""
    if birth_date is not None and id_number_birth_date(number) != birth_date:
        raise ValidationError(
            _("The birth date does not match the resident ID number."), code="birth_date_mismatch"
        )
    if gender and id_number_gender(number) != gender:
        raise ValidationError(_("The gender does not match the resident ID number."), code="gender_mismatch")


def validate_uscc(value: str) -> str:
    """Validate an 18-character unified social credit code (GB 32100)."""
    try:
        return str(uscc.validate(value or ""))
    except InvalidLength as exc:
        raise ValidationError(_("The unified social credit code must have 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong."), code="checksum"
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _("The unified social credit code has an invalid format."), code="format"
        ) from exc


def validate_phone(value: str) -> str:
    """A mainland mobile number (11 digits) or a landline with area code."""
    number = re.sub(r"[\s()]", "", value or "").removeprefix("+86")
    if MOBILE_RE.match(number) or LANDLINE_RE.match(number):
        return number
    raise ValidationError(
        _("Enter an 11-digit mobile number or a landline with its area code."), code="phone"
    )


def validate_email(value: str) -> str:
    address = (value or "").strip()
    try:
        django_validate_email(address)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid e-mail address."), code="email") from exc
    return address.lower()
