"""Pools, policies and categories in the Django admin: read-only, except for
creating a pool from a policy file, which platform operators (superusers) do here.

Nothing is edited or deleted in place: a changed policy is a new version, and
pools are only ever created through ``pool_create``, which writes the audit log.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertpool.accounts.models import User
from expertpool.pools.forms import PolicyFileForm
from expertpool.pools.models import Category, Policy, Pool
from expertpool.pools.policy import PolicyError, Problem
from expertpool.pools.services import pool_create


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyMixin, admin.ModelAdmin[Policy]):
    list_display = ("slug", "version", "name", "created_at")
    list_filter = ("slug",)
    fields = ("slug", "version", "name", "checksum", "created_at", "pool_list", "document_yaml")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("pools"))
    def pool_list(self, policy: Policy) -> str:
        return ", ".join(pool.slug for pool in policy.pools.all()) or "-"

    @admin.display(description=gettext_lazy("document"))
    def document_yaml(self, policy: Policy) -> SafeString:
        # Through the model so keys come in the format's order, whatever the database did to them.
        text = yaml.safe_dump(policy.rules.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=100)
        return format_html('<pre class="policy-document">{}</pre>', text)


class CategoryInline(ReadOnlyMixin, admin.TabularInline[Category, Pool]):
    model = Category
    fields = ("position", "code", "name", "name_en", "clause", "requires_industry_codes", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Pool)
class PoolAdmin(ReadOnlyMixin, admin.ModelAdmin[Pool]):
    list_display = ("slug", "name", "managing_body", "policy", "is_active", "created_at")
    list_select_related = ("policy",)
    fields = ("slug", "name", "name_en", "managing_body", "policy", "is_active", "created_at")
    readonly_fields = fields
    inlines = (CategoryInline,)

    def get_urls(self) -> list[URLPattern]:
        create = path(
            "create-from-policy/",
            self.admin_site.admin_view(self.create_from_policy_view),
            name="pools_pool_create_from_policy",
        )
        return [create, *super().get_urls()]

    def create_from_policy_view(self, request: HttpRequest) -> HttpResponse:
        """Upload or paste a policy file; on success the pool exists with its categories."""
        user = request.user
        if not isinstance(user, User) or not user.is_superuser:
            raise PermissionDenied
        form = PolicyFileForm(request.POST or None, request.FILES or None)
        problems: list[Problem] = []
        if request.method == "POST" and form.is_valid():
            try:
                pool = pool_create(
                    actor=user,
                    policy_text=form.cleaned_data["text"],
                    slug=form.cleaned_data["slug"],
                    name=form.cleaned_data["name"],
                    name_en=form.cleaned_data["name_en"],
                )
            except PolicyError as exc:
                problems = exc.problems
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                self.message_user(
                    request,
                    _("Pool %(slug)s created with %(count)d categories.")
                    % {"slug": pool.slug, "count": pool.categories.count()},
                    messages.SUCCESS,
                )
                return redirect("admin:pools_pool_change", pool.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create a pool from a policy file"),
            "opts": self.opts,
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/pools/pool/create_from_policy.html", context)


def _add_service_errors(form: PolicyFileForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@admin.register(Category)
class CategoryAdmin(ReadOnlyMixin, admin.ModelAdmin[Category]):
    list_display = ("pool", "position", "code", "name", "clause", "requires_industry_codes", "is_active")
    list_filter = ("pool", "is_active")
    list_select_related = ("pool",)
    fields = (
        "pool",
        "position",
        "code",
        "name",
        "name_en",
        "subfields",
        "clause",
        "requires_industry_codes",
        "is_active",
    )
    readonly_fields = fields
