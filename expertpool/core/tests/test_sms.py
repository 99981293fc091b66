"""The pluggable text-message backend."""

from __future__ import annotations

import io
from typing import Any

from expertpool.core import sms


def test_the_console_backend_prints_each_message() -> None:
    stream = io.StringIO()
    sent = sms.ConsoleBackend(stream=stream).send_messages([sms.SmsMessage(to="13800000000", text="您好")])
    assert sent == 1
    assert "SMS to: 13800000000\n您好\n" in stream.getvalue()


def test_send_sms_uses_the_configured_backend(settings: Any) -> None:
    settings.SMS_BACKEND = "expertpool.core.sms.LocmemBackend"
    sms.outbox.clear()
    assert sms.send_sms(to="13800000001", text="邀请") == 1
    assert sms.outbox == [sms.SmsMessage(to="13800000001", text="邀请")]


def test_the_console_backend_is_the_default(capsys: Any) -> None:
    assert sms.send_sms(to="13800000002", text="测试") == 1
    assert "SMS to: 13800000002" in capsys.readouterr().out
