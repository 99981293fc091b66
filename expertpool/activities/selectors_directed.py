"""Reading directed selections, always through the reader's permissions.

The requesting client unit sees its own activity's requests; the pool's staff
(admins, reviewers, supervisors) see the pool's. Anyone else gets "not found",
the same answer as for a row that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from expertpool.accounts.permissions import acts_for_client_unit, can_view_registry
from expertpool.activities.models import Activity, DirectedSelection

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser
    from expertpool.pools.models import Pool

_RELATED = ("activity__pool__policy", "activity__client_unit", "requested_by", "decided_by", "letter")


def is_requesting_unit(user: AnyUser, activity: Activity) -> bool:
    """Whether ``user`` acts for the client unit that requested ``activity``."""
    return acts_for_client_unit(user, pool_id=activity.pool_id, organisation_id=activity.client_unit_id)


def get_activity_for_requester(user: AnyUser, activity_id: int) -> Activity:
    """The activity, if ``user`` acts for its client unit; 404 otherwise."""
    activity = Activity.objects.select_related("pool__policy", "client_unit").filter(pk=activity_id).first()
    if activity is None or not is_requesting_unit(user, activity):
        raise Http404
    return activity


def get_activity_for_reader(user: AnyUser, activity_id: int) -> Activity:
    """The activity, if ``user`` acts for its client unit or is staff of its pool."""
    activity = Activity.objects.select_related("pool__policy", "client_unit").filter(pk=activity_id).first()
    if activity is None or not (can_view_registry(user, activity.pool) or is_requesting_unit(user, activity)):
        raise Http404
    return activity


def directed_for_activity(activity: Activity) -> QuerySet[DirectedSelection]:
    """An activity's requests, newest first, with everything a list shows."""
    return DirectedSelection.objects.filter(activity=activity).select_related(*_RELATED).order_by("-pk")


def directed_list(*, pool: Pool, status: str = "") -> QuerySet[DirectedSelection]:
    """A pool's requests, newest first, in a fixed number of queries."""
    selections = DirectedSelection.objects.filter(activity__pool=pool).select_related(*_RELATED).order_by("-pk")
    return selections.filter(status=status) if status else selections


def get_directed_for_staff(user: AnyUser, pool: Pool, directed_id: int) -> DirectedSelection:
    """One request of ``pool`` for its staff; 404 for other pools' requests."""
    if not can_view_registry(user, pool):
        raise Http404
    directed = directed_list(pool=pool).filter(pk=directed_id).first()
    if directed is None:
        raise Http404
    return directed


def get_directed_for_requester(user: AnyUser, activity: Activity, directed_id: int) -> DirectedSelection:
    """One request of ``activity`` for its client unit; 404 otherwise."""
    if not is_requesting_unit(user, activity):
        raise Http404
    directed = directed_for_activity(activity).filter(pk=directed_id).first()
    if directed is None:
        raise Http404
    return directed


def get_directed_for_reader(user: AnyUser, directed_id: int) -> DirectedSelection:
    """One request, for its pool's staff or the requesting client unit; 404 otherwise."""
    directed = DirectedSelection.objects.select_related(*_RELATED).filter(pk=directed_id).first()
    if directed is None:
        raise Http404
    activity = directed.activity
    if not (can_view_registry(user, activity.pool) or is_requesting_unit(user, activity)):
        raise Http404
    return directed
