"""Notice periods counted in working days under the official holiday schedule.

Expected dates come from the State Council's published schedules (国务院办公厅关于
部分节假日安排的通知):
- 2025 National Day and Mid-Autumn: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 are working days.
- 2026 Spring Festival: Feb 15–23 off; Sat Feb 14 and Sat Feb 28 are working days.
"""

from __future__ import annotations

import datetime
from datetime import date

import pytest

from expertpool.core import workdays
from expertpool.core.workdays import (
    WorkdayCalendarError,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_plain_week_publication_day_does_not_count() -> None:
    # Published Mon Mar 2 2026: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9.
    assert add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)


def test_notice_over_spring_festival_2026_counts_both_make_up_saturdays() -> None:
    # Published Fri Feb 13: Sat 14 (make-up) = 1, Feb 15–23 off, Tue 24..Fri 27 = 2..5,
    # Sat 28 (make-up) = 6, Sun Mar 1 off, Mon Mar 2 = 7.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert add_working_days(date(2026, 2, 13), 7) == date(2026, 3, 2)


def test_notice_over_national_day_2025() -> None:
    # Published Fri Sep 26: Sat 27 off, Sun 28 (make-up) = 1, Mon 29 = 2, Tue 30 = 3,
    # Oct 1–8 off, Thu 9 = 4, Fri 10 = 5, Sat 11 (make-up) = 6.
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    assert add_working_days(date(2025, 9, 26), 6) == date(2025, 10, 11)


def test_notice_published_on_a_holiday() -> None:
    # Published Fri Oct 3 2025 (holiday): Thu 9, Fri 10, Sat 11 (make-up).
    assert add_working_days(date(2025, 10, 3), 3) == date(2025, 10, 11)


def test_notice_published_on_a_make_up_saturday() -> None:
    # Published Sat Feb 14 2026, itself a working day but publication never counts:
    # the next working day is Tue Feb 24, after the Spring Festival.
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_zero_days_ends_on_the_publication_day() -> None:
    assert add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 3, 2), -1)


def test_is_working_day_follows_the_schedule() -> None:
    assert is_working_day(date(2025, 9, 28))  # Sunday, make-up working day
    assert not is_working_day(date(2025, 10, 8))  # Wednesday, holiday
    assert not is_working_day(date(2026, 3, 1))  # ordinary Sunday
    assert is_working_day(date(2026, 3, 2))  # ordinary Monday


def test_working_days_between_matches_add_working_days() -> None:
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 10)) == 5
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 2)) == 7
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == 0


def test_unknown_year_raises_a_clear_error_naming_the_year() -> None:
    with pytest.raises(WorkdayCalendarError, match="2100") as excinfo:
        add_working_days(date(2100, 1, 4), 3)
    assert excinfo.value.year == 2100
    with pytest.raises(WorkdayCalendarError, match="1990"):
        is_working_day(date(1990, 5, 1))


def test_a_year_the_package_does_not_know_is_read_from_the_supplementary_schedule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As an operator would add 2100 once its schedule is published: a holiday on a
    # Friday and a make-up working Sunday.
    holiday, make_up_sunday = datetime.date(2100, 1, 8), datetime.date(2100, 1, 10)
    workdays.supplementary_schedules.cache_clear()
    monkeypatch.setattr(
        workdays, "supplementary_schedules", lambda: {2100: (frozenset({holiday}), frozenset({make_up_sunday}))}
    )

    assert not workdays.is_working_day(holiday)
    assert workdays.is_working_day(make_up_sunday)
    # Published Wednesday 6 Jan: Thu 7, (Fri 8 off), Sun 10, Mon 11.
    assert workdays.add_working_days(datetime.date(2100, 1, 6), 3) == datetime.date(2100, 1, 11)


def test_the_shipped_supplementary_schedule_is_readable() -> None:
    workdays.supplementary_schedules.cache_clear()
    assert isinstance(workdays.supplementary_schedules(), dict)
