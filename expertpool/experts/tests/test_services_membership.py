"""Memberships: one per pool and expert, with the policy's term."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from expertpool.audit.models import AuditRecord
from expertpool.experts.models import Expert, Membership
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import _save_new_expert, expert_register, membership_create, term_end
from expertpool.pools.models import Pool

RecordFactory = Callable[..., ExpertRecord]


@pytest.mark.parametrize(
    ("start", "years", "last_day"),
    [
        (datetime.date(2025, 6, 5), 3, datetime.date(2028, 6, 4)),
        (datetime.date(2025, 1, 1), 3, datetime.date(2027, 12, 31)),
        (datetime.date(2024, 2, 29), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2024, 3, 1), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 28)),
    ],
)
def test_a_term_ends_the_day_before_its_anniversary(start: datetime.date, years: int, last_day: datetime.date) -> None:
    assert term_end(start, years) == last_day


def test_an_expert_joins_a_second_pool_with_that_pools_term(
    gz_pool: Pool, ur_pool: Pool, expert_record: RecordFactory
) -> None:
    expert = expert_register(actor=None, pool=gz_pool, record=expert_record()).expert
    membership = membership_create(
        actor=None, pool=ur_pool, expert=expert, categories=("climate_change",), admitted_on=datetime.date(2026, 1, 1)
    )
    assert membership.term_ends_on == datetime.date(2028, 12, 31)
    assert Membership.objects.filter(expert=expert).count() == 2


def test_an_expert_cannot_join_the_same_pool_twice(gz_pool: Pool, expert_record: RecordFactory) -> None:
    expert = expert_register(actor=None, pool=gz_pool, record=expert_record()).expert
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        membership_create(actor=None, pool=gz_pool, expert=expert, categories=("energy_saving",))
    assert excinfo.value.message_dict == {"expert": ["This expert is already a member of the pool."]}
    assert AuditRecord.objects.count() == before


def test_a_registration_that_loses_a_race_gets_the_duplicate_message(
    gz_pool: Pool, expert_record: RecordFactory
) -> None:
    """The check before saving can pass for two requests at once; the unique index decides."""
    record = expert_record()
    expert_register(actor=None, pool=gz_pool, record=record)
    twin = Expert(name="同号", gender=record.gender, birth_date=record.birth_date)
    twin.id_number = record.id_number
    with pytest.raises(ValidationError) as excinfo:
        _save_new_expert(twin)
    assert excinfo.value.message_dict == {
        "id_number": ["An expert with this resident ID number is already registered."]
    }
    assert Expert.objects.count() == 1
