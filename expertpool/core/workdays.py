"""Working days under the Chinese official calendar, for notice periods (公示期).

A working day (工作日) is a Monday to Friday that is not a public holiday, or a
weekend day that the State Council's holiday schedule makes a working day
(调休上班). Holiday data comes from the ``chinesecalendar`` package, which only
knows the years whose schedule had been published when it was released. A year it
does not know yet can be filled in from ``data/holiday_schedules.yaml`` (the
State Council publishes next year's schedule around November). For a year known to
neither we raise ``WorkdayCalendarError`` rather than guess, because a wrong end
date would let an objection deadline pass unnoticed.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path

import chinese_calendar
import yaml
from django.utils.translation import gettext as _

SCHEDULES_FILE = Path(__file__).resolve().parent / "data" / "holiday_schedules.yaml"


class WorkdayCalendarError(Exception):
    """The holiday schedule of ``year`` is not known to the installed calendar."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "The official holiday schedule for %(year)s is not known yet, so working days in %(year)s "
                "cannot be counted. Update the chinesecalendar package, or add the schedule to "
                "core/data/holiday_schedules.yaml."
            )
            % {"year": year}
        )


@functools.cache
def supplementary_schedules() -> dict[int, tuple[frozenset[datetime.date], frozenset[datetime.date]]]:
    """Year → (holidays, make-up working days) from the operator-maintained file."""
    data = yaml.safe_load(SCHEDULES_FILE.read_text(encoding="utf-8")) or {}
    return {
        int(year): (frozenset(entry.get("holidays") or ()), frozenset(entry.get("workdays") or ()))
        for year, entry in data.items()
    }


def is_working_day(day: datetime.date) -> bool:
    """True on a working day, including a make-up working day on a weekend."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        schedule = supplementary_schedules().get(day.year)
        if schedule is None:
            raise WorkdayCalendarError(day.year) from exc
        holidays, workdays = schedule
        return day in workdays or (day.weekday() < 5 and day not in holidays)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """Return the last day of a notice of ``days`` working days published on ``start``.

    Convention: the publication day itself never counts, even if it is a working
    day. Counting starts with the first working day *after* ``start``; the result
    is the ``days``-th working day after ``start``. A notice published on Monday
    2 March 2026 for 5 working days runs Tuesday 3 to Monday 9 March and ends on
    9 March. With ``days == 0`` the notice ends on ``start``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Count working days after ``a`` up to and including ``b``; 0 if ``b`` is not after ``a``.

    Same convention as ``add_working_days``:
    ``working_days_between(start, add_working_days(start, n)) == n``.
    """
    count = 0
    day = a + datetime.timedelta(days=1)
    while day <= b:
        if is_working_day(day):
            count += 1
        day += datetime.timedelta(days=1)
    return count
