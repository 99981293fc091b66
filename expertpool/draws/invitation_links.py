"""The signed link an invited expert answers through (docs/invitations.md, "The link").

The link is the credential: no sign-in is needed. It carries the seat's id and the
nonce of this invitation, signed with a salt of its own and valid for the policy's
answer window. It works once: answering moves the seat on, and the page then says
the invitation was answered; a later invitation of the seat gets a new nonce.
"""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expertpool.draws.models import PanelSeat

INVITATION_SALT = "expertpool.draws.seat-invitation"
# Why a seat can no longer be answered, by its status: (code, message).
CLOSED = {
    PanelSeat.Status.ACCEPTED: (
        "answered",
        gettext_noop("This invitation has already been answered: you accepted it."),
    ),
    PanelSeat.Status.DECLINED: (
        "answered",
        gettext_noop("This invitation has already been answered: you declined it."),
    ),
    PanelSeat.Status.REPLACED: (
        "answered",
        gettext_noop("This invitation has already been answered and your place has gone to a reserve."),
    ),
    PanelSeat.Status.NO_ANSWER: (
        "expired",
        gettext_noop("This invitation has expired: the time to answer has passed."),
    ),
    PanelSeat.Status.RELEASED: (
        "closed",
        gettext_noop("This invitation is no longer open: the draw was superseded or the seat released."),
    ),
    PanelSeat.Status.DRAWN: ("closed", gettext_noop("This seat has not been invited yet.")),
}


def answer_window(seat: PanelSeat) -> datetime.timedelta:
    return datetime.timedelta(hours=seat.activity.pool.policy.rules.invitations.answer_hours)


def invitation_token(seat: PanelSeat) -> str:
    return signing.dumps({"seat": seat.pk, "nonce": seat.invitation_nonce}, salt=INVITATION_SALT)


def invitation_url(seat: PanelSeat) -> str:
    path = reverse("invitations:answer", args=[invitation_token(seat)])
    return settings.SITE_URL.rstrip("/") + path


def check_answerable(seat: PanelSeat, *, now: datetime.datetime | None = None) -> None:
    """``ValidationError`` (code ``answered``, ``expired`` or ``closed``) unless the seat
    waits for its answer and the answer window is still open."""
    now = now or timezone.now()
    if seat.status == PanelSeat.Status.REPLACED and seat.answered_at is None:
        _expired()  # replaced for want of an answer
    if seat.status != PanelSeat.Status.INVITED:
        code, message = CLOSED[PanelSeat.Status(seat.status)]
        raise ValidationError(_(message), code=code)
    if seat.answer_due_at is not None and now >= seat.answer_due_at:
        _expired()


def _expired() -> NoReturn:
    code, message = CLOSED[PanelSeat.Status.NO_ANSWER]
    raise ValidationError(_(message), code=code)


def _payload(token: str, max_age: datetime.timedelta | None = None) -> dict[str, Any]:
    payload: Any = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("seat"), int):
        raise signing.BadSignature("malformed payload")
    return payload


def seat_from_token(token: str) -> PanelSeat:
    """The seat a link names; ``ValidationError`` with code ``invalid`` for a forged or
    superseded link, ``expired`` past the answer window. The seat's status is not
    checked here (see ``check_answerable``): an answered link still shows what it was for."""
    invalid = ValidationError(_("This invitation link is not valid. Use the latest link you received."), code="invalid")
    try:
        payload = _payload(token)
    except signing.BadSignature:
        raise invalid from None
    seat = (
        PanelSeat.objects.select_related("activity__pool__policy", "expert")
        .filter(pk=payload["seat"], invitation_nonce=str(payload.get("nonce", "")))
        .exclude(invitation_nonce="")
        .first()
    )
    if seat is None:
        raise invalid
    try:
        _payload(token, max_age=answer_window(seat))
    except signing.SignatureExpired:
        # A late link for a seat already answered still says it was answered.
        if seat.status == PanelSeat.Status.INVITED:
            _expired()
    return seat
