"""Resident ID numbers, USCCs, phones and e-mail addresses: accepted, normalised or refused by rule."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

from expertpool.core.identifiers import make_id_number, make_uscc
from expertpool.core.validators import (
    id_number_gender,
    validate_email,
    validate_id_number,
    validate_id_number_matches,
    validate_phone,
    validate_uscc,
)


def id_number(
    area_code: str = "440106", birth: datetime.date = datetime.date(1970, 5, 17), gender: str = "male"
) -> str:
    return make_id_number(area_code=area_code, birth_date=birth, sequence=7, gender=gender)


def refusal(func: object, value: str) -> str:
    assert callable(func)
    with pytest.raises(ValidationError) as excinfo:
        func(value)
    return str(excinfo.value.code)


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


# Resident ID numbers


@pytest.mark.parametrize(
    "number",
    [
        "360426199101010071",  # python-stdnum's own example
        "11010519491231002X",  # an X check digit
        id_number("440106", datetime.date(1990, 2, 28), "female"),
    ],
)
def test_valid_id_numbers_are_accepted(number: str) -> None:
    assert validate_id_number(number) == number


def test_id_number_is_normalised_from_full_width_and_lower_case_x() -> None:
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert validate_id_number(full_width) == "11010519491231002X"
    assert validate_id_number(" 110105 19491231 002x ") == "11010519491231002X"


def test_id_number_with_wrong_check_digit_is_refused() -> None:
    number = id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert refusal(validate_id_number, wrong) == "checksum"


@pytest.mark.parametrize("number", ["", "44010619700517", "4401061970051700711", "440106700517001"])
def test_id_number_of_wrong_length_is_refused(number: str) -> None:
    assert refusal(validate_id_number, number) == "length"


@pytest.mark.parametrize("number", ["44010619700517A011", "X40106197005170011", "44010619700517001Y"])
def test_id_number_with_letters_is_refused(number: str) -> None:
    assert refusal(validate_id_number, number) == "format"


def test_id_number_with_other_scripts_digits_is_refused() -> None:
    # Arabic-Indic digits pass str.isdigit() but are not GB 11643 digits.
    assert refusal(validate_id_number, "٤٤٠١٠٦١٩٧٠٠٥١٧٠٠١X") == "format"


def test_id_number_with_impossible_date_is_refused() -> None:
    assert refusal(validate_id_number, with_check_digit("44010619700230001")) == "birth_date"
    assert refusal(validate_id_number, with_check_digit("44010619701301001")) == "birth_date"


@time_machine.travel(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC))
def test_id_number_with_future_birth_date_is_refused() -> None:
    assert refusal(validate_id_number, with_check_digit("44010620260111001")) == "birth_date"
    assert validate_id_number(with_check_digit("44010620260110001"))


def test_id_number_born_before_1900_is_refused() -> None:
    assert refusal(validate_id_number, with_check_digit("44010618991231001")) == "birth_date"


def test_id_number_with_unknown_county_code_is_refused() -> None:
    assert refusal(validate_id_number, id_number(area_code="999999")) == "area"


def test_county_created_after_birth_is_accepted_although_stdnum_refuses_it() -> None:
    """天河区 (440106) exists since 1985; an expert born in 1960 got the card there later."""
    number = id_number("440106", datetime.date(1960, 3, 8))
    with pytest.raises(InvalidComponent):
        ric.validate(number)
    assert validate_id_number(number) == number


def test_county_abolished_before_birth_is_refused() -> None:
    """宣武区 (110104) was merged into 西城区 in 2010: no card was issued there to someone born in 2012."""
    assert refusal(validate_id_number, id_number("110104", datetime.date(2012, 6, 1))) == "area_abolished"
    assert validate_id_number(id_number("110104", datetime.date(1980, 6, 1)))


def test_reused_county_code_is_accepted_in_either_period() -> None:
    """120110 was 东郊区 until 1991 and is 东丽区 since 1992."""
    assert validate_id_number(id_number("120110", datetime.date(1950, 1, 1)))
    assert validate_id_number(id_number("120110", datetime.date(2000, 1, 1)))


def test_id_number_must_agree_with_birth_date_and_gender() -> None:
    number = id_number(birth=datetime.date(1970, 5, 17), gender="female")
    assert id_number_gender(number) == "female"
    validate_id_number_matches(number, birth_date=datetime.date(1970, 5, 17), gender="female")
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number_matches(number, birth_date=datetime.date(1970, 5, 18), gender="female")
    assert excinfo.value.code == "birth_date_mismatch"
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number_matches(number, birth_date=datetime.date(1970, 5, 17), gender="male")
    assert excinfo.value.code == "gender_mismatch"


# Unified social credit codes


def test_valid_uscc_is_accepted_and_normalised() -> None:
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    assert validate_uscc("9111 0000 6000 3734 1l") == "91110000600037341L"
    code = make_uscc(area_code="440106", sequence=42)
    assert validate_uscc(code) == code


def test_uscc_of_a_non_industry_authority_is_accepted() -> None:
    """Letters are legal in the first place: N is agriculture (农村集体经济组织)."""
    body = "N2440106MA5ABCDE7"
    code = body + uscc.calc_check_digit(body)
    assert validate_uscc(code) == code


def test_uscc_with_wrong_check_character_is_refused() -> None:
    assert refusal(validate_uscc, "91110000600037341M") == "checksum"


@pytest.mark.parametrize("code", ["", "91110000600037341", "91110000600037341LL"])
def test_uscc_of_wrong_length_is_refused(code: str) -> None:
    assert refusal(validate_uscc, code) == "length"


@pytest.mark.parametrize("code", ["911100006000373I1L", "91AB0000600037341L", "01110000600037341L"])
def test_uscc_with_invalid_characters_is_refused(code: str) -> None:
    assert refusal(validate_uscc, code) == "format"


# Phones


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_mobile_numbers_are_accepted_and_normalised(raw: str, normalised: str) -> None:
    assert validate_phone(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("020-87654321", "020-87654321"),
        ("02087654321", "020-87654321"),
        ("(020) 8765 4321", "020-87654321"),
        ("0991-4567890", "0991-4567890"),
        ("010-65432109-123", "010-65432109-123"),
        ("+86 20 8765 4321", "020-87654321"),
        ("0755-12345678转806", "0755-12345678-806"),
    ],
)
def test_landlines_with_area_code_are_accepted_and_normalised(raw: str, normalised: str) -> None:
    assert validate_phone(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    ["", "12345678", "87654321", "1381234567", "138123456789", "23812345678", "call me", "020-123", "+1 555 0100"],
)
def test_garbage_phone_numbers_are_refused(raw: str) -> None:
    assert refusal(validate_phone, raw) == "phone"


# E-mail


def test_email_is_accepted_and_normalised() -> None:
    assert validate_email(" Expert@Example.CN ") == "expert@example.cn"
    assert validate_email("expert＠example.cn") == "expert@example.cn"


@pytest.mark.parametrize("raw", ["", "expert", "expert@", "@example.cn", "expert@@example.cn", "a b@example.cn"])
def test_invalid_email_is_refused(raw: str) -> None:
    assert refusal(validate_email, raw) == "email"


def test_overlong_email_is_refused() -> None:
    """Django allows 320 characters; the database column holds 254."""
    domain = ".".join(["a" * 60] * 4) + ".cn"
    assert refusal(validate_email, "x" * 64 + "@" + domain) == "email"
