from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.utils import timezone

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.activities.candidates import (
    CandidateReport,
    candidate_report,
)
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed, DeclaredConflict
from expertpool.core.identifiers import make_uscc
from expertpool.experts.models import Expert, Membership, MembershipStatus
from expertpool.experts.records import WorkRow
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.organisations.models import Organisation, normalise_name
from expertpool.pools.models import Category, Pool

START = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=timezone.get_default_timezone())
CUTOFF = datetime.date(2023, 6, 15)  # three years before START
# Two needed categories of each shipped pool, in the order the tests ask for them.
CATEGORIES = {
    "gz-cleaner-production": ("cleaner_production", "energy_saving"),
    "urumqi-eco-environment": ("environmental_impact_assessment", "environmental_engineering"),
}
CLAUSES = {"gz-cleaner-production": "GZ 三（四）", "urumqi-eco-environment": "UR 第十一条（三）"}
_numbers = itertools.count(1)


@pytest.fixture(params=["gz_pool", "ur_pool"])
def pool(request: pytest.FixtureRequest) -> Pool:
    found: Pool = request.getfixturevalue(request.param)
    return found


def org(name: str, *, coded: bool = False) -> Organisation:
    uscc = make_uscc(area_code="440106", sequence=next(_numbers)) if coded else None
    return Organisation.objects.create(name=name, normalised_name=normalise_name(name), uscc=uscc)


def member(pool: Pool, *, categories: tuple[str, ...] | None = None, **overrides: Any) -> int:
    record = make_expert_record(categories=categories or CATEGORIES[pool.slug][:1], **overrides)
    return expert_register(actor=None, pool=pool, record=record).expert_id


def activity(
    pool: Pool,
    *,
    needs: tuple[tuple[str, int], ...] = (),
    subjects: tuple[Organisation, ...] = (),
    consultants: tuple[Organisation, ...] = (),
    panel_size: int = 3,
) -> Activity:
    user = User.objects.create_user(username=f"client{next(_numbers)}", password=None)
    created = Activity.objects.create(
        pool=pool,
        client_unit=org(f"使用单位{next(_numbers)}"),
        requested_by=user,
        kind=pool.policy.rules.activity_kinds[0].code,
        title="评审",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=4),
        place="会议室",
        panel_size=panel_size,
    )
    for position, (code, count) in enumerate(needs):
        category = Category.objects.get(pool=pool, code=code)
        CategoryNeed.objects.create(activity=created, category=category, count=count, position=position)
    for role, parties in ((ActivityParty.Role.SUBJECT, subjects), (ActivityParty.Role.CONSULTANT, consultants)):
        for party in parties:
            ActivityParty.objects.create(activity=created, role=role, organisation=party)
    return created


def excluded(report: CandidateReport) -> dict[int, tuple[str, str]]:
    return {e.expert_id: (e.rule, e.clause) for e in report.exclusions}


def candidate_ids(report: CandidateReport) -> set[int]:
    return {row.expert_id for row in report.candidates}


def test_current_employer_of_a_subject_or_consultant_is_excluded_by_uscc(pool: Pool) -> None:
    subject, consultant = org("某化工有限公司", coded=True), org("某环境咨询有限公司", coded=True)
    at_subject = member(pool, employer_name="某化工有限公司", employer_uscc=subject.uscc or "")
    at_consultant = member(pool, employer_name="别名咨询", employer_uscc=consultant.uscc or "")
    clean = member(pool)
    report = candidate_report(activity=activity(pool, subjects=(subject,), consultants=(consultant,)))

    clause = CLAUSES[pool.slug]
    assert excluded(report) == {
        at_subject: ("employer_is_subject", clause),
        at_consultant: ("employer_is_consultant", clause),
    }
    assert candidate_ids(report) == {clean}
    counts = dict(report.counts)
    assert counts["active members in the needed categories"] == 3
    assert counts[f"after employer_is_subject ({clause})"] == 2
    assert counts[f"after employer_is_consultant ({clause})"] == 1
    assert report.counts[-1][1] == len(report.candidates)
    assert "某化工有限公司" in next(e.detail for e in report.exclusions if e.expert_id == at_subject)


def test_employer_without_uscc_is_matched_by_name_across_bracket_widths(gz_pool: Pool) -> None:
    subject = org("广州(某某)化工有限公司", coded=True)
    by_name = member(gz_pool, employer_name="广州（某某）化工 有限公司")
    report = candidate_report(activity=activity(gz_pool, subjects=(subject,)))

    assert excluded(report) == {by_name: ("employer_is_subject", "GZ 三（四）")}


def test_namesake_with_another_uscc_is_not_the_subject(gz_pool: Pool) -> None:
    subject = org("广州某某化工有限公司", coded=True)
    namesake_code = make_uscc(area_code="440106", sequence=next(_numbers))
    namesake = member(
        gz_pool,
        employer_name="广州某某化工有限公司",
        employer_uscc=namesake_code,
        work_history=(WorkRow(employer_name="广州某某化工有限公司"),),
    )
    report = candidate_report(activity=activity(gz_pool, subjects=(subject,)))

    assert report.exclusions == ()
    assert candidate_ids(report) == {namesake}


def test_work_history_counts_within_the_lookback_only(pool: Pool) -> None:
    subject = org("某化工有限公司", coded=True)
    on_boundary = member(pool, work_history=(WorkRow(employer_name="某化工有限公司", end_month=CUTOFF),))
    day_before = CUTOFF - datetime.timedelta(days=1)
    too_old = member(pool, work_history=(WorkRow(employer_name="某化工有限公司", end_month=day_before),))
    open_ended = member(pool, work_history=(WorkRow(employer_name="某化工有限公司"),))
    report = candidate_report(activity=activity(pool, subjects=(subject,)))

    clause = CLAUSES[pool.slug]
    assert excluded(report) == {
        on_boundary: ("employer_is_subject", clause),
        open_ended: ("employer_is_subject", clause),
    }
    assert candidate_ids(report) == {too_old}


def test_declared_conflicts_exclude_unless_ended_and_persons_go_to_review(pool: Pool) -> None:
    subject = org("某化工有限公司", coded=True)
    conflicted, ended, with_person = member(pool), member(pool), member(pool)
    DeclaredConflict.objects.create(expert_id=conflicted, organisation=subject, relation="曾任顾问")
    DeclaredConflict.objects.create(
        expert_id=ended, organisation=subject, relation="持股", ended_on=datetime.date(2025, 1, 1)
    )
    DeclaredConflict.objects.create(expert_id=with_person, person_name="张三", relation="配偶")
    report = candidate_report(activity=activity(pool, subjects=(subject,)), on_date=datetime.date(2026, 6, 1))

    assert excluded(report) == {conflicted: ("declared_conflict", CLAUSES[pool.slug])}
    assert candidate_ids(report) == {ended, with_person}
    assert [(n.expert_id, n.rule) for n in report.needs_review] == [(with_person, "declared_conflict")]
    assert "张三" in report.needs_review[0].detail


def test_pool_staff_are_excluded(pool: Pool, outsider: User) -> None:
    staff, client, elsewhere = member(pool), member(pool), member(pool)
    roles = ((staff, pool, Role.REVIEWER), (client, pool, Role.CLIENT_UNIT))
    for expert_id, role_pool, role in roles:
        user = User.objects.create_user(username=f"u{expert_id}", password=None)
        PoolRole.objects.create(user=user, pool=role_pool, role=role)
        Expert.objects.filter(pk=expert_id).update(user=user)
    # A pool admin of another pool is no staff of this one.
    other = Pool.objects.exclude(pk=pool.pk).first()
    if other is not None:
        Expert.objects.filter(pk=elsewhere).update(user=outsider)
    report = candidate_report(activity=activity(pool))

    rule = next(r for r in pool.policy.rules.recusal if r.kind == "pool_staff")
    assert excluded(report) == {staff: ("pool_staff", rule.clause)}
    assert candidate_ids(report) == {client, elsewhere}


def test_start_set_keeps_active_members_of_the_needed_categories(pool: Pool) -> None:
    first, second = CATEGORIES[pool.slug]
    both = member(pool, categories=(second, first), employment_status="retired")
    only_second = member(pool, categories=(second,), employer_uscc=make_uscc(area_code="440106", sequence=999))
    member(pool, categories=(first,))
    suspended = member(pool, categories=(second,))
    Membership.objects.filter(expert_id=suspended).update(status=MembershipStatus.SUSPENDED)
    report = candidate_report(activity=activity(pool, needs=((second, 1), (first, 1)), panel_size=3))

    rows = {row.expert_id: row for row in report.candidates}
    assert report.counts[0] == ("active members in the needed categories", 3)
    assert rows[both].categories == (second, first)
    assert rows[both].employer_key is None  # retired: never conflicts under one per employer
    assert (
        rows[only_second].employer_key == Organisation.objects.get(uscc=make_uscc(area_code="440106", sequence=999)).pk
    )
    assert suspended not in rows


def test_every_rule_is_checked_and_overlap_comes_first(gz_pool: Pool, ur_pool: Pool) -> None:
    gz = candidate_report(activity=activity(gz_pool))
    ur = candidate_report(activity=activity(ur_pool))

    assert gz.not_yet_checked == ()
    assert ur.not_yet_checked == ()
    assert ur.counts[1] == ("after overlapping_booking", 0)
    assert ("after served_subject_recently (UR 第十三条)", 0) in ur.counts
    assert all("one_per_employer" not in label for label, _count in ur.counts)


def test_shortfall_is_reported_per_category_and_in_total(pool: Pool) -> None:
    first, second = CATEGORIES[pool.slug]
    for _ in range(2):
        member(pool, categories=(first,))
    report = candidate_report(activity=activity(pool, needs=((first, 2), (second, 1)), panel_size=3))

    assert report.shortfall is not None
    assert (report.shortfall.needed, report.shortfall.available, report.shortfall.missing) == (3, 2, 1)
    assert [(s.category, s.needed, s.available, s.missing) for s in report.shortfall.categories] == [(second, 1, 0, 1)]
    assert report.shortfall.messages[0] == "The panel needs 3 experts; only 2 remain after recusal."
    assert report.shortfall.messages[-1] == "Too few experts remain: nothing will be drawn."


def test_no_shortfall_when_enough_remain(gz_pool: Pool) -> None:
    for _ in range(3):
        member(gz_pool)
    report = candidate_report(activity=activity(gz_pool, needs=(("cleaner_production", 3),)))

    assert report.shortfall is None


def _busy_pool(pool: Pool, size: int) -> Activity:
    subject, consultant = org("某化工有限公司", coded=True), org("某咨询有限公司")
    first, second = CATEGORIES[pool.slug]
    for n in range(size):
        work = (WorkRow(employer_name="某咨询有限公司", end_month=datetime.date(2025, 1, 1)),) if n % 3 == 0 else ()
        expert_id = member(pool, categories=(first, second), work_history=work)
        DeclaredConflict.objects.create(expert_id=expert_id, person_name=f"亲属{n}", relation="配偶")
        if n % 4 == 0:
            DeclaredConflict.objects.create(expert_id=expert_id, organisation=subject, relation="顾问")
        if n % 5 == 0:
            user = User.objects.create_user(username=f"staff{pool.slug}{n}", password=None)
            PoolRole.objects.create(user=user, pool=pool, role=Role.POOL_ADMIN)
            Expert.objects.filter(pk=expert_id).update(user=user)
    return activity(pool, needs=((first, 1), (second, 2)), subjects=(subject,), consultants=(consultant,))


@pytest.mark.parametrize("size", [8, 24])
def test_query_count_does_not_grow_with_the_pool(pool: Pool, size: int, django_assert_num_queries: Any) -> None:
    busy = _busy_pool(pool, size)
    # pool and policy, needs, parties, the organisations sharing a code or name with a party,
    # members, this activity's filled seats, overlapping seats; per employer rule the experts
    # the parties employ and the work history naming them; conflicts; staff and their expert
    # records; served seats and service counts where the policy has those rules
    rules = pool.policy.rules
    served = any(rule.kind == "served_subject_recently" for rule in rules.recusal)
    with django_assert_num_queries(14 + served + (rules.service_cap is not None)):
        report = candidate_report(activity=busy)

    assert len(report.candidates) + len(report.exclusions) == size
    assert {e.rule for e in report.exclusions} == {"declared_conflict", "employer_is_consultant", "pool_staff"}
