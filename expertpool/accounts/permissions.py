"""Who may see and change what, per pool. Every view and endpoint asks here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from expertpool.accounts.models import FULL_PERSONAL_DATA_ROLES, STAFF_ROLES, WRITE_ROLES, PoolRole, Role, User
from expertpool.pools.models import Pool

if TYPE_CHECKING:
    from expertpool.organisations.models import Organisation

    AnyUser = User | AnonymousUser


def roles_by_pool(user: AnyUser) -> dict[int, set[str]]:
    """Every role the user holds, by pool id. Cached on the user object: one query
    per request, however many checks."""
    if not user.is_authenticated:
        return {}
    cache: dict[int, set[str]] | None = user.__dict__.get("_pool_roles_cache")
    if cache is None:
        cache = {}
        for pool_id, role in PoolRole.objects.filter(user_id=user.pk).values_list("pool_id", "role"):
            cache.setdefault(pool_id, set()).add(role)
        user.__dict__["_pool_roles_cache"] = cache
    return cache


def roles_in_pool(user: AnyUser, pool: Pool) -> set[str]:
    return roles_by_pool(user).get(pool.pk, set())


def holds_role_anywhere(user: AnyUser, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(held & wanted for held in roles_by_pool(user).values())


def has_any_role(user: AnyUser, pool: Pool, roles: Iterable[str]) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return bool(roles_in_pool(user, pool) & set(roles))


def can_view_registry(user: AnyUser, pool: Pool) -> bool:
    return has_any_role(user, pool, STAFF_ROLES)


def can_change_registry(user: AnyUser, pool: Pool) -> bool:
    return has_any_role(user, pool, WRITE_ROLES)


def can_see_personal_data(user: AnyUser, pool: Pool) -> bool:
    return has_any_role(user, pool, FULL_PERSONAL_DATA_ROLES)


def pools_for_user(user: AnyUser, roles: Iterable[str] = STAFF_ROLES) -> QuerySet[Pool]:
    """The pools in which the user holds one of ``roles``."""
    if not user.is_authenticated:
        return Pool.objects.none()
    if user.is_superuser:
        return Pool.objects.all()
    return Pool.objects.filter(roles__user_id=user.pk, roles__role__in=list(roles)).distinct()


def is_pool_staff_anywhere(user: AnyUser) -> bool:
    return pools_for_user(user).exists()


__all__ = [
    "Role",
    "can_change_registry",
    "can_see_personal_data",
    "can_view_registry",
    "has_any_role",
    "is_pool_staff_anywhere",
    "pools_for_user",
    "roles_in_pool",
]


def acts_for_client_unit(user: AnyUser, *, pool_id: int, organisation_id: int) -> bool:
    """Whether ``user`` holds the client-unit role in the pool for that organisation."""
    if not user.is_authenticated:
        return False
    return PoolRole.objects.filter(
        user_id=user.pk, pool_id=pool_id, role=Role.CLIENT_UNIT, organisation_id=organisation_id
    ).exists()


def client_unit_for(user: AnyUser, pool: Pool) -> Organisation | None:
    """The organisation ``user`` acts for as a client unit of ``pool`` (the first, if several)."""
    if not user.is_authenticated:
        return None
    role = (
        PoolRole.objects.filter(user_id=user.pk, pool=pool, role=Role.CLIENT_UNIT, organisation__isnull=False)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return None if role is None else role.organisation
