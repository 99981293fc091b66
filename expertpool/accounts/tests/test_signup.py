"""Applicant accounts: sign-up, confirmation by a signed link, logging in with the e-mail, password reset."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.accounts.signup import applicant_sign_up, confirmation_token, email_confirm
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool

pytestmark = pytest.mark.usefixtures("english")

EMAIL = "Zhang.San@Example.cn"
ADDRESS = "zhang.san@example.cn"
CaptureOnCommit = Callable[..., AbstractContextManager[Any]]


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^\s/]+(/\S+)", str(message.body))
    assert found is not None, message.body
    return found.group(1)


def _sign_up(client: Client, capture: CaptureOnCommit, password: str, **extra: str) -> Any:
    with capture(execute=True):
        return client.post(reverse("signup"), {"email": EMAIL, "password1": password, "password2": password, **extra})


def test_sign_up_confirm_then_log_in_with_the_email(
    client: Client, db: None, django_capture_on_commit_callbacks: CaptureOnCommit, password: str, mailoutbox: list[Any]
) -> None:
    response = _sign_up(client, django_capture_on_commit_callbacks, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent")
    user = User.objects.get(username=ADDRESS)
    assert user.email == ADDRESS
    assert not user.is_active
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ADDRESS]
    link = _link(mailoutbox[0])
    assert link.startswith("/accounts/confirm/")

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.text
    user.refresh_from_db()
    assert not user.is_active  # opening the link alone changes nothing (mail scanners open links)

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("applications:home")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("applications:home")).status_code == 200
    actions = list(AuditRecord.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert actions == ["user.signed_up", "user.email_confirmed"]

    client.post(reverse("logout"))
    login = client.post(reverse("login"), {"username": EMAIL.upper(), "password": password})
    assert login.status_code == 302
    assert login["Location"] == reverse("applications:home")


def test_confirmation_carries_next_through(
    client: Client, db: None, django_capture_on_commit_callbacks: CaptureOnCommit, password: str, mailoutbox: list[Any]
) -> None:
    _sign_up(client, django_capture_on_commit_callbacks, password, next="/apply/invitations/abc/")
    confirmed = client.post(_link(mailoutbox[0]))
    assert confirmed["Location"] == "/apply/invitations/abc/"


def test_unconfirmed_account_cannot_log_in(
    client: Client, db: None, django_capture_on_commit_callbacks: CaptureOnCommit, password: str
) -> None:
    _sign_up(client, django_capture_on_commit_callbacks, password)
    response = client.post(reverse("login"), {"username": ADDRESS, "password": password})
    assert response.status_code == 200
    assert "Confirm your e-mail address first" in response.text
    assert "_auth_user_id" not in client.session
    # With a wrong password nothing is revealed about the account.
    wrong = client.post(reverse("login"), {"username": ADDRESS, "password": "not the password"})
    assert "Confirm your e-mail address first" not in wrong.text


def test_expired_link_is_refused(client: Client, db: None, password: str) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3, minutes=1)):
        user = applicant_sign_up(email=EMAIL, password=password)
        token = confirmation_token(user)
    response = client.post(reverse("email_confirm", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.text
    user.refresh_from_db()
    assert not user.is_active


def test_link_within_three_days_works(db: None, password: str) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2, hours=23)):
        user = applicant_sign_up(email=EMAIL, password=password)
        token = confirmation_token(user)
    assert email_confirm(token=token).is_active


def test_forged_link_is_refused(client: Client, db: None, password: str) -> None:
    user = applicant_sign_up(email=EMAIL, password=password)
    token = confirmation_token(user)
    value, signature = token.rsplit(":", 1)
    forged = value + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]
    other = applicant_sign_up(email="li.si@example.cn", password=password)
    # A valid signature for another account does not fit this one.
    swapped = confirmation_token(other).replace(f"{other.pk}:", f"{user.pk}:", 1)
    for bad in (forged, swapped, "nonsense"):
        response = client.post(reverse("email_confirm", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.text
    user.refresh_from_db()
    assert not user.is_active
    assert not AuditRecord.objects.filter(action="user.email_confirmed").exists()


def test_signing_up_again_makes_the_earlier_link_useless(db: None, password: str) -> None:
    first = confirmation_token(applicant_sign_up(email=EMAIL, password=password))
    user = applicant_sign_up(email=EMAIL, password=password + " again")
    with pytest.raises(ValidationError) as refused:
        email_confirm(token=first)
    assert refused.value.code == "invalid"
    assert email_confirm(token=confirmation_token(user)).check_password(password + " again")
    assert User.objects.filter(username=ADDRESS).count() == 1


def test_a_confirmed_address_cannot_be_signed_up_again(client: Client, db: None, password: str) -> None:
    email_confirm(token=confirmation_token(applicant_sign_up(email=EMAIL, password=password)))
    response = client.post(reverse("signup"), {"email": ADDRESS, "password1": password, "password2": password})
    assert response.status_code == 200
    assert "An account with this e-mail address exists" in response.text
    with pytest.raises(ValidationError) as again:
        email_confirm(token=confirmation_token(User.objects.get(username=ADDRESS)))
    assert again.value.code == "already_confirmed"


def test_weak_password_and_bad_address_are_named(client: Client, db: None) -> None:
    response = client.post(reverse("signup"), {"email": "not-an-address", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "Enter a valid e-mail address." in response.text
    with pytest.raises(ValidationError) as weak:
        applicant_sign_up(email=EMAIL, password="12345678")
    assert set(weak.value.message_dict) == {"password"}
    assert not User.objects.exists()


def test_resend_mails_only_unconfirmed_accounts(
    client: Client,
    django_capture_on_commit_callbacks: CaptureOnCommit,
    password: str,
    gz_admin: User,
    mailoutbox: list[Any],
) -> None:
    _sign_up(client, django_capture_on_commit_callbacks, password)
    for address in (ADDRESS, gz_admin.email, "nobody@example.cn"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("confirmation_resend"), {"email": address})
        assert response["Location"] == reverse("signup_sent")  # the same answer for all
    assert [message.to for message in mailoutbox] == [[ADDRESS], [ADDRESS]]
    assert client.post(_link(mailoutbox[1])).status_code == 302


def test_password_reset_by_mail(
    client: Client, gz_admin: User, gz_pool: Pool, password: str, mailoutbox: list[Any]
) -> None:
    # ``mailoutbox`` comes after the personas: setting up the database starts a fresh outbox.
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    response = client.post(reverse("password_reset"), {"email": gz_admin.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    link = _link(mailoutbox[0])
    assert "/accounts/password/reset/" in link
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    new_password = password + " renewed"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert "Password changed" in done.text
    gz_admin.refresh_from_db()
    assert gz_admin.check_password(new_password)
    # Staff still land on their console.
    login = client.post(reverse("login"), {"username": gz_admin.username, "password": new_password})
    assert login["Location"] == reverse("console:home")
