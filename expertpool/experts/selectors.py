"""Reading the expert registry, always through the reader's permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from expertpool.accounts.permissions import can_change_registry, can_view_registry
from expertpool.experts.models import Expert, Membership, id_number_digest
from expertpool.pools.models import Category, Pool

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser


def get_pool_for_user(user: AnyUser, slug: str, *, write: bool = False) -> Pool:
    """The pool, if the user is its staff; "not found" alike for missing and forbidden."""
    pool = Pool.objects.select_related("policy").filter(slug=slug).first()
    allowed = can_change_registry if write else can_view_registry
    if pool is None or not allowed(user, pool):
        raise Http404
    return pool


def membership_list(
    *, pool: Pool, search: str = "", category: str = "", industry_code: str = "", status: str = ""
) -> QuerySet[Membership]:
    """A pool's members with everything a list shows, in a fixed number of queries."""
    memberships = (
        Membership.objects.filter(pool=pool)
        .select_related("expert", "expert__employer")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position")),
            "industry_codes",
            "expert__credentials",
            "expert__distinctions",
        )
        .order_by("expert__name", "expert__pk")
    )
    if search:
        memberships = memberships.filter(
            Q(expert__name__icontains=search) | Q(expert__employer__name__icontains=search)
        )
    if category:
        memberships = memberships.filter(categories__code=category)
    if industry_code:
        memberships = memberships.filter(industry_codes__code__startswith=industry_code)
    if status:
        memberships = memberships.filter(status=status)
    return memberships.distinct() if (category or industry_code) else memberships


def get_membership_for_user(user: AnyUser, pool: Pool, expert_id: int, *, write: bool = False) -> Membership:
    """One member of ``pool`` as seen by ``user``; 404 for other pools' experts."""
    allowed = can_change_registry if write else can_view_registry
    if not allowed(user, pool):
        raise Http404
    membership = (
        Membership.objects.filter(pool=pool, expert_id=expert_id)
        .select_related("expert", "expert__employer", "pool")
        .prefetch_related(
            "categories",
            "industry_codes",
            "expert__education",
            "expert__work_history",
            "expert__credentials",
            "expert__distinctions",
            "expert__achievements",
        )
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def expert_by_id_number(id_number: str) -> Expert | None:
    return Expert.objects.filter(id_number_digest=id_number_digest(id_number)).first()
