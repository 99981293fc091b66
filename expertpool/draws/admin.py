"""Read-only, pool-scoped views of stored draws. The label table and the server secret are not shown."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from expertpool.accounts.admin import PoolScopedAdmin
from expertpool.draws.models import Draw, DrawReveal

_M = TypeVar("_M", bound=models.Model)


class ReadOnlyAdmin(PoolScopedAdmin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin[Draw]):
    list_display = ("pk", "activity", "commitment_hash", "committed_at", "committed_by", "supervisor")
    list_select_related = ("activity", "committed_by", "supervisor")
    exclude = ("server_secret",)


@admin.register(DrawReveal)
class DrawRevealAdmin(ReadOnlyAdmin[DrawReveal]):
    pool_lookup = "draw__pool"
    list_display = ("draw", "seed", "revealed_at", "revealed_by")
    list_select_related = ("draw", "revealed_by")
