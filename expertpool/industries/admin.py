"""GB/T 4754-2017 in the admin: read-only, loaded by a data migration."""

from __future__ import annotations

from django.contrib import admin

from expertpool.accounts.admin import ReferenceDataAdmin
from expertpool.industries.models import IndustryCode


@admin.register(IndustryCode)
class IndustryCodeAdmin(ReferenceDataAdmin[IndustryCode]):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    # "^code" matches a code prefix: 32 finds 321, 3211 and the rest of the division.
    search_fields = ("^code", "name")
    fields = ("code", "name", "level", "parent")
    readonly_fields = fields
