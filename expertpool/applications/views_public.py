"""Public notice pages (公示): anyone, without logging in, reads the proposed list of
a pool and may file an objection during the notice period (GZ 四（四））.

The rules (required fields, notice closed, rate limit) live in
``notices.objection_file``; this module only shows its messages beside the fields.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from expertpool.applications.models import Application, PublicNotice
from expertpool.applications.notices import objection_file
from expertpool.applications.selectors_public import (
    NoticeEntry,
    get_open_notice,
    notice_entries,
    open_notices,
    pools_with_open_notices,
)
from expertpool.experts.selectors_public import get_public_pool

logger = logging.getLogger(__name__)

# A field people never see; a bot that fills it is thanked and ignored.
HONEYPOT = "website"


class ObjectionForm(forms.Form):
    # Only the choice and the lengths are checked here; the service checks the rest.
    application = forms.TypedChoiceField(label=_("Person you object to"), coerce=int)
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("How to contact you"),
        max_length=100,
        required=False,
        help_text=_("A phone number or e-mail address; used only to resolve your objection."),
    )
    text = forms.CharField(
        label=_("Your objection"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The facts you object to, as precisely as you can."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, entries: list[NoticeEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("Choose a person")), *((e.application_id, e.name) for e in entries)]

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show the service's messages beside their fields, the others above the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


def client_address(request: HttpRequest) -> str:
    """The address the objection came from, for the rate limit. Behind a reverse proxy
    the WSGI server must pass the client's address as REMOTE_ADDR (see the docs)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every pool, with its open notices and a link to its directory."""
    return render(request, "applications/public/index.html", {"pools": pools_with_open_notices()})


@require_safe
def notice_list(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = get_public_pool(pool_slug)
    context = {"pool": pool, "notices": open_notices(pool), "today": timezone.localdate()}
    return render(request, "applications/public/notice_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def notice_detail(request: HttpRequest, pool_slug: str, pk: int) -> HttpResponse:
    """The proposed list (name, employer, title, categories) and the objection form."""
    pool = get_public_pool(pool_slug)
    notice = get_open_notice(pool, pk)
    entries = notice_entries(notice)
    form = ObjectionForm(request.POST if request.method == "POST" else None, entries=entries)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            logger.info("Objection to notice %s dropped: the hidden field was filled", notice.pk)
            return redirect("public:objection_thanks", pool_slug=pool.slug, pk=notice.pk)
        if form.is_valid() and _file(form, notice, client_address(request)):
            return redirect("public:objection_thanks", pool_slug=pool.slug, pk=notice.pk)
    context = {
        "pool": pool,
        "notice": notice,
        "entries": entries,
        "form": form,
        "accepting": timezone.localdate() <= notice.ends_on,
    }
    return render(request, "applications/public/notice_detail.html", context)


def _file(form: ObjectionForm, notice: PublicNotice, sender: str) -> bool:
    data = form.cleaned_data
    application = Application.objects.get(pk=data["application"])
    try:
        objection_file(
            notice=notice,
            application=application,
            name=data["name"],
            contact=data["contact"],
            text=data["text"],
            sender=sender,
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return False
    return True


@require_safe
def objection_thanks(request: HttpRequest, pool_slug: str, pk: int) -> HttpResponse:
    pool = get_public_pool(pool_slug)
    notice = get_object_or_404(PublicNotice, pool=pool, pk=pk)
    return render(request, "applications/public/objection_thanks.html", {"pool": pool, "notice": notice})
