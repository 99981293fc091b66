from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit record."""


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    """Bulk updates and deletes bypass ``save()`` and ``delete()``: refuse them too.

    This guards against mistakes in code; PostgreSQL's trigger (migration 0002)
    guards against raw SQL as well.
    """

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit records cannot be deleted.")


class AuditRecord(models.Model):
    """One append-only, hash-chained entry of the audit log.

    ``hash`` covers every other column and the previous record's hash, so an
    altered, inserted or missing record breaks the chain (see ``verify_chain``).
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept beside the key so the record stays readable if the account is renamed.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    pool = models.ForeignKey("pools.Pool", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    clause = models.CharField(_("clause"), max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager[AuditRecord]] = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit records cannot be deleted.")


class AuditChainHead(models.Model):
    """A single row holding the newest sequence and hash.

    Appending locks this row, so concurrent writers queue up instead of forking
    the chain; it also lets verification notice records missing from the end.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    objects: ClassVar[models.Manager[AuditChainHead]]

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton")]

    def __str__(self) -> str:
        return f"head #{self.sequence}"
