"""Admin for users and pool roles, and the pool scoping every other admin builds on.

The admin serves platform operators (superusers) and pool admins (``is_staff``
with the pool-admin role). Pool admins need no Django model permissions: what
they may see follows from their pools alone.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.accounts.permissions import pools_for_user
from expertpool.accounts.services import UNIT_ROLES, pool_role_grant, pool_role_revoke
from expertpool.audit.services import audit_log

admin.site.site_header = _("Expert-pool platform administration")
admin.site.site_title = _("Expert-pool platform")
admin.site.index_title = _("Pools, experts and users")

_M = TypeVar("_M", bound=models.Model)


def request_actor(request: HttpRequest) -> User | None:
    """The signed-in user as an audit actor."""
    return request.user if isinstance(request.user, User) else None


def admin_pool_ids(request: HttpRequest) -> list[int]:
    """The pools the user administers, cached on the request (every check asks)."""
    cached: list[int] | None = getattr(request, "_admin_pool_ids", None)
    if cached is None:
        cached = list(pools_for_user(request.user, roles=[Role.POOL_ADMIN]).values_list("pk", flat=True))
        request._admin_pool_ids = cached  # type: ignore[attr-defined]
    return cached


def is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_superuser)


class PoolScopedAdmin(admin.ModelAdmin[_M]):
    """Limits rows to the user's pools unless superuser; deletion is never offered.

    ``pool_lookup`` is the path from the model to its pool. Another pool's row is
    "not found" (404), the same as a missing one.
    """

    pool_lookup: ClassVar[str] = "pool"

    def scope(self, request: HttpRequest, queryset: QuerySet[_M]) -> QuerySet[_M]:
        if is_superuser(request):
            return queryset
        scoped = queryset.filter(**{f"{self.pool_lookup}__in": admin_pool_ids(request)})
        return scoped.distinct() if "__" in self.pool_lookup else scoped

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        return self.scope(request, super().get_queryset(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> _M | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def in_scope(self, request: HttpRequest, obj: _M | None) -> bool:
        if is_superuser(request):
            return True
        if not admin_pool_ids(request):
            return False
        return obj is None or self.scope(request, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.in_scope(request, None)

    def has_view_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return self.in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return self.in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.in_scope(request, None)

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Any, str, str] | None]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReferenceDataAdmin(admin.ModelAdmin[_M]):
    """Shared reference data (organisations, industry codes): every admin user may
    read it, nobody changes it here, since no service does so yet."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request) or bool(admin_pool_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    """Platform operators only; every change is also written to the audit log."""

    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Profile"), {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return is_superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Any, str, str] | None]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # The admin's own log hooks see every add, change and password change;
    # the messages name fields, never their values.
    def log_addition(self, request: HttpRequest, obj: User, message: Any) -> Any:
        audit_log(actor=request_actor(request), action="user.created", target=obj, data={"change": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: User, message: Any) -> Any:
        audit_log(actor=request_actor(request), action="user.changed", target=obj, data={"change": message})
        return super().log_change(request, obj, message)


class PoolRoleForm(forms.ModelForm[PoolRole]):
    class Meta:
        model = PoolRole
        fields = ("user", "pool", "role", "organisation")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("role") in UNIT_ROLES and not cleaned.get("organisation"):
            self.add_error("organisation", _("A client-unit or nominating-unit role needs its organisation."))
        return cleaned


@admin.register(PoolRole)
class PoolRoleAdmin(PoolScopedAdmin[PoolRole]):
    """Roles are granted and revoked, never edited: each is one audited act."""

    form = PoolRoleForm
    list_display = ("user", "pool", "role", "organisation", "created_at")
    list_filter = ("role", ("pool", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "pool", "organisation")
    search_fields = ("user__username", "user__display_name")
    actions = ("revoke",)

    def has_change_permission(self, request: HttpRequest, obj: PoolRole | None = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "pool":
            kwargs["queryset"] = pools_for_user(request.user, roles=[Role.POOL_ADMIN])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: PoolRole, form: Any, change: bool) -> None:
        granted = pool_role_grant(
            actor=request_actor(request), user=obj.user, pool=obj.pool, role=obj.role, organisation=obj.organisation
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the granted row.
        obj.pk, obj.created_at = granted.pk, granted.created_at
        obj._state.adding = False

    @admin.action(description=_("Revoke the selected roles"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PoolRole]) -> None:
        roles = list(queryset.select_related("user", "pool"))
        for pool_role in roles:
            pool_role_revoke(actor=request_actor(request), pool_role=pool_role)
        self.message_user(
            request,
            ngettext("%(count)d role revoked.", "%(count)d roles revoked.", len(roles)) % {"count": len(roles)},
            messages.SUCCESS,
        )
