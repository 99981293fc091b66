"""E-mail to applicants; sent after the transaction commits, so a rolled-back
change never mails anybody."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from expertpool.applications.models import Application


def notify_applicant(application: Application, *, event: str, reason: str = "") -> None:
    """Tell the applicant that their application changed (every change, per the issue)."""
    recipient = application.applicant.email
    if not recipient:
        return
    context = {
        "application": application,
        "event": event,
        "reason": reason,
        "status_url": settings.SITE_URL.rstrip("/") + reverse("applications:status", args=[application.pk]),
    }

    def send() -> None:
        # Mail goes out in Chinese, the platform's first language.
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("applications/email/subject.txt", context).strip()
            body = render_to_string("applications/email/status_changed.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])

    transaction.on_commit(send)
