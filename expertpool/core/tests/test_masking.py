"""Masked ID numbers and phones show enough to recognise, never enough to use."""

from __future__ import annotations

import pytest

from expertpool.core.masking import mask_id_number, mask_phone


def test_id_number_keeps_area_code_and_last_four() -> None:
    assert mask_id_number("44010619700517001X") == "440106********001X"


def test_masked_id_number_hides_the_birth_date() -> None:
    masked = mask_id_number("11010519491231002X")
    assert "19491231" not in masked
    assert len(masked) == 18


@pytest.mark.parametrize("value", ["", "123", "123456789"])
def test_short_id_number_is_masked_entirely(value: str) -> None:
    assert mask_id_number(value) == "*" * len(value)


def test_mobile_keeps_first_three_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_landline_keeps_area_code_and_last_four() -> None:
    assert mask_phone("020-87654321") == "020*****4321"


@pytest.mark.parametrize("value", ["", "1234", "1234567"])
def test_short_phone_is_masked_entirely(value: str) -> None:
    assert mask_phone(value) == "*" * len(value)
