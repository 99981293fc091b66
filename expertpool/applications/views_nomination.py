"""Unit nomination pages: the nominating unit's home (its invitations and the
applications it vouches for), its preliminary review of one application, and the
invitee's landing page behind the signed link.

The unit sees the form as filled in, with the ID number and phone masked: it
vouches for the person, it does not check identity documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.invitations import (
    INVITATION_VALID_DAYS,
    application_unit_review,
    invitation_check_usable,
    invitation_expires_at,
    invitation_from_token,
    invitation_is_pending,
    nomination_accept,
    nomination_invite,
)
from expertpool.applications.models import Application, Mode, NominationInvitation, StatusChange, UnitOpinion
from expertpool.applications.review import may_give_unit_opinion
from expertpool.applications.review_display import attachment_names, declaration_items, eligibility_view, form_view
from expertpool.applications.states import Status
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool

MAX_MESSAGE_LENGTH = 2000


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Expert's name"), max_length=50)
    email = forms.EmailField(label=_("Expert's e-mail"))
    message = forms.CharField(
        label=_("Message to the expert"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UnitOpinionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result of the preliminary review"),
        choices=UnitOpinion.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose recommended or not recommended.")},
    )
    # The service holds the same rules; checked here too so that every gap shows at once.
    opinion = forms.CharField(
        label=_("Opinion of the unit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the unit's opinion.")},
    )
    stamped_scan = forms.FileField(
        label=_("Stamped opinion (scan as PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": _("Upload the unit's stamped opinion.")},
    )


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _add_errors(form: forms.Form, error: ValidationError, *, default_field: str | None = None) -> None:
    """Show a service's refusal beside the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(default_field, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# The unit's home ---------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    invitation: NominationInvitation
    state: str  # "accepted", "pending" or "expired"


def _invitation_row(invitation: NominationInvitation) -> InvitationRow:
    if invitation.application_id is not None:
        return InvitationRow(invitation, "accepted")
    return InvitationRow(invitation, "pending" if invitation_is_pending(invitation) else "expired")


@dataclass
class UnitSection:
    """What one nominating-unit role shows: the unit's invitations and applications in one pool."""

    pool: Pool
    organisation: Organisation | None
    accepts_nominations: bool
    form: InvitationForm
    invitations: list[InvitationRow] = field(default_factory=list)
    groups: list[tuple[str, list[Application]]] = field(default_factory=list)


def _unit_sections(user: User, bound: tuple[int, InvitationForm] | None = None) -> list[UnitSection]:
    roles = list(
        PoolRole.objects.filter(user_id=user.pk, role=Role.NOMINATING_UNIT)
        .select_related("pool__policy", "organisation")
        .order_by("pool__name")
    )
    units = [(role.pool_id, role.organisation_id) for role in roles if role.organisation_id is not None]
    invitations: dict[tuple[int, int], list[InvitationRow]] = defaultdict(list)
    applications: dict[tuple[int, int], list[Application]] = defaultdict(list)
    if units:
        sent = NominationInvitation.objects.filter(_in_units(units, "organisation_id"))
        for invitation in sent.select_related("application"):
            invitations[(invitation.pool_id, invitation.organisation_id)].append(_invitation_row(invitation))
        nominated = Application.objects.filter(_in_units(units, "nominating_unit_id"))
        for application in nominated.select_related("applicant").order_by("submitted_at", "pk"):
            if application.nominating_unit_id is not None:
                applications[(application.pool_id, application.nominating_unit_id)].append(application)
    sections = []
    for role in roles:
        key = (role.pool_id, role.organisation_id or 0)
        form = bound[1] if bound is not None and bound[0] == role.pool_id else InvitationForm()
        sections.append(
            UnitSection(
                pool=role.pool,
                organisation=role.organisation,
                accepts_nominations=Mode.UNIT in role.pool.policy.rules.application.nomination_modes,
                form=form,
                invitations=invitations[key],
                groups=_by_status(applications[key]),
            )
        )
    return sections


def _in_units(units: list[tuple[int, int]], unit_field: str) -> Q:
    """Rows of any of the (pool, organisation) pairs, in one query."""
    condition = Q()
    for pool_id, organisation_id in units:
        condition |= Q(pool_id=pool_id, **{unit_field: organisation_id})
    return condition


def _by_status(applications: Iterable[Application]) -> list[tuple[str, list[Application]]]:
    """Applications grouped by status, the one awaiting the unit first, then in workflow order."""
    grouped: dict[str, list[Application]] = defaultdict(list)
    for application in applications:
        grouped[application.status].append(application)
    order = [Status.PRELIMINARY_REVIEW, *(status for status in Status if status != Status.PRELIMINARY_REVIEW)]
    return [(str(status.label), grouped[status.value]) for status in order if grouped[status.value]]


def _render_home(request: HttpRequest, sections: list[UnitSection], *, status: int = 200) -> HttpResponse:
    context = {"sections": sections, "valid_days": INVITATION_VALID_DAYS}
    return render(request, "applications/unit/home.html", context, status=status)


