"""Directed selection pages: the client unit's request form and list, and the pool
staff's list, detail and decision (UR 第十二条).

Pages fetch through ``selectors_directed`` (and ``get_pool_for_user``), so another
unit's activity or another pool's request is "not found". Deciding is for pool
admins; the services refuse anyone else (403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expertpool.accounts.models import Role, User
from expertpool.accounts.permissions import can_see_personal_data, has_any_role
from expertpool.activities import directed as services
from expertpool.activities.models import DirectedSelection
from expertpool.activities.selectors_directed import (
    directed_for_activity,
    directed_list,
    get_activity_for_requester,
    get_directed_for_requester,
    get_directed_for_staff,
)
from expertpool.audit.services import audit_log
from expertpool.core.masking import mask_phone
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Pool

PAGE_SIZE = 25
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
LETTER_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def _user(request: HttpRequest) -> User:
    # Behind login_required the user is always a real one.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal beside the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class DirectedRequestForm(forms.Form):
    """Field names are the service's keywords; the service checks the rules, so the
    page and the API give the same messages."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=50, required=False)
    employer_name = forms.CharField(label=gettext_lazy("Employer"), max_length=200, required=False)
    title = forms.CharField(label=gettext_lazy("Professional title"), max_length=100, required=False)
    specialty = forms.CharField(label=gettext_lazy("Specialty"), max_length=200, required=False)
    mobile = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("A mobile number, or a landline with its area code."),
    )
    email = forms.CharField(label=gettext_lazy("E-mail"), max_length=254, required=False, widget=forms.EmailInput())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why the pool's experts cannot meet the need (special specialty, none available, …)."),
    )
    letter = forms.FileField(
        label=gettext_lazy("Written request"),
        required=False,
        widget=forms.FileInput(attrs={"accept": LETTER_ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: a lazy text interpolated at import would freeze its language.
        self.fields["letter"].help_text = _("The signed letter: a PDF, or a JPEG or PNG scan, at most %(mb)d MB.") % {
            "mb": services.LETTER_MAX_MB
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required to refuse; the client unit is shown it."),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *DirectedSelection.Status.choices],
    )


# The client unit ----------------------------------------------------------------


@login_required
@GET_OR_POST
def directed_request(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The client unit names an expert from outside the pool, with its signed letter."""
    activity = get_activity_for_requester(request.user, activity_id)
    form = DirectedRequestForm(request.POST, request.FILES) if request.method == "POST" else DirectedRequestForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.directed_request(actor=_user(request), activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Directed selection requested; the pool's admins will decide on it."))
            return redirect("client:directed_list", activity_id=activity.pk)
    context = {
        "activity": activity,
        "form": form,
        "closed": activity.status in services.CLOSED,
        "clause": services.directed_clause(activity.pool),
    }
    return render(request, "activities/directed_request.html", context)


@login_required
@require_safe
@never_cache
def directed_client_list(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The activity's directed selections as the client unit follows them."""
    activity = get_activity_for_requester(request.user, activity_id)
    rows = [(directed, mask_phone(directed.mobile)) for directed in directed_for_activity(activity)]
    context = {"activity": activity, "rows": rows, "closed": activity.status in services.CLOSED}
    return render(request, "activities/directed_client_list.html", context)


@login_required
@require_safe
@never_cache
def directed_client_letter(request: HttpRequest, activity_id: int, directed_id: int) -> FileResponse:
    activity = get_activity_for_requester(request.user, activity_id)
    directed = get_directed_for_requester(request.user, activity, directed_id)
    return _letter_response(request, directed)


# The pool's staff -----------------------------------------------------------------


@login_required
@require_safe
def directed_console_list(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """The pool's directed selections, newest first, filtered by status."""
    pool = get_pool_for_user(request.user, pool_slug)
    filters = StatusFilterForm(request.GET)
    filters.is_valid()  # an invalid value is reported beside its field and left out
    status = filters.cleaned_data.get("status", "")
    page = Paginator(directed_list(pool=pool, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"pool": pool, "filters": filters, "page": page, "query": query.urlencode()}
    return render(request, "activities/directed_list.html", context)


@login_required
@require_safe
@never_cache
def directed_detail(request: HttpRequest, pool_slug: str, directed_id: int) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    directed = get_directed_for_staff(request.user, pool, directed_id)
    return _render_detail(request, pool, directed, DecisionForm())


@login_required
@require_POST
def directed_decide(request: HttpRequest, pool_slug: str, directed_id: int) -> HttpResponse:
    """Approve or refuse; a refusal needs its reason."""
    pool = get_pool_for_user(request.user, pool_slug)
    directed = get_directed_for_staff(request.user, pool, directed_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = services.directed_approve if form.cleaned_data["decision"] == "approve" else services.directed_refuse
        try:
            decide(actor=_user(request), directed=directed, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded; the client unit has been told."))
            return redirect("console:directed_detail", pool_slug=pool.slug, directed_id=directed.pk)
    return _render_detail(request, pool, directed, form)


@login_required
@require_safe
@never_cache
def directed_console_letter(request: HttpRequest, pool_slug: str, directed_id: int) -> FileResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    directed = get_directed_for_staff(request.user, pool, directed_id)
    return _letter_response(request, directed)


def _render_detail(request: HttpRequest, pool: Pool, directed: DirectedSelection, form: DecisionForm) -> HttpResponse:
    """The phone is shown in full only to roles that check personal data; each such
    view is audited as ``directed_selection.personal_data_viewed``."""
    full = can_see_personal_data(request.user, pool)
    if full and directed.mobile:
        audit_log(
            actor=_user(request),
            action="directed_selection.personal_data_viewed",
            target=directed,
            pool=pool,
            data={"fields": ["mobile"]},
        )
    context: dict[str, Any] = {
        "pool": pool,
        "directed": directed,
        "mobile": directed.mobile if full else mask_phone(directed.mobile),
        "personal_data_full": full,
        "may_decide": has_any_role(request.user, pool, {Role.POOL_ADMIN}),
        "form": form,
        "clause": services.directed_clause(pool),
    }
    return render(request, "activities/directed_detail.html", context)


def _letter_response(request: HttpRequest, directed: DirectedSelection) -> FileResponse:
    """Letters live outside MEDIA_URL; these views are their only way out."""
    try:
        letter, handle = services.directed_letter_open(actor=_user(request), directed=directed)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=letter.original_name or "letter",
        content_type=letter.content_type or "application/octet-stream",
    )
