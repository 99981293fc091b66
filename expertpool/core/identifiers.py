"""Building valid identifiers, for demo data and tests (never for real people)."""

from __future__ import annotations

import datetime

from stdnum.cn import ric, uscc


def make_id_number(*, area_code: str, birth_date: datetime.date, sequence: int, gender: str) -> str:
    """A resident ID number with a correct check digit; the order code's parity
    follows the gender (odd for men)."""
    order = sequence % 500 * 2 + (1 if gender == "male" else 0)
    body = f"{area_code}{birth_date:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(*, area_code: str, sequence: int) -> str:
    """A unified social credit code of an enterprise (登记管理部门 9, 类别 1)."""
    body = f"91{area_code}{sequence:09d}"
    return body + uscc.calc_check_digit(body)
