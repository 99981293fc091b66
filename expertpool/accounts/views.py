"""Logging in, signing up and confirming an e-mail address; thin over ``accounts.signup``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from expertpool.accounts.forms import EmailAuthenticationForm, ResendConfirmationForm, SignUpForm
from expertpool.accounts.permissions import is_pool_staff_anywhere
from expertpool.accounts.signup import (
    applicant_sign_up,
    email_confirm,
    email_confirmation_resend,
    email_confirmation_user,
)


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` address if it stays on this site, else ``""``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if allowed else ""


class LoginView(auth_views.LoginView):
    """Pool staff land on their console, everyone else on their applications."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def get_default_redirect_url(self) -> str:
        if is_pool_staff_anywhere(self.request.user):
            return reverse("console:home")
        return reverse("applications:home")


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("applications:home")
    next_url = _safe_next(request)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            applicant_sign_up(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"], next_url=next_url
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            request.session["signed_up_as"] = form.cleaned_data["email"].strip().lower()
            return redirect("signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_safe
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html", {"email": request.session.get("signed_up_as", "")})


@require_http_methods(["GET", "HEAD", "POST"])
def confirmation_resend(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email_confirmation_resend(email=form.cleaned_data["email"], next_url=_safe_next(request))
        request.session["signed_up_as"] = form.cleaned_data["email"].strip().lower()
        return redirect("signup_sent")
    return render(request, "accounts/confirmation_resend.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail. GET asks for a click, so that a mail scanner opening
    links does not log anybody in; POST confirms, logs in and goes on."""
    next_url = _safe_next(request)
    try:
        if request.method == "POST":
            user = email_confirm(token=token)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your e-mail address is confirmed. Welcome."))
            return redirect(next_url or "applications:home")
        user = email_confirmation_user(token=token)
    except ValidationError as exc:
        already = exc.code == "already_confirmed"
        return render(
            request,
            "accounts/confirm.html",
            {"error": exc.messages[0], "already_confirmed": already, "resend_form": ResendConfirmationForm()},
            status=200 if already else 400,
        )
    return render(request, "accounts/confirm.html", {"email": user.email, "next": next_url})
