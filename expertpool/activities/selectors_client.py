"""Reading activities as a client unit or the pool's staff sees them.

An activity belongs to its client unit: a client-unit user sees the activities of
the unit they act for, in the pools where they act for it; the pool's staff see
all of the pool's. Everyone else gets "not found", the same as for a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from expertpool.accounts.models import PoolRole, Role
from expertpool.accounts.permissions import can_view_registry
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed
from expertpool.activities.services import panel_rule_met
from expertpool.pools.models import Pool

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser
    from expertpool.organisations.models import Organisation


@dataclass(frozen=True)
class ClientUnit:
    """One pool in which the user acts for a client unit."""

    pool: Pool
    organisation: Organisation


def client_units(user: AnyUser) -> list[ClientUnit]:
    """The (pool, organisation) pairs the user acts for as a client unit, by pool name."""
    if not user.is_authenticated:
        return []
    roles = (
        PoolRole.objects.filter(user_id=user.pk, role=Role.CLIENT_UNIT, organisation__isnull=False)
        .select_related("pool__policy", "organisation")
        .order_by("pool__name", "pk")
    )
    return [ClientUnit(role.pool, role.organisation) for role in roles if role.organisation is not None]


def get_client_unit(user: AnyUser, pool_slug: str) -> ClientUnit:
    """The unit the user acts for in the pool; "not found" for any other user."""
    for unit in client_units(user):
        if unit.pool.slug == pool_slug:
            return unit
    raise Http404


def _with_details(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Everything a list or detail shows, in a fixed number of queries."""
    return activities.select_related("pool__policy", "client_unit", "panel_size_approved_by").prefetch_related(
        Prefetch("parties", queryset=ActivityParty.objects.select_related("organisation").order_by("pk")),
        Prefetch("category_needs", queryset=CategoryNeed.objects.select_related("category").order_by("position")),
    )


def client_activity_list(units: list[ClientUnit]) -> list[Activity]:
    """The activities of the units, latest start first."""
    if not units:
        return []
    condition = Q()
    for unit in units:
        condition |= Q(pool_id=unit.pool.pk, client_unit_id=unit.organisation.pk)
    return list(_with_details(Activity.objects.filter(condition)))


def pool_activity_list(*, pool: Pool, client_unit: Organisation | None = None) -> QuerySet[Activity]:
    """A pool's activities, or only one client unit's."""
    activities = Activity.objects.filter(pool=pool)
    if client_unit is not None:
        activities = activities.filter(client_unit=client_unit)
    return _with_details(activities)


def is_client_of(user: AnyUser, activity: Activity) -> bool:
    """Whether the user acts for the activity's client unit in its pool."""
    return any(
        unit.pool.pk == activity.pool_id and unit.organisation.pk == activity.client_unit_id
        for unit in client_units(user)
    )


def get_activity_for_client(user: AnyUser, pk: int) -> Activity:
    """An activity for its client unit's users; "not found" alike for missing and forbidden."""
    activity = _with_details(Activity.objects.filter(pk=pk)).first()
    if activity is None or not is_client_of(user, activity):
        raise Http404
    return activity


def get_activity_for_user(user: AnyUser, pk: int) -> Activity:
    """An activity for its client unit's users and its pool's staff; "not found" otherwise."""
    activity = _with_details(Activity.objects.filter(pk=pk)).first()
    if activity is None or not (is_client_of(user, activity) or can_view_registry(user, activity.pool)):
        raise Http404
    return activity


def kind_name(pool: Pool, code: str) -> str:
    """The policy's name for an activity kind, in the reader's language (the code if unknown)."""
    english = (get_language() or "").startswith("en")
    for kind in pool.policy.rules.activity_kinds:
        if kind.code == code:
            return kind.name_en if english else kind.name
    return code


def parties(activity: Activity, role: str) -> list[Organisation]:
    """The activity's subjects or consultants, from the prefetched parties."""
    return [party.organisation for party in activity.parties.all() if party.role == role]


def panel_size_state(activity: Activity, pool: Pool) -> str:
    """``within_rule``, ``approved`` (outside the rule, approved) or ``awaiting_approval``."""
    if activity.panel_size_approved_at is not None:
        return "approved"
    if panel_rule_met(pool.policy.rules.panel, activity.panel_size):
        return "within_rule"
    return "awaiting_approval"
