"""Reading a pool's activities in the staff console; another pool's activity is "not found"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from expertpool.accounts.permissions import can_view_registry
from expertpool.activities.models import Activity
from expertpool.activities.selectors_client import pool_activity_list

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser
    from expertpool.pools.models import Pool


def console_activity_list(*, pool: Pool, status: str = "") -> QuerySet[Activity]:
    """The pool's activities, latest start first, with what the list shows."""
    activities = pool_activity_list(pool=pool).select_related("requested_by")
    return activities.filter(status=status) if status else activities


def get_activity_for_staff(user: AnyUser, pool: Pool, activity_id: int) -> Activity:
    """One of the pool's activities for its staff; "not found" alike for missing and forbidden."""
    if not can_view_registry(user, pool):
        raise Http404
    activity = console_activity_list(pool=pool).filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity


def get_activity_for_pool_staff(user: AnyUser, activity_id: int) -> Activity:
    """An activity for the staff of its pool, whichever pool that is; "not found" for anyone else."""
    activity = Activity.objects.select_related("pool__policy").filter(pk=activity_id).first()
    if activity is None or not can_view_registry(user, activity.pool):
        raise Http404
    return activity
