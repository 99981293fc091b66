"""The pool staff's activity pages: the list with a status filter, and one activity
with its request, parties, needs, panel-size exception and panel.

Fetched through ``get_pool_for_user`` and ``get_activity_for_staff``: another pool's
activity is "not found". Approving a panel size is for pool admins (the service
refuses anyone else with 403).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from expertpool.accounts.models import Role, User
from expertpool.accounts.permissions import has_any_role
from expertpool.activities.models import Activity, ActivityParty
from expertpool.activities.selectors_client import kind_name, parties
from expertpool.activities.selectors_console import console_activity_list, get_activity_for_staff
from expertpool.activities.services import activity_approve_panel_size, activity_panel_size_ok, panel_rule_met
from expertpool.draws.display import seat_rows
from expertpool.draws.selectors import panel_for_viewer
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Category

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    # Behind login_required the user is always a real one.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class ActivityFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Activity.Status.choices],
    )


@login_required
@require_safe
def activity_list(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """The pool's activities, latest start first, filtered by status and paginated."""
    pool = get_pool_for_user(request.user, pool_slug)
    filters = ActivityFilterForm(request.GET)
    filters.is_valid()  # an invalid value is reported beside its field and left out
    status = filters.cleaned_data.get("status", "")
    page = Paginator(console_activity_list(pool=pool, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "pool": pool,
        "filters": filters,
        "page": page,
        "rows": [(activity, kind_name(pool, activity.kind)) for activity in page.object_list],
        "query": query.urlencode(),
    }
    return render(request, "activities/console_activity_list.html", context)


@login_required
@require_safe
def activity_detail(request: HttpRequest, pool_slug: str, activity_id: int) -> HttpResponse:
    """One activity as requested, and its panel as far as the viewer may see it (audited)."""
    pool = get_pool_for_user(request.user, pool_slug)
    activity = get_activity_for_staff(request.user, pool, activity_id)
    try:
        panel = panel_for_viewer(activity=activity, viewer=_user(request))
    except PermissionDenied:
        panel = None  # reviewers: the managing body's panel is for admins and supervisors
    categories = {c.code: c.display_name for c in Category.objects.filter(pool=pool)}
    rule = pool.policy.rules.panel
    context = {
        "pool": pool,
        "activity": activity,
        "kind_name": kind_name(pool, activity.kind),
        "subjects": parties(activity, ActivityParty.Role.SUBJECT),
        "consultants": parties(activity, ActivityParty.Role.CONSULTANT),
        "needs": list(activity.category_needs.all()),
        "panel_rule": rule,
        "size_in_rule": panel_rule_met(rule, activity.panel_size),
        "size_ok": activity_panel_size_ok(activity),
        "may_approve": has_any_role(request.user, pool, {Role.POOL_ADMIN}),
        "panel": panel,
        "seat_rows": seat_rows(panel, categories),
    }
    return render(request, "activities/console_activity_detail.html", context)


@login_required
@require_POST
def activity_approve_panel_size_view(request: HttpRequest, pool_slug: str, activity_id: int) -> HttpResponse:
    """A pool admin approves a panel size outside the policy's rule (its reason is on record)."""
    pool = get_pool_for_user(request.user, pool_slug)
    activity = get_activity_for_staff(request.user, pool, activity_id)
    try:
        activity_approve_panel_size(actor=_user(request), activity=activity)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Panel size approved."))
    return redirect("console:activity_detail", pool_slug=pool.slug, activity_id=activity.pk)
