"""The policy's service cap: an expert who served often enough in the period is a recorded exclusion."""

from __future__ import annotations

import datetime

from expertpool.activities.candidates import candidate_report
from expertpool.activities.tests.test_booked_and_served import HOUR, at, seat
from expertpool.activities.tests.test_candidates import START, member
from expertpool.draws.models import PanelSeat
from expertpool.pools.models import Pool

DAY = 24 * HOUR


def test_expert_at_the_cap_is_excluded_with_the_clause(ur_pool: Pool) -> None:
    cap = ur_pool.policy.rules.service_cap
    assert cap is not None  # UR: 6 accepted invitations in 365 days
    busy, almost, old_hand = member(ur_pool), member(ur_pool), member(ur_pool)
    for n in range(cap.max_services):
        seat(at(ur_pool, START - (n + 1) * 10 * DAY), busy, status=PanelSeat.Status.ACCEPTED)
        seat(at(ur_pool, START - (n + 1) * 10 * DAY - HOUR * 5), old_hand, status=PanelSeat.Status.ACCEPTED)
    for n in range(cap.max_services - 1):
        seat(at(ur_pool, START - (n + 1) * 11 * DAY), almost, status=PanelSeat.Status.ACCEPTED)
    # One of old_hand's services moves out of the period: below the cap again.
    oldest = PanelSeat.objects.filter(expert_id=old_hand).order_by("activity__starts_at").first()
    assert oldest is not None
    outside = START - datetime.timedelta(days=cap.period_days, minutes=1)
    type(oldest.activity).objects.filter(pk=oldest.activity_id).update(starts_at=outside, ends_at=outside + HOUR)

    report = candidate_report(activity=at(ur_pool, START))

    capped = [(e.expert_id, e.rule, e.clause) for e in report.exclusions if e.rule == "service_cap"]
    assert capped == [(busy, "service_cap", "UR 第十二条")]
    detail = next(e.detail for e in report.exclusions if e.rule == "service_cap")
    assert detail == "served 6 times in the 365 days before this activity (at most 6)"
    assert {row.expert_id for row in report.candidates} == {almost, old_hand}
    assert report.counts[-1] == ("after service_cap (UR 第十二条)", 2)


def test_declined_and_invited_seats_do_not_count_towards_the_cap(ur_pool: Pool) -> None:
    cap = ur_pool.policy.rules.service_cap
    assert cap is not None
    expert = member(ur_pool)
    for n in range(cap.max_services):
        status = PanelSeat.Status.DECLINED if n % 2 else PanelSeat.Status.NO_ANSWER
        seat(at(ur_pool, START - (n + 1) * 10 * DAY), expert, status=status)

    report = candidate_report(activity=at(ur_pool, START))

    assert [row.expert_id for row in report.candidates] == [expert]


def test_a_policy_without_a_cap_has_no_such_filter(gz_pool: Pool) -> None:
    assert gz_pool.policy.rules.service_cap is None
    expert = member(gz_pool)
    for n in range(10):
        seat(at(gz_pool, START - (n + 1) * 10 * DAY), expert, status=PanelSeat.Status.ACCEPTED)

    report = candidate_report(activity=at(gz_pool, START))

    assert [row.expert_id for row in report.candidates] == [expert]
    assert not any("service_cap" in label for label, _count in report.counts)
