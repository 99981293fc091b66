"""Organisations in the admin: read-only, since no service changes them yet."""

from __future__ import annotations

from django.contrib import admin

from expertpool.accounts.admin import ReferenceDataAdmin
from expertpool.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(ReferenceDataAdmin[Organisation]):
    list_display = ("name", "uscc", "nature", "created_at")
    list_filter = ("nature",)
    search_fields = ("name", "normalised_name", "=uscc")
    fields = ("name", "uscc", "nature", "created_at")
    readonly_fields = fields