@login_required
@require_safe
def unit_home(request: HttpRequest) -> HttpResponse:
    """Per pool: the unit's invitations (pending, accepted, expired), the applications it
    nominates or whose employer it is, grouped by status, and the form to invite an expert."""
    return _render_home(request, _unit_sections(_actor(request)))


@login_required
@require_POST
def unit_invite(request: HttpRequest, pool_slug: str) -> HttpResponse:
    actor = _actor(request)
    role = (
        PoolRole.objects.filter(user_id=actor.pk, pool__slug=pool_slug, role=Role.NOMINATING_UNIT)
        .select_related("pool__policy")
        .first()
    )
    if role is None:
        raise Http404
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = nomination_invite(
                actor=actor,
                pool=role.pool,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("The invitation was sent to %(email)s. The link is valid for %(days)d days.")
                % {"email": invitation.email, "days": INVITATION_VALID_DAYS},
            )
            return redirect("applications:unit_home")
    return _render_home(request, _unit_sections(actor, bound=(role.pool_id, form)), status=400)


# The unit's preliminary review ----------------------------------------------------


def get_application_for_unit(user: User, pk: int) -> Application:
    """A submitted application, for its nominating unit or the pool's admins; "not found"
    alike for missing and forbidden. Drafts stay the applicant's own until submitted."""
    application = (
        Application.objects.filter(pk=pk)
        .exclude(status=Status.DRAFT)
        .select_related("pool__policy", "nominating_unit", "applicant")
        .prefetch_related(
            "attachments",
            Prefetch("unit_opinions", queryset=UnitOpinion.objects.select_related("organisation", "given_by")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
        )
        .first()
    )
    if application is None or not may_give_unit_opinion(user, application):
        raise Http404
    return application


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unit_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The application read-only, its attachments and eligibility, its history, and,
    while it awaits the unit, the preliminary-review form."""
    actor = _actor(request)
    application = get_application_for_unit(actor, pk)
    open_for_review = application.status == Status.PRELIMINARY_REVIEW and application.nominating_unit_id is not None
    form = UnitOpinionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not open_for_review:
            messages.error(request, gettext("This application is not awaiting the unit's preliminary review."))
            return redirect("applications:unit_review", pk=application.pk)
        response = _record_opinion(request, actor, application, form)
        if response is not None:
            return response
    return render(
        request,
        "applications/unit/review.html",
        {
            "application": application,
            "form": form,
            "open_for_review": open_for_review,
            # The unit's people go back to their home; a pool admin came from the console.
            "acting_for_unit": _acts_for_unit(actor, application),
            **_review_context(application),
        },
        status=400 if form.errors else 200,
    )


def _acts_for_unit(user: User, application: Application) -> bool:
    return PoolRole.objects.filter(
        user_id=user.pk,
        pool_id=application.pool_id,
        role=Role.NOMINATING_UNIT,
        organisation_id=application.nominating_unit_id or 0,
    ).exists()


def _record_opinion(
    request: HttpRequest, actor: User, application: Application, form: UnitOpinionForm
) -> HttpResponseRedirect | None:
    if not form.is_valid():
        return None
    try:
        application_unit_review(
            actor=actor,
            application=application,
            recommended=form.cleaned_data["outcome"] == UnitOpinion.Outcome.RECOMMENDED,
            opinion=form.cleaned_data["opinion"],
            stamped_scan=form.cleaned_data["stamped_scan"],
        )
    except ValidationError as exc:
        # A refused file (UploadRejected) names its rule; it belongs beside the upload.
        _add_errors(form, exc, default_field="stamped_scan")
        return None
    messages.success(request, gettext("The unit's opinion was recorded."))
    return redirect("applications:unit_review", pk=application.pk)


def _review_context(application: Application) -> dict[str, Any]:
    """The form as the unit reads it (ID number and phone masked), with the reviewers'
    presenters, so the unit and the pool see the same application."""
    policy = application.pool.policy.rules
    names = attachment_names(policy)
    return {
        "form_view": form_view(application, full_personal_data=False),
        "eligibility": eligibility_view(application.eligibility, policy),
        "declarations": declaration_items(application),
        "attachments": [(names.get(a.kind, a.kind), a) for a in application.attachments.all() if not a.superseded],
    }


# The invitee's landing page --------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """What the invitation is about; signed in, the invitee accepts it and starts the
    application. Signed out, they log in or sign up and come back here (``next``)."""
    try:
        found = invitation_from_token(token)
    except ValidationError as exc:
        return render(request, "applications/invitation_invalid.html", {"error": exc.messages[0]}, status=400)
    try:
        invitation_check_usable(found)
    except ValidationError as exc:
        context = {"error": exc.messages[0], "invitation": found}
        return render(request, "applications/invitation_invalid.html", context, status=400)
    error = ""
    if request.method == "POST":
        if not isinstance(request.user, User):
            return redirect_to_login(request.get_full_path())
        try:
            application = nomination_accept(actor=request.user, invitation=found)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, gettext("Your application has been started. Complete it, sign it and submit it."))
            return redirect("applications:status", application.pk)
    return render(
        request,
        "applications/invitation.html",
        {"invitation": found, "expires_at": invitation_expires_at(found), "error": error},
        status=400 if error else 200,
    )
