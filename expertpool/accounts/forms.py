"""Forms for logging in with an e-mail address, signing up and asking for a new link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from expertpool.accounts.models import User


class EmailAuthenticationForm(AuthenticationForm):
    """Applicants log in with their e-mail address (their user name); staff with either."""

    username = forms.CharField(
        label=_("E-mail address or user name"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        value = str(self.cleaned_data.get("username") or "").strip()
        # Addresses are stored in lower case at sign-up.
        return value.lower() if "@" in value else value

    def get_invalid_login_error(self) -> ValidationError:
        """Tell the owner of an unconfirmed account why, but only once the password is right."""
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        user = User.objects.filter(username=username, is_active=False, last_login__isnull=True).first()
        if user is not None and user.check_password(password):
            message = format_html(
                '{} <a href="{}">{}</a>',
                gettext("Confirm your e-mail address first: follow the link we sent you."),
                reverse("confirmation_resend"),
                gettext("Send a new link"),
            )
            return ValidationError(message, code="unconfirmed")
        return super().get_invalid_login_error()


class SignUpForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("You log in with it; we send a link to it to confirm it is yours."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        """The service names ``email`` and ``password``; the form shows the password's under its first box."""
        for field, messages in error.message_dict.items():
            self.add_error("password1" if field == "password" else field if field in self.fields else None, messages)


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
