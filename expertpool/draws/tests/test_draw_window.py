"""A policy may forbid drawing earlier than N working days before the activity."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.activities.tests.test_candidates import activity, member
from expertpool.draws.models import Draw
from expertpool.draws.services import draw_commit, earliest_draw_day
from expertpool.draws.tests.factories import SOURCE, make_activity, make_experts
from expertpool.pools.models import Pool


@pytest.mark.parametrize(
    ("start", "days", "earliest"),
    [
        # Monday 23 Nov 2026: five working days back is Monday 16 Nov (16–20 and 23 are counted).
        (datetime.date(2026, 11, 23), 5, datetime.date(2026, 11, 16)),
        # The weekend before a Monday counts as nothing: one working day back is the Friday.
        (datetime.date(2026, 11, 23), 1, datetime.date(2026, 11, 20)),
        # Across the 2026 National Day holiday (1–7 Oct) and its make-up day (Sat 10 Oct).
        (datetime.date(2026, 10, 12), 2, datetime.date(2026, 10, 9)),
    ],
)
def test_earliest_draw_day_counts_working_days(start: datetime.date, days: int, earliest: datetime.date) -> None:
    assert earliest_draw_day(start, days) == earliest


def local(year: int, month: int, day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def _ur_activity_on(pool: Pool, starts_at: datetime.datetime) -> Activity:
    for _ in range(3):
        member(pool)
    created = activity(pool)
    Activity.objects.filter(pk=created.pk).update(starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3))
    created.refresh_from_db()
    return created


def test_ur_refuses_a_draw_too_early_and_names_the_first_day(ur_pool: Pool, ur_admin: User) -> None:
    starts = local(2026, 11, 30, 9)  # a Monday
    planned = _ur_activity_on(ur_pool, starts)

    with time_machine.travel(local(2026, 11, 20, 10), tick=False), pytest.raises(ValidationError) as refused:
        draw_commit(actor=ur_admin, activity=planned, randomness_source=SOURCE)

    assert refused.value.message_dict["activity"] == [
        "Experts are drawn at most 5 working days before the activity (UR 第十二条): draw on or after 2026-11-23."
    ]
    assert not Draw.objects.filter(activity=planned).exists()


def test_ur_draws_from_the_first_day_of_the_window(ur_pool: Pool, ur_admin: User) -> None:
    planned = _ur_activity_on(ur_pool, local(2026, 11, 30, 9))

    with time_machine.travel(local(2026, 11, 23, 8), tick=False):
        draw = draw_commit(actor=ur_admin, activity=planned, randomness_source=SOURCE)

    assert draw.activity_id == planned.pk


def test_gz_has_no_window(gz_pool: Pool, gz_admin: User) -> None:
    assert gz_pool.policy.rules.panel.draw_at_most_working_days_before is None
    make_experts(gz_pool, 5)
    planned = make_activity(gz_pool, gz_admin)  # 30 days ahead

    assert draw_commit(actor=gz_admin, activity=planned, randomness_source=SOURCE).activity_id == planned.pk
