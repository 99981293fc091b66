"""The audit log in the admin: read-only, filtered to the user's pools."""

from __future__ import annotations

import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from expertpool.accounts.admin import PoolScopedAdmin
from expertpool.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(PoolScopedAdmin[AuditRecord]):
    """Records are append-only: no add, no change, no delete. Records without a
    pool (platform-wide acts) are seen by superusers only."""

    list_display = ("sequence", "created_at", "action", "actor_label", "pool", "object_type", "object_id", "clause")
    list_filter = ("action", ("pool", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("pool",)
    search_fields = ("action", "actor_label", "object_id")
    date_hierarchy = "created_at"
    fields = (
        "sequence",
        "created_at",
        "actor_label",
        "action",
        "pool",
        "object_type",
        "object_id",
        "clause",
        "data_display",
        "previous_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description=_("data"))
    def data_display(self, obj: AuditRecord) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(obj.data, ensure_ascii=False, indent=2, sort_keys=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditRecord | None = None) -> bool:
        return False
