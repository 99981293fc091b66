"""Applicant accounts: sign-up with an e-mail address, confirmed by a signed link.

The e-mail address is the user name. The account stays inactive, and so cannot
log in, until the link in the confirmation mail is followed. The link is signed,
expires after ``CONFIRMATION_MAX_AGE`` and is bound to the password chosen at
sign-up: signing up again with an unconfirmed address sets a new password and
makes every earlier link useless.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from expertpool.accounts.models import User
from expertpool.audit.services import audit_log
from expertpool.core.delivery import mail_after_commit
from expertpool.core.validators import validate_email

CONFIRMATION_MAX_AGE = datetime.timedelta(days=3)
_SALT = "expertpool.accounts.email_confirm"


def _fingerprint(user: User) -> str:
    return salted_hmac(_SALT, f"{user.password}|{user.email}").hexdigest()[:20]


def confirmation_token(user: User) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(f"{user.pk}:{_fingerprint(user)}")


def _unconfirmed(user: User) -> bool:
    """Signed up, never confirmed: an account an admin deactivated has logged in before."""
    return not user.is_active and user.last_login is None


def _existing_account(address: str) -> User | None:
    return User.objects.filter(Q(username__iexact=address) | Q(email__iexact=address)).order_by("pk").first()


@transaction.atomic
def applicant_sign_up(*, email: str, password: str, next_url: str = "") -> User:
    """Create an inactive account for ``email`` and mail it a confirmation link.

    An address whose account was never confirmed may sign up again (new password,
    new link). Raises ``ValidationError`` by field (``email``, ``password``) for a
    malformed or taken address or a weak password, and changes nothing.
    Audit code: ``user.signed_up``. The mail goes out after commit.
    """
    try:
        address = validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    user = _existing_account(address)
    if user is not None and not (_unconfirmed(user) and user.username == address):
        raise ValidationError(
            {"email": [_("An account with this e-mail address exists. Log in, or reset your password.")]}
        )
    again = user is not None
    user = user or User(username=address, email=address, is_active=False)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit_log(actor=user, action="user.signed_up", target=user, data={"again": again})
    email_confirmation_send(user=user, next_url=next_url)
    return user


def email_confirmation_send(*, user: User, next_url: str = "") -> None:
    """Mail ``user`` a fresh confirmation link, after the current transaction commits."""
    path = reverse("email_confirm", args=[confirmation_token(user)])
    if next_url:
        path += "?" + urlencode({"next": next_url})
    context = {
        "user": user,
        "confirm_url": settings.SITE_URL.rstrip("/") + path,
        "days": CONFIRMATION_MAX_AGE.days,
    }
    mail_after_commit(
        subject_template="accounts/email/confirm_subject.txt",
        body_template="accounts/email/confirm_body.txt",
        context=context,
        recipients=[user.email],
        # In the language the person signed up in, as the page they came from.
        language=translation.get_language(),
    )


def email_confirmation_resend(*, email: str, next_url: str = "") -> None:
    """Send a new link if ``email`` belongs to an unconfirmed account; otherwise do
    nothing, and say nothing, so the form does not reveal who has an account."""
    try:
        address = validate_email(email)
    except ValidationError:
        return
    user = _existing_account(address)
    if user is not None and _unconfirmed(user):
        email_confirmation_send(user=user, next_url=next_url)


def email_confirmation_user(*, token: str) -> User:
    """The unconfirmed account a link is for. Raises ``ValidationError`` for a forged,
    expired or superseded link (code ``invalid`` / ``expired``) and for an address
    already confirmed (code ``already_confirmed``)."""
    invalid = ValidationError(_("This confirmation link is not valid."), code="invalid")
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This confirmation link has expired. Ask for a new one below."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise invalid from exc
    pk, _sep, fingerprint = value.partition(":")
    user = User.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if user is None:
        raise invalid
    if user.is_active:
        raise ValidationError(_("Your e-mail address is already confirmed. Log in."), code="already_confirmed")
    if not _unconfirmed(user) or not constant_time_compare(fingerprint, _fingerprint(user)):
        raise invalid
    return user


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Activate the account the link is for; see ``email_confirmation_user`` for the
    links refused. Audit code: ``user.email_confirmed``."""
    user = email_confirmation_user(token=token)
    # Two clicks at once: only one activates.
    activated = User.objects.filter(pk=user.pk, is_active=False, last_login__isnull=True).update(is_active=True)
    if not activated:
        raise ValidationError(_("Your e-mail address is already confirmed. Log in."), code="already_confirmed")
    user.is_active = True
    audit_log(actor=user, action="user.email_confirmed", target=user)
    return user
