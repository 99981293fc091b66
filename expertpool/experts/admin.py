"""Admin for the expert registry.

Only contact data is editable, and it is saved through ``expert_update_contact``
so the change is audited; every other field has no service yet and is read-only.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expertpool.accounts.admin import PoolScopedAdmin, admin_pool_ids, is_superuser, request_actor
from expertpool.audit.services import audit_log
from expertpool.core.masking import mask_id_number
from expertpool.core.validators import validate_email, validate_phone, validate_uscc
from expertpool.experts.models import (
    Achievement,
    Credential,
    Education,
    Expert,
    ExpertDistinction,
    Membership,
    WorkHistory,
)
from expertpool.experts.services import expert_update_contact

_C = TypeVar("_C", bound=models.Model)

CONTACT_FIELDS = ("mobile", "email", "address", "position")
EMPLOYER_FIELDS = ("employer_name", "employer_uscc")


class ReadOnlyInline(admin.TabularInline[_C, Expert]):
    """Rows shown as the expert gave them; the parent admin decides who sees them."""

    # Inline permission hooks receive the parent (as Django passes it), which the
    # stubs type as the child: hence the override ignores below.
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Expert | None = None) -> bool:  # type: ignore[override]
        return True

    def has_add_permission(self, request: HttpRequest, obj: Expert | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Expert | None = None) -> bool:  # type: ignore[override]
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Expert | None = None) -> bool:  # type: ignore[override]
        return False


class EducationInline(ReadOnlyInline[Education]):
    model = Education
    fields = ("start_month", "end_month", "institution", "major", "education_level", "degree", "is_postdoc")


class WorkHistoryInline(ReadOnlyInline[WorkHistory]):
    model = WorkHistory
    fields = ("start_month", "end_month", "employer_name", "position")


class CredentialInline(ReadOnlyInline[Credential]):
    model = Credential
    fields = ("kind", "name", "level", "certificate_number", "obtained_on", "issuer")


class DistinctionInline(ReadOnlyInline[ExpertDistinction]):
    model = ExpertDistinction
    fields = ("kind", "year", "note")


class AchievementInline(ReadOnlyInline[Achievement]):
    model = Achievement
    fields = ("kind", "title", "year", "description")


class MembershipInline(ReadOnlyInline[Membership]):
    """Only the memberships in the user's own pools: the others are their pools' data."""

    model = Membership
    fields = ("pool", "status", "categories", "admitted_on", "term_ends_on")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        memberships = super().get_queryset(request).select_related("pool")
        return memberships if is_superuser(request) else memberships.filter(pool__in=admin_pool_ids(request))


class ExpertContactForm(forms.ModelForm[Expert]):
    """The fields ``expert_update_contact`` may change (GZ 三（七））."""

    mobile = forms.CharField(label=_("Mobile"), max_length=20)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    employer_uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)

    class Meta:
        model = Expert
        fields = ("email", "address", "position")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer = self.instance.employer if self.instance.pk else None
        self.initial.setdefault("mobile", self.instance.mobile)
        self.initial.setdefault("employer_name", employer.name if employer else "")
        self.initial.setdefault("employer_uscc", (employer.uscc or "") if employer else "")

    def clean_mobile(self) -> str:
        return validate_phone(self.cleaned_data["mobile"])

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return validate_email(email) if email else ""

    def clean_employer_uscc(self) -> str:
        uscc: str = self.cleaned_data["employer_uscc"]
        return validate_uscc(uscc) if uscc else ""


@admin.register(Expert)
class ExpertAdmin(PoolScopedAdmin[Expert]):
    pool_lookup = "memberships__pool"
    form = ExpertContactForm
    list_display = ("name", "masked_id_number", "gender", "birth_date", "employer", "position")
    list_select_related = ("employer",)
    list_filter = ("gender", "employment_status")
    search_fields = ("name",)
    readonly_fields = (
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "masked_id_number",
        "employment_status",
        "current_specialty",
        "field_years",
        "user",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (_("Basic information"), {"fields": ("name", "gender", "birth_date", "ethnicity", "masked_id_number")}),
        (_("Contact"), {"fields": ("mobile", "email", "address")}),
        (
            _("Employer"),
            {
                "fields": (
                    "employer_name",
                    "employer_uscc",
                    "position",
                    "employment_status",
                    "current_specialty",
                    "field_years",
                )
            },
        ),
        (_("Record"), {"fields": ("user", "created_at", "updated_at")}),
    )
    inlines = (
        MembershipInline,
        CredentialInline,
        EducationInline,
        WorkHistoryInline,
        DistinctionInline,
        AchievementInline,
    )

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj: Expert) -> str:
        return mask_id_number(obj.id_number)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Experts enter through applications, imports and the API, which check the policy.
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # The form shows the mobile number in full: that is personal-data access.
        if request.method == "GET" and response.status_code == 200:
            expert = self.get_object(request, object_id)
            audit_log(
                actor=request_actor(request),
                action="expert.personal_data_viewed",
                target=expert,
                data={"via": "admin", "fields": ["mobile"]},
            )
        return response

    def save_model(self, request: HttpRequest, obj: Expert, form: Any, change: bool) -> None:
        # The form has already copied its values onto ``obj``: the service compares
        # against the stored row instead, so the audit record shows the real change.
        stored = Expert.objects.select_related("employer").get(pk=obj.pk)
        changed = set(form.changed_data)
        contact = {name: form.cleaned_data[name] for name in CONTACT_FIELDS if name in changed}
        if changed & set(EMPLOYER_FIELDS):
            contact["employer_name"] = form.cleaned_data["employer_name"]
            contact["employer_uscc"] = form.cleaned_data["employer_uscc"]
        expert_update_contact(actor=request_actor(request), expert=stored, **contact)
