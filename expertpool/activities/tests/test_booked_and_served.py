"""The two rules that read recorded panels: overlapping bookings and served the subject recently."""

from __future__ import annotations

import datetime
import itertools

from expertpool.accounts.models import User
from expertpool.activities.candidates import candidate_report
from expertpool.activities.models import Activity
from expertpool.activities.tests.test_candidates import START, activity, member, org
from expertpool.draws.models import Draw, DrawReveal, PanelSeat
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool

HOUR = datetime.timedelta(hours=1)
_numbers = itertools.count(1)


def at(pool: Pool, starts_at: datetime.datetime, *subjects: Organisation) -> Activity:
    created = activity(pool, subjects=subjects)
    Activity.objects.filter(pk=created.pk).update(starts_at=starts_at, ends_at=starts_at + 4 * HOUR)
    created.refresh_from_db()
    return created


def seat(
    on: Activity, expert_id: int, *, role: str = PanelSeat.Role.PANEL, status: str = PanelSeat.Status.DRAWN
) -> PanelSeat:
    """A seat on a minimal stored draw: these rules read seats, not how the draw was made."""
    user = User.objects.create_user(username=f"admin{next(_numbers)}", password=None)
    draw = Draw.objects.create(
        pool=on.pool,
        activity=on,
        commitment_text="{}",
        commitment_summary={},
        commitment_hash=f"{next(_numbers):064x}",
        committed_at=START,
        committed_by=user,
        server_secret="0" * 64,
    )
    reveal = DrawReveal.objects.create(
        draw=draw, randomness={}, seed="0" * 64, result={}, revealed_at=START, revealed_by=user
    )
    return PanelSeat.objects.create(
        reveal=reveal,
        activity=on,
        expert_id=expert_id,
        role=role,
        position=1,
        status=status,
        booked_from=on.starts_at,
        booked_until=on.ends_at,
    )


def test_expert_booked_for_an_overlapping_activity_is_excluded(gz_pool: Pool) -> None:
    booked, touching, released, reserve, free = (member(gz_pool) for _ in range(5))
    first = at(gz_pool, START)
    seat(first, booked)
    seat(first, released, status=PanelSeat.Status.RELEASED)
    seat(first, reserve, role=PanelSeat.Role.RESERVE)
    seat(at(gz_pool, START + 6 * HOUR), touching)  # starts when the second ends: no overlap
    second = at(gz_pool, START + 2 * HOUR)

    report = candidate_report(activity=second)

    assert [(e.expert_id, e.rule, e.clause) for e in report.exclusions] == [(booked, "overlapping_booking", "")]
    assert f"activity {first.pk}" in report.exclusions[0].detail
    assert {row.expert_id for row in report.candidates} == {touching, released, reserve, free}
    assert report.counts[1] == ("after overlapping_booking", 4)


def test_invited_reserve_blocks_too(gz_pool: Pool) -> None:
    invited = member(gz_pool)
    seat(at(gz_pool, START), invited, role=PanelSeat.Role.RESERVE, status=PanelSeat.Status.INVITED)

    report = candidate_report(activity=at(gz_pool, START + HOUR))

    assert [e.expert_id for e in report.exclusions] == [invited]


def test_served_the_subject_within_the_lookback_is_excluded(ur_pool: Pool) -> None:
    subject, other_subject = org("某化工有限公司", coded=True), org("另一化工有限公司", coded=True)
    cutoff = START - datetime.timedelta(days=365)  # UR: one year, 2025-06-15
    on_boundary, day_before, other, declined = (member(ur_pool) for _ in range(4))
    accepted = PanelSeat.Status.ACCEPTED
    seat(at(ur_pool, cutoff.replace(hour=0), subject), on_boundary, status=accepted)
    seat(at(ur_pool, cutoff.replace(hour=0) - datetime.timedelta(minutes=1), subject), day_before, status=accepted)
    seat(at(ur_pool, START - 30 * 24 * HOUR, other_subject), other, status=accepted)
    seat(at(ur_pool, START - 30 * 24 * HOUR, subject), declined, status=PanelSeat.Status.DECLINED)

    report = candidate_report(activity=at(ur_pool, START, subject))

    assert [(e.expert_id, e.rule, e.clause) for e in report.exclusions] == [
        (on_boundary, "served_subject_recently", "UR 第十三条")
    ]
    assert "某化工有限公司" in report.exclusions[0].detail
    assert {row.expert_id for row in report.candidates} == {day_before, other, declined}


def test_accepted_seat_counts_as_served_and_gz_has_no_such_rule(gz_pool: Pool, ur_pool: Pool) -> None:
    subject = org("某化工有限公司", coded=True)
    ur_expert, gz_expert = member(ur_pool), member(gz_pool)
    seat(at(ur_pool, START - 24 * HOUR, subject), ur_expert, status=PanelSeat.Status.ACCEPTED)
    seat(at(gz_pool, START - 24 * HOUR, subject), gz_expert, status=PanelSeat.Status.ACCEPTED)

    ur = candidate_report(activity=at(ur_pool, START, subject))
    gz = candidate_report(activity=at(gz_pool, START, subject))

    assert [(e.expert_id, e.rule) for e in ur.exclusions] == [(ur_expert, "served_subject_recently")]
    assert gz.exclusions == ()
