"""Granting and revoking pool roles; the only writers of ``PoolRole``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.accounts.permissions import has_any_role
from expertpool.audit.services import audit_log
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool

# Users who act for a unit must say which one.
UNIT_ROLES = frozenset({Role.CLIENT_UNIT, Role.NOMINATING_UNIT})


def _check_actor(actor: User | None, pool: Pool) -> None:
    """Only the platform (``actor=None``), superusers and the pool's admins manage its roles."""
    if actor is not None and not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may manage its roles."))


@transaction.atomic
def pool_role_grant(
    *, actor: User | None, user: User, pool: Pool, role: str, organisation: Organisation | None = None
) -> PoolRole:
    """Give ``user`` ``role`` in ``pool``.

    Raises ``PermissionDenied`` unless the actor administers the pool, and
    ``ValidationError`` for an unknown role, a unit role without its unit, or a
    role already held. Audit code: ``pool_role.granted``.
    """
    _check_actor(actor, pool)
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role: %(role)s.") % {"role": role}]})
    if role in UNIT_ROLES and organisation is None:
        raise ValidationError({"organisation": [_("A client-unit or nominating-unit role needs its organisation.")]})
    if PoolRole.objects.filter(user=user, pool=pool, role=role).exists():
        raise ValidationError({"role": [_("The user already holds this role in the pool.")]})
    pool_role = PoolRole.objects.create(user=user, pool=pool, role=role, organisation=organisation)
    audit_log(
        actor=actor,
        action="pool_role.granted",
        target=pool_role,
        pool=pool,
        data={"user": user.get_username(), "role": role, "organisation": organisation.pk if organisation else None},
    )
    return pool_role


@transaction.atomic
def pool_role_revoke(*, actor: User | None, pool_role: PoolRole) -> None:
    """Take a role away; the audit log keeps who held it. Audit code: ``pool_role.revoked``."""
    _check_actor(actor, pool_role.pool)
    audit_log(
        actor=actor,
        action="pool_role.revoked",
        target=pool_role,
        pool=pool_role.pool,
        data={"user": pool_role.user.get_username(), "role": pool_role.role},
    )
    pool_role.delete()
