"""E-mail to applicants, queued once the transaction commits (core.delivery), so a rolled-back
change never mails anybody."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from expertpool.applications.models import Application
from expertpool.core.delivery import mail_after_commit


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

    mail_after_commit(
        subject_template="applications/email/subject.txt",
        body_template="applications/email/status_changed.txt",
        context=context,
        recipients=[recipient],
    )
