"""Text messages through a pluggable backend, in the manner of Django's mail backends.

``SMS_BACKEND`` names the class: the console backend prints each message (the
default, for development and demos), the locmem backend keeps them in ``outbox``
(tests). A real gateway is one more class with a ``send_messages`` method.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.utils.module_loading import import_string

# Filled by ``LocmemBackend``; tests empty it before use.
outbox: list[SmsMessage] = []


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class BaseBackend:
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send the messages; return how many were sent."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes each message to standard output, as Django's console mail backend does."""

    _lock = threading.Lock()

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS to: {message.to}\n{message.text}\n{'-' * 79}\n")
            self.stream.flush()
        return len(messages)


class LocmemBackend(BaseBackend):
    """Keeps each message in ``expertpool.core.sms.outbox``."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseBackend:
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_sms(*, to: str, text: str) -> int:
    """Send one text message through the configured backend; 1 if it was sent."""
    return get_backend().send_messages([SmsMessage(to=to, text=text)])
