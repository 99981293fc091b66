"""Answering an invitation: through the signed link (no sign-in: the link is the
credential) or in the expert's account. Changes are POST only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from expertpool.accounts.models import User
from expertpool.draws.invitation_links import check_answerable, seat_from_token
from expertpool.draws.invitation_notices import activity_facts, kind_name
from expertpool.draws.invitations import NOTE_MAX_LENGTH, invitation_accept, invitation_decline
from expertpool.draws.models import PanelSeat
from expertpool.draws.selectors_invitations import expert_invitations, get_invitation_for_user


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for declining"),
        choices=PanelSeat.DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason for declining from the list.")},
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “other”. For a conflict of interest, say what the relation is."),
    )


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _link_actor(request: HttpRequest, seat: PanelSeat) -> User | None:
    """The link answers for the expert; a signed-in user is named only if it is the expert."""
    user = request.user
    if isinstance(user, User) and user.pk == seat.expert.user_id:
        return user
    return None


def _seat_from_link(request: HttpRequest, token: str) -> PanelSeat | HttpResponse:
    try:
        return seat_from_token(token)
    except ValidationError as exc:
        return render(request, "draws/invitation_invalid.html", {"error": exc.messages[0]}, status=400)


def _answer_page(
    request: HttpRequest, seat: PanelSeat, token: str, form: DeclineForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    closed = ""
    try:
        check_answerable(seat)
    except ValidationError as exc:
        closed = exc.messages[0]
        # An answered link says so plainly; an expired or closed one is refused.
        status = status if exc.code == "answered" else 400
    context = {
        **activity_facts(seat.activity),
        "seat": seat,
        "token": token,
        "form": form,
        "closed": closed,
        "error": "" if error == closed else error,
    }
    return render(request, "draws/invitation_answer.html", context, status=status)


@require_safe
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the link: what the activity is, and accept or decline."""
    found = _seat_from_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    return _answer_page(request, found, token, DeclineForm())


@require_POST
def answer_accept(request: HttpRequest, token: str) -> HttpResponse:
    found = _seat_from_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    try:
        invitation_accept(seat=found, actor=_link_actor(request, found), via="link")
    except ValidationError as exc:
        found.refresh_from_db()
        return _answer_page(request, found, token, DeclineForm(), status=400, error=" ".join(exc.messages))
    messages.success(request, gettext("Thank you: you have accepted the invitation."))
    return redirect("invitations:answer", token=token)


@require_POST
def answer_decline(request: HttpRequest, token: str) -> HttpResponse:
    found = _seat_from_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            invitation_decline(seat=found, actor=_link_actor(request, found), via="link", **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
            found.refresh_from_db()
        else:
            messages.success(request, gettext("You have declined the invitation. Thank you for telling us."))
            return redirect("invitations:answer", token=token)
    return _answer_page(request, found, token, form, status=400)


def _mine_page(request: HttpRequest, forms_by_seat: dict[int, DeclineForm], status: int = 200) -> HttpResponse:
    rows: list[dict[str, Any]] = [
        {
            "seat": seat,
            "kind_name": kind_name(seat.activity),
            "subjects": [party.organisation.name for party in getattr(seat.activity, "subjects", [])],
            "answerable": _answerable(seat),
            "form": forms_by_seat.get(seat.pk) or DeclineForm(auto_id=f"id_{seat.pk}_%s"),
        }
        for seat in expert_invitations(user=request.user)
    ]
    return render(request, "draws/invitation_list.html", {"rows": rows}, status=status)


def _answerable(seat: PanelSeat) -> bool:
    try:
        check_answerable(seat)
    except ValidationError:
        return False
    return True


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in expert's invitations, newest first, with the same choice as the link."""
    return _mine_page(request, {})


def _account_answer(request: HttpRequest, pk: int, *, decline: bool) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # login_required has run
        raise Http404
    seat = get_invitation_for_user(user, pk)
    form = DeclineForm(request.POST if decline else None, auto_id=f"id_{seat.pk}_%s")
    if decline and not form.is_valid():
        return _mine_page(request, {seat.pk: form}, status=400)
    try:
        if decline:
            invitation_decline(seat=seat, actor=user, via="account", **form.cleaned_data)
        else:
            invitation_accept(seat=seat, actor=user, via="account")
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        if decline:
            _apply_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
        return _mine_page(request, {seat.pk: form} if decline else {}, status=400)
    done = gettext("You have declined the invitation.") if decline else gettext("You have accepted the invitation.")
    messages.success(request, done)
    return redirect("invitations:mine")


@login_required
@require_POST
def mine_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_answer(request, pk, decline=False)


@login_required
@require_POST
def mine_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_answer(request, pk, decline=True)
