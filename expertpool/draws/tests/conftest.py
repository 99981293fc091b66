"""Fixtures of the draws tests."""

from __future__ import annotations

from typing import Any

import pytest

from expertpool.core import sms


@pytest.fixture
def sms_outbox(settings: Any) -> list[sms.SmsMessage]:
    """Text messages kept in memory instead of printed, emptied for each test."""
    settings.SMS_BACKEND = "expertpool.core.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox
