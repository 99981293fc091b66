"""A drawn reserve re-checked when their turn comes: the report's rules, for one expert."""

from __future__ import annotations

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.candidates import reserve_recusal
from expertpool.activities.models import DeclaredConflict
from expertpool.activities.tests.test_booked_and_served import HOUR, at, seat
from expertpool.activities.tests.test_candidates import CATEGORIES, CLAUSES, START, activity, member, org
from expertpool.draws.models import PanelSeat
from expertpool.experts.models import Expert, Membership, MembershipStatus
from expertpool.pools.models import Pool

DAY = 24 * HOUR


def test_a_reserve_still_eligible_may_be_invited(gz_pool: Pool) -> None:
    reserve = member(gz_pool)
    drawn = activity(gz_pool, subjects=(org("某化工有限公司"),))
    seat(drawn, reserve, role=PanelSeat.Role.RESERVE)

    assert reserve_recusal(activity=drawn, expert_id=reserve) is None


def test_a_membership_no_longer_active_excludes_the_reserve(gz_pool: Pool) -> None:
    suspended, removed = member(gz_pool), member(gz_pool)
    drawn = activity(gz_pool)
    # The discipline services come with a later issue; the status is what the report reads.
    Membership.objects.filter(expert_id=suspended).update(status=MembershipStatus.SUSPENDED)
    Membership.objects.filter(expert_id=removed).update(status=MembershipStatus.REMOVED)

    for expert_id in (suspended, removed):
        found = reserve_recusal(activity=drawn, expert_id=expert_id)
        assert found is not None
        assert (found.expert_id, found.rule, found.clause) == (expert_id, "not_an_active_member", "")
        assert found.detail == "is no longer an active member of the pool holding a needed category"


def test_a_reserve_outside_the_needed_categories_is_excluded(gz_pool: Pool) -> None:
    other_category = member(gz_pool, categories=CATEGORIES[gz_pool.slug][1:])
    drawn = activity(gz_pool, needs=((CATEGORIES[gz_pool.slug][0], 3),))

    found = reserve_recusal(activity=drawn, expert_id=other_category)

    assert found is not None
    assert found.rule == "not_an_active_member"


def test_a_conflict_declared_after_the_draw_excludes_the_reserve_with_its_clause(gz_pool: Pool) -> None:
    subject = org("某化工有限公司")
    reserve = member(gz_pool)
    drawn = activity(gz_pool, subjects=(subject,))
    DeclaredConflict.objects.create(expert_id=reserve, organisation=subject, relation="曾为其提供咨询")

    found = reserve_recusal(activity=drawn, expert_id=reserve)

    assert found is not None
    assert (found.rule, found.clause) == ("declared_conflict", CLAUSES[gz_pool.slug])
    assert "某化工有限公司" in found.detail


def test_a_colleague_seated_meanwhile_excludes_the_reserve(gz_pool: Pool) -> None:
    seated = member(gz_pool, employer_name="同一设计院")
    reserve = member(gz_pool, employer_name="同一设计院")
    drawn = activity(gz_pool)
    seat(drawn, seated, status=PanelSeat.Status.ACCEPTED)

    found = reserve_recusal(activity=drawn, expert_id=reserve)

    assert found is not None
    assert found.rule == "one_per_employer"


def test_the_service_cap_reached_meanwhile_excludes_the_reserve(ur_pool: Pool) -> None:
    cap = ur_pool.policy.rules.service_cap
    assert cap is not None
    busy, fresh = member(ur_pool), member(ur_pool)
    for n in range(cap.max_services):
        seat(at(ur_pool, START - (n + 1) * 10 * DAY), busy, status=PanelSeat.Status.ACCEPTED)
    drawn = at(ur_pool, START)

    found = reserve_recusal(activity=drawn, expert_id=busy)

    assert found is not None
    assert (found.rule, found.clause) == ("service_cap", cap.clause)
    assert reserve_recusal(activity=drawn, expert_id=fresh) is None


def test_a_reserve_who_became_pool_staff_is_excluded(gz_pool: Pool, gz_admin: User) -> None:
    reserve = member(gz_pool)
    user = User.objects.create_user(username="reserve_turned_reviewer", password=None)
    Expert.objects.filter(pk=reserve).update(user=user)
    drawn = activity(gz_pool)
    pool_role_grant(actor=gz_admin, user=user, pool=gz_pool, role=Role.REVIEWER)

    found = reserve_recusal(activity=drawn, expert_id=reserve)

    assert found is not None
    assert found.rule == "pool_staff"
