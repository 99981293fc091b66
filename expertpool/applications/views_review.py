"""The reviewers' console: qualification review, review meetings, the proposed list,
public notices and objections (GZ 四（三）（四）, UR 第八、九条).

Pool staff read everything; deciding is for pool admins and reviewers, and the
services refuse anyone else (403). Every page fetches through the selectors, so
another pool's rows are "not found".
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expertpool.accounts.models import Role, User
from expertpool.accounts.permissions import can_see_personal_data, has_any_role
from expertpool.applications import notices, review
from expertpool.applications.models import Application, Objection, PublicNotice, ReviewDecision, ReviewMeeting
from expertpool.applications.review_display import (
    attachment_names,
    declaration_items,
    eligibility_view,
    form_view,
)
from expertpool.applications.selectors import (
    STAFF_VISIBLE,
    application_history,
    application_list,
    application_status_counts,
    get_application_for_staff,
    get_meeting_for_staff,
    get_notice_for_staff,
    get_objection_for_staff,
    meeting_decisions,
    meeting_list,
    notice_applications,
    notice_list,
    notice_objections,
    pool_staff,
)
from expertpool.applications.services import application_eligibility
from expertpool.applications.states import Status
from expertpool.audit.services import audit_log
from expertpool.core.workdays import WorkdayCalendarError, add_working_days
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Pool

PAGE_SIZE = 25
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


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


# Applications -----------------------------------------------------------------


class ApplicationFilterForm(forms.Form):
    search = forms.CharField(
        label=gettext_lazy("Name"), max_length=50, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *((s.value, s.label) for s in STAFF_VISIBLE)],
    )


@login_required
@require_safe
def application_list_view(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """The pool's submitted applications with counts per status, filtered and paginated."""
    pool = get_pool_for_user(request.user, pool_slug)
    filters = ApplicationFilterForm(request.GET)
    filters.is_valid()  # an invalid value is reported beside its field and left out
    status, search = filters.cleaned_data.get("status", ""), filters.cleaned_data.get("search", "")
    page = Paginator(application_list(pool=pool, status=status, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = application_status_counts(pool)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "pool": pool,
        "filters": filters,
        "page": page,
        "status_counts": [(s.value, s.label, counts.get(s.value, 0)) for s in STAFF_VISIBLE],
        "total": sum(counts.values()),
        "current_status": status,
        "query": query.urlencode(),
    }
    return render(request, "applications/review/application_list.html", context)


class DecisionForm(forms.Form):
    """Field names are the service's keywords, so its refusals land beside their field."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=ReviewDecision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required to reject or return; shown to the applicant."),
    )
    confirmed_declarations = forms.MultipleChoiceField(required=False)
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Review meeting"),
        queryset=ReviewMeeting.objects.none(),
        required=False,
        empty_label=gettext_lazy("No meeting"),
    )

    def __init__(self, *args: Any, pool: Pool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declarations = self.fields["confirmed_declarations"]
        if isinstance(declarations, forms.MultipleChoiceField):
            declarations.choices = [(d.code, d.code) for d in pool.policy.rules.declarations]
        meeting = self.fields["meeting"]
        if isinstance(meeting, forms.ModelChoiceField):
            meeting.queryset = ReviewMeeting.objects.filter(pool=pool)


@login_required
@GET_OR_POST
@never_cache
def application_review(request: HttpRequest, pool_slug: str, pk: int) -> HttpResponse:
    """The application and its checks side by side, with the decision form.

    ID number and mobile appear in full only for roles that check them against
    documents; each such view is audited as ``application.personal_data_viewed``.
    """
    pool = get_pool_for_user(request.user, pool_slug)
    application = get_application_for_staff(request.user, pool, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None, pool=pool)
    if form.is_bound and form.is_valid():
        try:
            decision = review.application_review(
                actor=_user(request),
                application=application,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                confirmed_declarations=form.cleaned_data["confirmed_declarations"],
                meeting=form.cleaned_data["meeting"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Decision recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()}
            )
            return redirect("console:application_review", pool_slug=pool.slug, pk=application.pk)
    return _render_review(request, pool, application, form)


def _render_review(request: HttpRequest, pool: Pool, application: Application, form: DecisionForm) -> HttpResponse:
    full = can_see_personal_data(request.user, pool)
    if full:
        audit_log(
            actor=_user(request),
            action="application.personal_data_viewed",
            target=application,
            pool=pool,
            data={"fields": ["id_number", "mobile"], "via": "console"},
        )
    policy = pool.policy.rules
    names = attachment_names(policy)
    recheck = request.method == "GET" and "recheck" in request.GET
    context = {
        "pool": pool,
        "application": application,
        "personal_data_full": full,
        "form_view": form_view(application, full_personal_data=full),
        "attachments": [(item, names.get(item.kind, item.kind)) for item in application.attachments.all()],
        "unit_opinions": list(application.unit_opinions.all()),
        "eligibility": eligibility_view(application.eligibility, policy),
        "recheck": eligibility_view(application_eligibility(application), policy) if recheck else None,
        "declarations": declaration_items(application, request.POST.getlist("confirmed_declarations")),
        "form": form,
        "may_decide": has_any_role(request.user, pool, review.REVIEW_ROLES),
        "in_review": application.status == Status.QUALIFICATION_REVIEW,
        "history": application_history(application),
    }
    return render(request, "applications/review/application_review.html", context)


# Review meetings ---------------------------------------------------------------


@login_required
@require_safe
def meeting_list_view(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    context = {
        "pool": pool,
        "meetings": meeting_list(pool),
        "may_convene": has_any_role(request.user, pool, {Role.POOL_ADMIN}),
    }
    return render(request, "applications/review/meeting_list.html", context)


class MeetingForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("name of a document or activity", "Title"), max_length=200)
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, pool: Pool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = self.fields["participants"]
        if isinstance(participants, forms.ModelMultipleChoiceField):
            participants.queryset = pool_staff(pool)


@login_required
@GET_OR_POST
def meeting_create(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """Record a review meeting (批次) and who took part."""
    pool = get_pool_for_user(request.user, pool_slug)
    form = MeetingForm(
        request.POST if request.method == "POST" else None, pool=pool, initial={"held_on": timezone.localdate()}
    )
    if form.is_bound and form.is_valid():
        try:
            meeting = review.review_meeting_create(
                actor=_user(request),
                pool=pool,
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
                participants=list(form.cleaned_data["participants"]),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Review meeting recorded."))
            return redirect("console:meeting_detail", pool_slug=pool.slug, pk=meeting.pk)
    context = {"pool": pool, "form": form, "may_convene": has_any_role(request.user, pool, {Role.POOL_ADMIN})}
    return render(request, "applications/review/meeting_form.html", context)


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pool_slug: str, pk: int) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    meeting = get_meeting_for_staff(request.user, pool, pk)
    context = {"pool": pool, "meeting": meeting, "decisions": meeting_decisions(meeting)}
    return render(request, "applications/review/meeting_detail.html", context)


# The proposed list ------------------------------------------------------------------


class PublishForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title of the notice"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty for the default title."),
    )


@login_required
@GET_OR_POST
def proposed_list(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """The approved applications and, for pool admins, publishing them: a public notice
    under a policy with one, admission at once under a policy without (UR 第八、九条)."""
    pool = get_pool_for_user(request.user, pool_slug)
    applications = notices.proposed_list(pool)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            notice = notices.proposed_list_publish(actor=_user(request), pool=pool, title=form.cleaned_data["title"])
        except (ValidationError, WorkdayCalendarError) as exc:
            _add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            return _published(request, pool, notice, len(applications))
    rules = pool.policy.rules
    today = timezone.localdate()
    context = {
        "pool": pool,
        "applications": applications,
        "form": form,
        "may_publish": has_any_role(request.user, pool, {Role.POOL_ADMIN}),
        "public_notice": rules.public_notice,
        "term": rules.term,
        "today": today,
        **_notice_preview(rules.public_notice.working_days if rules.public_notice else None, today),
    }
    return render(request, "applications/review/proposed_list.html", context)


def _notice_preview(working_days: int | None, today: datetime.date) -> dict[str, Any]:
    """The end date a notice published today would have, or why it cannot be computed."""
    if working_days is None:
        return {"preview_ends_on": None, "preview_error": ""}
    try:
        return {"preview_ends_on": add_working_days(today, working_days), "preview_error": ""}
    except WorkdayCalendarError as exc:
        return {"preview_ends_on": None, "preview_error": str(exc)}


def _published(request: HttpRequest, pool: Pool, notice: PublicNotice | None, count: int) -> HttpResponse:
    if notice is None:
        messages.success(
            request,
            ngettext("%(count)d applicant admitted.", "%(count)d applicants admitted.", count) % {"count": count},
        )
        return redirect("console:proposed_list", pool_slug=pool.slug)
    messages.success(request, _("Public notice published; it ends on %(date)s.") % {"date": notice.ends_on.isoformat()})
    return redirect("console:notice_detail", pool_slug=pool.slug, pk=notice.pk)


# Public notices and objections ------------------------------------------------------


@login_required
@require_safe
def notice_list_view(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    context = {
        "pool": pool,
        "notices": notice_list(pool),
        "may_admit": has_any_role(request.user, pool, {Role.POOL_ADMIN}),
        "today": timezone.localdate(),
    }
    return render(request, "applications/review/notice_list.html", context)


class ObjectionResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (Objection.State.UPHELD.value, gettext_lazy("Uphold (the application is rejected)")),
            (Objection.State.DISMISSED.value, gettext_lazy("Dismiss")),
        ],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _objection_form(objection: Objection, data: Any = None) -> ObjectionResolveForm:
    return ObjectionResolveForm(data, prefix=f"objection-{objection.pk}")


@login_required
@require_safe
def notice_detail(request: HttpRequest, pool_slug: str, pk: int) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    return _render_notice(request, pool, get_notice_for_staff(request.user, pool, pk))


def _render_notice(
    request: HttpRequest, pool: Pool, notice: PublicNotice, bound: ObjectionResolveForm | None = None
) -> HttpResponse:
    objections = [
        (objection, bound if bound is not None and bound.prefix == f"objection-{objection.pk}" else None)
        for objection in notice_objections(notice)
    ]
    context = {
        "pool": pool,
        "notice": notice,
        "applications": notice_applications(notice),
        "objections": [(objection, form or _objection_form(objection)) for objection, form in objections],
        "may_resolve": has_any_role(request.user, pool, review.REVIEW_ROLES),
        "may_admit": has_any_role(request.user, pool, {Role.POOL_ADMIN}),
        "today": timezone.localdate(),
    }
    return render(request, "applications/review/notice_detail.html", context)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pool_slug: str, pk: int, objection_id: int) -> HttpResponse:
    """Uphold (the application is rejected) or dismiss an objection, with the reason."""
    pool = get_pool_for_user(request.user, pool_slug)
    notice = get_notice_for_staff(request.user, pool, pk)
    objection = get_objection_for_staff(request.user, notice, objection_id)
    form = _objection_form(objection, request.POST)
    if form.is_valid():
        try:
            notices.objection_resolve(
                actor=_user(request),
                objection=objection,
                upheld=form.cleaned_data["outcome"] == Objection.State.UPHELD,
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Objection resolved."))
            return redirect("console:notice_detail", pool_slug=pool.slug, pk=notice.pk)
    return _render_notice(request, pool, notice, bound=form)


@login_required
@require_POST
def notices_admit(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """Run admission now for this pool, as the scheduler would: everyone whose notice
    has ended without an open objection is admitted."""
    pool = get_pool_for_user(request.user, pool_slug)
    admitted = notices.notices_close_due(actor=_user(request), pool=pool)
    if admitted:
        messages.success(
            request,
            ngettext("%(count)d applicant admitted.", "%(count)d applicants admitted.", len(admitted))
            % {"count": len(admitted)},
        )
    else:
        messages.info(
            request,
            _(
                "Nobody was admitted: applicants are admitted the day after their notice ends, "
                "and only while no objection to them is open."
            ),
        )
    back = request.POST.get("notice", "")
    if back.isdigit() and notice_list(pool).filter(pk=int(back)).exists():
        return redirect("console:notice_detail", pool_slug=pool.slug, pk=int(back))
    return redirect("console:notice_list", pool_slug=pool.slug)
