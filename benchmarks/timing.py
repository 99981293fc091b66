"""Timing one draw against the bare query that fetches the same candidates' ids."""

from __future__ import annotations

import cProfile
import datetime
import io
import pstats
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.synthetic import CONSULTANT, NEEDS, SUBJECT, SyntheticPool
from expertpool.accounts.models import STAFF_ROLES, PoolRole
from expertpool.activities.candidates import EMPLOYER_RULES, SERVED_RECENTLY, candidate_report, years_before
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed, DeclaredConflict
from expertpool.activities.services import activity_create
from expertpool.draws.models import BLOCKING, SERVED, PanelSeat
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.experts.models import Membership, MembershipStatus, WorkHistory
from expertpool.organisations.models import Organisation
from expertpool.pools.policy import Policy, RecusalRule, ServiceCap

SOURCE = "中国福利彩票双色球开奖号码；监督人现场输入的六位数（基准测试）"
PANEL_SIZE = sum(count for _code, count in NEEDS)
SLOT = datetime.timedelta(minutes=30)
SLOTS_PER_DAY = 48


@dataclass(frozen=True)
class Sample:
    bare: float
    report: float
    commit: float
    reveal: float
    candidates: int
    exclusions: int
    same_candidates: bool

    @property
    def full(self) -> float:
        """The draw with its stored record: commit (which computes the report) and reveal."""
        return self.commit + self.reveal


def request_activity(bench: SyntheticPool, slot: int, *, days_ahead: int = 1) -> Activity:
    """A half-hour review in its own slot, so no booking overlaps another, with the shared
    subject and consultant and the category filter. Tomorrow by default: inside any
    policy's window for drawing (UR: at most 5 working days before)."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead + slot // SLOTS_PER_DAY)
    midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    starts = midnight + SLOT * (slot % SLOTS_PER_DAY)
    return activity_create(
        actor=bench.client,
        pool=bench.pool,
        kind="review",
        title=f"基准测试评审 {slot}",
        starts_at=starts,
        ends_at=starts + SLOT,
        place="会议室",
        panel_size=PANEL_SIZE,
        subjects=[(SUBJECT.name, SUBJECT.uscc)],
        consultants=[(CONSULTANT.name, CONSULTANT.uscc)],
        category_needs=NEEDS,
    )


def bare_candidates(activity: Activity, policy: Policy, on_date: datetime.date) -> QuerySet[Membership]:
    """One query: active members in a needed category, less each rule's experts (``NOT IN`` subqueries).

    Uncorrelated subqueries, so each runs once and is probed as a hash: the fastest form
    we found for this data on both databases (correlated ``NOT EXISTS`` was slower on both).
    """
    needed = CategoryNeed.objects.filter(activity_id=activity.pk).values("category_id")
    held = Membership.categories.through.objects.filter(category_id__in=needed).values("membership_id")
    query = Membership.objects.filter(pool_id=activity.pool_id, status=MembershipStatus.ACTIVE, pk__in=held)
    for excluded in _recused(activity, policy, on_date):
        query = query.exclude(excluded)
    return query.order_by()


def _recused(activity: Activity, policy: Policy, on_date: datetime.date) -> list[Q]:
    """One condition per filter of the candidate report, in its order."""
    rules = policy.recusal
    parties = ActivityParty.objects.filter(activity_id=activity.pk)
    employer_roles = [EMPLOYER_RULES[rule.kind] for rule in rules if rule.kind in EMPLOYER_RULES]
    employer_parties = parties.filter(role__in=employer_roles).values("organisation_id")
    party_names = Organisation.objects.filter(pk__in=employer_parties).values("normalised_name")
    lookback = min((r.lookback_years for r in rules if r.kind in EMPLOYER_RULES and r.lookback_years), default=0)
    recent = Q(end_month__isnull=True) | Q(end_month__gte=years_before(activity.starts_at, lookback))
    conflicts = DeclaredConflict.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on_date))
    booked = PanelSeat.objects.filter(BLOCKING, booked_from__lt=activity.ends_at, booked_until__gt=activity.starts_at)
    staff = PoolRole.objects.filter(pool_id=activity.pool_id, role__in=STAFF_ROLES)
    return [
        Q(expert_id__in=booked.values("expert_id")),
        Q(expert__employer_id__in=employer_parties)
        | Q(expert__employer__uscc__isnull=True, expert__employer__normalised_name__in=party_names),
        Q(expert_id__in=WorkHistory.objects.filter(recent, employer_normalised__in=party_names).values("expert_id")),
        Q(expert_id__in=conflicts.filter(organisation_id__in=parties.values("organisation_id")).values("expert_id")),
        Q(expert_id__in=_served(activity, rules).values("expert_id")),
        Q(expert__user_id__in=staff.values("user_id")),
        _capped(activity, policy.service_cap),
    ]


def _capped(activity: Activity, cap: ServiceCap | None) -> Q:
    """Experts at the policy's service cap: accepted seats in the period, grouped and counted."""
    if cap is None:
        return Q()
    at_cap = (
        PanelSeat.objects.filter(
            SERVED,
            activity__pool_id=activity.pool_id,
            activity__starts_at__gte=activity.starts_at - datetime.timedelta(days=cap.period_days),
            activity__starts_at__lt=activity.starts_at,
        )
        .exclude(activity_id=activity.pk)
        .values("expert_id")
        .annotate(services=Count("pk"))
        .filter(services__gte=cap.max_services)
        .values("expert_id")
    )
    return Q(expert_id__in=at_cap)


