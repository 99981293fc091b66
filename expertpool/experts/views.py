"""The console's expert registry pages: list, detail and attachment download.

Every page fetches through ``get_pool_for_user`` / ``get_membership_for_user``,
so another pool's experts are "not found".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails

from expertpool.accounts.models import User
from expertpool.accounts.permissions import can_see_personal_data
from expertpool.audit.services import audit_log
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.draws.selectors import ServiceCounts, service_counts
from expertpool.experts.models import (
    TITLE_LEVEL_CHOICES,
    Attachment,
    CredentialKind,
    Expert,
    Membership,
    MembershipStatus,
)
from expertpool.experts.selectors import get_membership_for_user, get_pool_for_user, membership_list
from expertpool.pools.models import Category, Pool

PAGE_SIZE = 25
TITLE_LEVEL_LABELS = dict(TITLE_LEVEL_CHOICES)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def age_on(birth_date: datetime.date, today: datetime.date) -> int:
    """Age in completed years (周岁)."""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


class ExpertFilterForm(forms.Form):
    search = forms.CharField(
        label=_("Name or employer"), max_length=100, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    industry_code = forms.CharField(
        label=_("Industry code (prefix)"),
        max_length=4,
        required=False,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]{1,4}$",
                _("Enter up to 4 letters or digits of a GB/T 4754 code."),
                flags=re.IGNORECASE,
            )
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *MembershipStatus.choices]
    )

    def __init__(self, *args: Any, pool: Pool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(pool=pool, is_active=True).order_by("position")
        category = self.fields["category"]
        if isinstance(category, forms.ChoiceField):
            category.choices = [("", _("Any category")), *((c.code, c.display_name) for c in categories)]

    def clean_industry_code(self) -> str:
        return str(self.cleaned_data["industry_code"]).strip().upper()


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    expert: Expert
    age: int
    title_level: str
    categories: list[Category]


def _member_row(membership: Membership, today: datetime.date) -> MemberRow:
    expert = membership.expert
    return MemberRow(
        membership=membership,
        expert=expert,
        age=age_on(expert.birth_date, today),
        title_level=str(TITLE_LEVEL_LABELS[expert.title_level]),
        categories=list(membership.categories.all()),
    )


@login_required
@require_safe
def expert_list(request: HtmxHttpRequest, pool_slug: str) -> HttpResponse:
    """The pool's members, filtered and paginated; htmx swaps just the table."""
    pool = get_pool_for_user(request.user, pool_slug)
    filters = ExpertFilterForm(request.GET, pool=pool)
    filters.is_valid()  # invalid values are reported beside their field and left out
    values = {name: filters.cleaned_data.get(name, "") for name in ("search", "category", "industry_code", "status")}
    page = Paginator(membership_list(pool=pool, **values), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "pool": pool,
        "filters": filters,
        "page": page,
        "rows": [_member_row(membership, today) for membership in page],
        "query": query.urlencode(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "experts/_expert_table.html" if partial else "experts/expert_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _attachments(pool: Pool, expert: Expert) -> QuerySet[Attachment]:
    """The expert's documents filed for this pool or for no pool in particular."""
    return Attachment.objects.filter(Q(pool=pool) | Q(pool__isnull=True), expert=expert)


def _attachment_names(pool: Pool) -> dict[str, str]:
    english = (get_language() or "").startswith("en")
    return {item.code: item.name_en if english else item.name for item in pool.policy.rules.attachments}


@login_required
@require_safe
@never_cache
def expert_detail(request: HttpRequest, pool_slug: str, expert_id: int) -> HttpResponse:
    """Everything the application forms hold, grouped as they are.

    ID number and mobile are shown in full only to roles that check them against
    documents; each such view is audited as ``expert.personal_data_viewed``.
    """
    pool = get_pool_for_user(request.user, pool_slug)
    membership = get_membership_for_user(request.user, pool, expert_id)
    expert = membership.expert
    full = can_see_personal_data(request.user, pool)
    if full:
        audit_log(
            actor=_actor(request),
            action="expert.personal_data_viewed",
            target=expert,
            pool=pool,
            data={"fields": ["id_number", "mobile"], "via": "console"},
        )
    credentials = list(expert.credentials.all())
    names = _attachment_names(pool)
    context = {
        "pool": pool,
        "membership": membership,
        "expert": expert,
        "personal_data_full": full,
        "id_number": expert.id_number if full else mask_id_number(expert.id_number),
        "mobile": expert.mobile if full else mask_phone(expert.mobile),
        "age": age_on(expert.birth_date, timezone.localdate()),
        "title_level": TITLE_LEVEL_LABELS[expert.title_level],
        "titles": [c for c in credentials if c.kind == CredentialKind.TITLE],
        "qualifications": [c for c in credentials if c.kind == CredentialKind.QUALIFICATION],
        "attachments": [(item, names.get(item.kind, item.kind)) for item in _attachments(pool, expert)],
        **_service(pool, expert.pk),
    }
    return render(request, "experts/expert_detail.html", context)


def _service(pool: Pool, expert_id: int) -> dict[str, object]:
    """How often the expert was drawn, invited and served here; within the cap's period too."""
    cap = pool.policy.rules.service_cap
    counts = service_counts(pool=pool, expert_ids=[expert_id]).get(expert_id, ServiceCounts())
    recent = None
    if cap is not None:
        since = timezone.now() - datetime.timedelta(days=cap.period_days)
        recent = service_counts(pool=pool, expert_ids=[expert_id], since=since).get(expert_id, ServiceCounts())
    return {"service": counts, "service_recent": recent, "service_cap": cap}


@login_required
@require_safe
@never_cache
def attachment_download(request: HttpRequest, pool_slug: str, expert_id: int, attachment_id: int) -> FileResponse:
    """Serve a document as a download, after the same check as the expert's page.

    Files live outside MEDIA_URL; this view is their only way out. Audit code:
    ``attachment.downloaded``.
    """
    pool = get_pool_for_user(request.user, pool_slug)
    membership = get_membership_for_user(request.user, pool, expert_id)
    attachment = _attachments(pool, membership.expert).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_log(
        actor=_actor(request),
        action="attachment.downloaded",
        target=attachment,
        pool=pool,
        data={"expert": membership.expert_id, "kind": attachment.kind},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
