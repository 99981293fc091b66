"""The public front page, the console home and each pool's dashboard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from expertpool.accounts.permissions import pools_for_user
from expertpool.experts.models import Membership, MembershipStatus
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Category, Pool


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    members: int


@dataclass(frozen=True)
class PoolSummary:
    pool: Pool
    members: int
    categories: list[CategoryCount]


def _category_counts(pools: Iterable[Pool]) -> dict[int, list[CategoryCount]]:
    """Active members per active category, for each pool, in one query."""
    categories = (
        Category.objects.filter(pool__in=list(pools), is_active=True)
        .annotate(members=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)))
        .order_by("pool_id", "position")
    )
    counts: dict[int, list[CategoryCount]] = defaultdict(list)
    for category in categories:
        counts[category.pool_id].append(CategoryCount(category=category, members=category.members))
    return counts


def _active_members(pools: Iterable[Pool]) -> dict[int, int]:
    rows = (
        Membership.objects.filter(pool__in=list(pools), status=MembershipStatus.ACTIVE)
        .values_list("pool_id")
        .annotate(members=Count("pk"))
    )
    return dict(rows)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"pools": Pool.objects.filter(is_active=True)})


@login_required
@require_safe
def console_home(request: HttpRequest) -> HttpResponse:
    """The pools the user is staff of, with active members per category."""
    pools = list(pools_for_user(request.user))
    categories = _category_counts(pools)
    members = _active_members(pools)
    summaries = [
        PoolSummary(pool=pool, members=members.get(pool.pk, 0), categories=categories.get(pool.pk, []))
        for pool in pools
    ]
    return render(request, "core/console_home.html", {"summaries": summaries})


@login_required
@require_safe
def pool_home(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """One pool's dashboard: the policy it runs under and its members at a glance."""
    pool = get_pool_for_user(request.user, pool_slug)
    by_status = dict(Membership.objects.filter(pool=pool).values_list("status").annotate(n=Count("pk")))
    status_counts = [(label, by_status.get(value, 0)) for value, label in MembershipStatus.choices]
    context = {
        "pool": pool,
        "policy": pool.policy,
        "source": pool.policy.rules.source,
        "status_counts": status_counts,
        "total": sum(by_status.values()),
        "category_counts": _category_counts([pool]).get(pool.pk, []),
    }
    return render(request, "core/pool_home.html", context)