def _served(activity: Activity, rules: Sequence[RecusalRule]) -> QuerySet[PanelSeat]:
    years = next((r.lookback_years for r in rules if r.kind == SERVED_RECENTLY), None) or 0
    cutoff = timezone.make_aware(datetime.datetime.combine(years_before(activity.starts_at, years), datetime.time.min))
    same_subject = ActivityParty.objects.filter(
        activity_id=OuterRef("activity_id"),
        role=ActivityParty.Role.SUBJECT,
        organisation_id__in=ActivityParty.objects.filter(
            activity_id=activity.pk, role=ActivityParty.Role.SUBJECT
        ).values("organisation_id"),
    )
    return (
        PanelSeat.objects.filter(
            SERVED,
            activity__starts_at__lt=activity.starts_at,
            activity__starts_at__gte=cutoff,
        )
        .exclude(activity_id=activity.pk)
        .filter(Exists(same_subject))
    )


def numbers(rng: random.Random) -> tuple[list[list[int]], list[list[int]]]:
    """双色球 red and blue balls, then the supervisor's six digits (the default groups)."""
    return [sorted(rng.sample(range(1, 34), 6)), [rng.randint(1, 16)]], [[rng.randint(0, 999_999)]]


def sample(bench: SyntheticPool, day: int, rng: random.Random) -> Sample:
    """Request an activity (not timed), then time the bare query, the report, the commit and the reveal."""
    activity = request_activity(bench, day)
    policy = bench.pool.policy.rules
    started = time.perf_counter()
    ids = list(bare_candidates(activity, policy, timezone.localdate()).values_list("expert_id", flat=True))
    bare = time.perf_counter() - started
    started = time.perf_counter()
    report = candidate_report(activity=activity)
    reported = time.perf_counter() - started
    commit, reveal = _draw(bench, activity, rng)
    return Sample(
        bare=bare,
        report=reported,
        commit=commit,
        reveal=reveal,
        candidates=len(report.candidates),
        exclusions=len(report.exclusions),
        same_candidates=sorted(ids) == [row.expert_id for row in report.candidates],
    )


def _draw(bench: SyntheticPool, activity: Activity, rng: random.Random) -> tuple[float, float]:
    public, supervisor = numbers(rng)
    started = time.perf_counter()
    draw = draw_commit(actor=bench.admin, activity=activity, randomness_source=SOURCE, supervisor=bench.supervisor)
    committed = time.perf_counter()
    draw_reveal(actor=bench.admin, draw=draw, public_numbers=public, supervisor_inputs=supervisor)
    return committed - started, time.perf_counter() - committed


def count_statements(bench: SyntheticPool, day: int, rng: random.Random) -> dict[str, int]:
    """The SQL statements of one full draw (untimed), by step: the work that does not grow with the pool."""
    activity = request_activity(bench, day)
    public, supervisor = numbers(rng)
    with CaptureQueriesContext(connection) as committing:
        draw = draw_commit(actor=bench.admin, activity=activity, randomness_source=SOURCE, supervisor=bench.supervisor)
    with CaptureQueriesContext(connection) as revealing:
        draw_reveal(actor=bench.admin, draw=draw, public_numbers=public, supervisor_inputs=supervisor)
    return {"commit": len(committing), "reveal": len(revealing)}


def serve_once(bench: SyntheticPool, rng: random.Random) -> None:
    """A draw for the same subject 90 days ago whose panel accepted: the served-recently rule has rows.

    Also warms the process and the database up before anything is timed.
    """
    activity = request_activity(bench, 0, days_ahead=-90)
    _draw(bench, activity, rng)
    # Seeding history, not a workflow: the invitation services are not under test here.
    PanelSeat.objects.filter(activity_id=activity.pk).update(status=PanelSeat.Status.ACCEPTED)


def profile(bench: SyntheticPool, day: int, rng: random.Random, path: Path) -> str:
    """Profile one full draw; writes the raw stats to ``path`` and returns the top functions as text."""
    activity = request_activity(bench, day)
    profiler = cProfile.Profile()
    profiler.enable()
    _draw(bench, activity, rng)
    profiler.disable()
    profiler.dump_stats(path)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()
