"""Who may ask the eligibility engine about a pool."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import has_any_role
from expertpool.pools.models import Pool

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser


def get_pool_for_participant(user: AnyUser, slug: str) -> Pool:
    """The pool, if the user holds any role in it (applicants and units check too);
    "not found" alike for missing and forbidden."""
    pool = Pool.objects.select_related("policy").filter(slug=slug).first()
    if pool is None or not has_any_role(user, pool, Role.values):
        raise Http404
    return pool
