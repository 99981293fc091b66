"""Mail and text messages leave through the task queue after the commit (core.delivery)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import translation
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from expertpool.accounts.models import User
from expertpool.core import sms
from expertpool.core.delivery import deliver_mail, deliver_sms, mail_after_commit, sms_after_commit
from expertpool.draws.models import PanelSeat
from expertpool.draws.tests.invitation_factories import invited_panel, seats
from expertpool.pools.models import Pool

SUBJECT = "accounts/email/confirm_subject.txt"
BODY = "accounts/email/confirm_body.txt"
EN_SUBJECT = "Confirm your e-mail address for the expert-pool platform"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("the mail server refused the connection")


@pytest.fixture
def refusing_mail_server(settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"


@pytest.fixture
def queue(settings: Any) -> DummyBackend:
    """A queue that keeps what is enqueued, as the database queue does until a worker runs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    backend.clear()
    return backend


def _in_chinese() -> str:
    """The subject as the catalogue translates it: what a mail in the platform's first language says."""
    with translation.override("zh-hans"):
        subject = translation.gettext(EN_SUBJECT)
    assert subject != EN_SUBJECT
    return subject


def _confirmation(user: User) -> dict[str, Any]:
    return {"user": user, "confirm_url": "https://example.invalid/confirm/abc", "days": 3}


@pytest.mark.django_db
def test_mail_is_rendered_in_chinese_and_sent_only_after_the_commit(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    user = User.objects.create_user(username="u1", email="u1@example.com")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, translation.override("en"):
        mail_after_commit(
            subject_template=SUBJECT, body_template=BODY, context=_confirmation(user), recipients=["a@x.cn", ""]
        )
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [["a@x.cn"]]
    assert mailoutbox[0].subject == _in_chinese()
    assert "https://example.invalid/confirm/abc" in mailoutbox[0].body


@pytest.mark.django_db
def test_the_language_may_be_chosen(mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    user = User.objects.create_user(username="u2", email="u2@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        mail_after_commit(
            subject_template=SUBJECT,
            body_template=BODY,
            context=_confirmation(user),
            recipients=["b@x.cn"],
            language="en",
        )
    assert mailoutbox[0].subject == EN_SUBJECT


def _queue_both_then_fail(user: User) -> None:
    with transaction.atomic():
        mail_after_commit(
            subject_template=SUBJECT, body_template=BODY, context=_confirmation(user), recipients=["c@x.cn"]
        )
        sms_after_commit(template=SUBJECT, context=_confirmation(user), to="13800000000")
        raise RuntimeError("rolled back")


# A real rollback is the point; serialized_rollback restores data migrations afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_messages_nobody(mailoutbox: list[Any], sms_outbox: list[sms.SmsMessage]) -> None:
    user = User.objects.create_user(username="u3", email="u3@example.com")
    with pytest.raises(RuntimeError):
        _queue_both_then_fail(user)
    assert mailoutbox == []
    assert sms_outbox == []


@pytest.mark.django_db
def test_with_a_queue_the_rendered_messages_wait_for_a_worker(
    queue: DummyBackend,
    mailoutbox: list[Any],
    sms_outbox: list[sms.SmsMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = User.objects.create_user(username="u4", email="u4@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        mail_after_commit(
            subject_template=SUBJECT, body_template=BODY, context=_confirmation(user), recipients=["d@x.cn"]
        )
        sms_after_commit(template=SUBJECT, context=_confirmation(user), to="13800000001")
    assert mailoutbox == []
    assert sms_outbox == []
    mail, text = queue.results
    assert mail.task.func is deliver_mail.func
    assert mail.args[0] == _in_chinese()
    assert mail.args[2] == ["d@x.cn"]
    assert text.task.func is deliver_sms.func
    assert text.args == ["13800000001", _in_chinese()]
    # What a worker does with them.
    assert deliver_mail.call(*mail.args) == 1
    assert deliver_sms.call(*text.args) == 1
    assert [m.to for m in mailoutbox] == [["d@x.cn"]]
    assert sms_outbox == [sms.SmsMessage(to="13800000001", text=_in_chinese())]


@pytest.mark.django_db
@pytest.mark.usefixtures("refusing_mail_server")
def test_a_mail_server_that_is_down_neither_breaks_a_reveal_nor_stops_the_text_messages(
    gz_pool: Pool,
    gz_admin: User,
    sms_outbox: list[sms.SmsMessage],
    django_capture_on_commit_callbacks: Any,
    caplog: Any,
) -> None:
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        reveal = invited_panel(gz_pool, gz_admin)
    panel = seats(reveal, PanelSeat.Role.PANEL)
    assert [seat.status for seat in panel] == [PanelSeat.Status.INVITED] * 3
    assert sorted(m.to for m in sms_outbox) == sorted(seat.expert.mobile for seat in panel)
    failures = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ConnectionRefusedError]
    assert len(failures) == 3  # one per invitation mail, each with its traceback
