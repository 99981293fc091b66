from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do in a pool comes from ``PoolRole``."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    POOL_ADMIN = "pool_admin", _("Pool admin")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    CLIENT_UNIT = "client_unit", _("Client unit")
    NOMINATING_UNIT = "nominating_unit", _("Nominating unit")
    EXPERT = "expert", _("Expert or applicant")


# The managing body's own people: they see the pool's registry.
STAFF_ROLES = frozenset({Role.POOL_ADMIN, Role.REVIEWER, Role.SUPERVISOR})
# Who may see ID numbers and phones in full (to check them against documents).
FULL_PERSONAL_DATA_ROLES = frozenset({Role.POOL_ADMIN, Role.REVIEWER})
# Who may change the registry.
WRITE_ROLES = frozenset({Role.POOL_ADMIN})


class PoolRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pool_roles")
    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # The unit a client-unit or nominating-unit user acts for.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[PoolRole]]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "pool", "role"], name="pool_role_unique")]
        verbose_name = _("pool role")
        verbose_name_plural = _("pool roles")

    def __str__(self) -> str:
        return f"{self.user} · {self.pool} · {self.get_role_display()}"
