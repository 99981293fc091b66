"""Admin for activities and declared conflicts: read-only, scoped to the user's pools.

Every change goes through ``activities.services`` (audited); there is no admin
form for them yet, and nothing is ever deleted.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from expertpool.accounts.admin import PoolScopedAdmin
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed, DeclaredConflict

_M = TypeVar("_M", bound=models.Model)
_C = TypeVar("_C", bound=models.Model)


class ReadOnlyPoolScopedAdmin(PoolScopedAdmin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


class ActivityInline(admin.TabularInline[_C, Activity]):
    """Rows shown as requested; the parent admin decides who sees them."""

    # Django passes the parent to inline permission hooks; the stubs type it as the child.
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:  # type: ignore[override]
        return True

    def has_add_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:  # type: ignore[override]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:  # type: ignore[override]
        return False


class PartyInline(ActivityInline[ActivityParty]):
    model = ActivityParty
    fields = ("role", "organisation")


class CategoryNeedInline(ActivityInline[CategoryNeed]):
    model = CategoryNeed
    fields = ("category", "count")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyPoolScopedAdmin[Activity]):
    list_display = ("title", "pool", "kind", "client_unit", "starts_at", "panel_size", "status")
    list_select_related = ("pool", "client_unit")
    list_filter = ("status", ("pool", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title",)
    inlines = (PartyInline, CategoryNeedInline)


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(ReadOnlyPoolScopedAdmin[DeclaredConflict]):
    pool_lookup = "expert__memberships__pool"
    list_display = ("expert", "organisation", "person_name", "relation", "declared_at", "ended_on")
    list_select_related = ("expert", "organisation")
    search_fields = ("expert__name", "person_name", "organisation__name")
