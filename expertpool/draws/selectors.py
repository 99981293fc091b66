"""Reading the sealed label table of a draw."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import has_any_role
from expertpool.draws.models import Draw, DrawLabel

if TYPE_CHECKING:
    from expertpool.accounts.models import User

SEALED_READERS = frozenset({Role.POOL_ADMIN, Role.SUPERVISOR})


def draw_labels(*, user: User, draw: Draw) -> dict[str, int]:
    """Label → expert id of a draw: pool admins and supervisors only (``PermissionDenied``)."""
    if not has_any_role(user, draw.pool, SEALED_READERS):
        raise PermissionDenied(_("Only the pool's admins and supervisors may open the label table."))
    return dict(DrawLabel.objects.filter(draw_id=draw.pk).values_list("label", "expert_id"))
