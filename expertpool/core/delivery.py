"""Mail and text messages leave through the task queue, once the transaction commits.

A message is rendered when the change is made, in the platform's first language
(Chinese) unless told otherwise, and handed to a task after the commit: a
rolled-back change messages nobody, and a mail server or SMS gateway that is slow
or down can neither turn a committed change into an error page nor stop the
messages queued after its own. The embedded default runs each task at once
(``ImmediateBackend``); with the database queue a worker sends them (README,
"Scheduled work"). Either way a failed send is logged with its traceback, and the
queue's result records it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from expertpool.core.sms import send_sms


@task()
def deliver_mail(subject: str, body: str, recipients: list[str]) -> int:
    """Send one rendered e-mail; returns how many were sent (0 or 1)."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@task()
def deliver_sms(to: str, text: str) -> int:
    """Send one rendered text message; returns how many were sent (0 or 1)."""
    return send_sms(to=to, text=text)


def mail_after_commit(
    *,
    subject_template: str,
    body_template: str,
    context: Mapping[str, Any],
    recipients: Sequence[str],
    language: str | None = None,
) -> None:
    """Render an e-mail now and queue it for ``recipients`` (blank addresses dropped) on commit."""
    addresses = [address for address in recipients if address]
    if not addresses:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(subject_template, dict(context)).strip()
        body = render_to_string(body_template, dict(context))
    transaction.on_commit(partial(deliver_mail.enqueue, subject, body, addresses), robust=True)


def sms_after_commit(*, template: str, context: Mapping[str, Any], to: str) -> None:
    """Render a text message now, in the platform's first language, and queue it on commit."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template, dict(context)).strip()
    transaction.on_commit(partial(deliver_sms.enqueue, to, text), robust=True)
