"""Admin for the entry workflow: read-only, scoped to the user's pools.

Every change to an application goes through the workflow's services (state
checks, history, audit); the admin only shows. Its one act is "run admission
now", which calls the same service the scheduler runs.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expertpool.accounts.admin import PoolScopedAdmin, request_actor
from expertpool.applications.models import Application, Objection, PublicNotice, ReviewMeeting, StatusChange
from expertpool.applications.notices import notices_close_due
from expertpool.core.masking import mask_id_number, mask_phone

_M = TypeVar("_M", bound=models.Model)


class ReadOnlyScopedAdmin(PoolScopedAdmin[_M]):
    """Rows of the user's pools, shown and never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyScopedAdmin[Application]):
    list_display = ("applicant_name", "pool", "status", "mode", "masked_id_number", "submitted_at", "decided_at")
    list_filter = ("status", "mode", ("pool", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("pool", "applicant")
    search_fields = ("form_data__name",)
    # The form's JSON and the stored ID number stay out: the masked values stand in.
    fields = (
        "pool",
        "applicant",
        "applicant_name",
        "masked_id_number",
        "masked_mobile",
        "mode",
        "nominating_unit",
        "status",
        "pledge_version",
        "pledge_accepted_at",
        "submitted_at",
        "decided_at",
        "membership",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description=_("name"))
    def applicant_name(self, obj: Application) -> str:
        return str(obj.form_data.get("name") or obj.applicant)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj: Application) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("mobile"))
    def masked_mobile(self, obj: Application) -> str:
        return mask_phone(obj.mobile)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyScopedAdmin[StatusChange]):
    pool_lookup = "application__pool"
    list_display = ("application", "from_status", "to_status", "actor", "clause", "created_at")
    list_filter = ("to_status",)
    list_select_related = ("application__pool", "application__applicant", "actor")
    fields = ("application", "from_status", "to_status", "actor", "reason", "clause", "created_at")
    readonly_fields = fields


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(ReadOnlyScopedAdmin[ReviewMeeting]):
    list_display = ("title", "pool", "held_on", "created_by")
    list_filter = (("pool", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("pool", "created_by")
    fields = ("pool", "title", "held_on", "participants", "notes", "created_by", "created_at")
    readonly_fields = fields


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyScopedAdmin[PublicNotice]):
    list_display = ("title", "pool", "published_on", "ends_on", "working_days", "state")
    list_filter = ("state", ("pool", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("pool",)
    fields = (
        "pool",
        "title",
        "published_on",
        "ends_on",
        "working_days",
        "clause",
        "state",
        "applications",
        "published_by",
        "closed_at",
    )
    readonly_fields = fields
    actions = ("run_admission",)

    @admin.action(description=_("Run admission now for the selected notices' pools"))
    def run_admission(self, request: HttpRequest, queryset: QuerySet[PublicNotice]) -> None:
        """The scheduler's admission, now, for each pool concerned (the service checks the role)."""
        actor = request_actor(request)
        admitted = []
        for pool in {notice.pool for notice in queryset.select_related("pool")}:
            admitted.extend(notices_close_due(actor=actor, pool=pool))
        self.message_user(
            request,
            ngettext("%(count)d applicant admitted.", "%(count)d applicants admitted.", len(admitted))
            % {"count": len(admitted)},
            messages.SUCCESS,
        )


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyScopedAdmin[Objection]):
    pool_lookup = "notice__pool"
    list_display = ("application", "notice", "name", "state", "filed_at", "resolved_at")
    list_filter = ("state",)
    list_select_related = ("notice", "application__pool", "application__applicant")
    fields = (
        "notice",
        "application",
        "name",
        "contact",
        "text",
        "filed_at",
        "state",
        "resolution",
        "resolved_by",
        "resolved_at",
    )
    readonly_fields = fields
