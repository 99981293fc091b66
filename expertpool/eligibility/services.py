"""Checking a profile against a pool's policy. Read-only: nothing is stored or audited."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from expertpool.eligibility.engine import Decision, evaluate
from expertpool.eligibility.profile import parse_profile
from expertpool.pools.models import Pool


def eligibility_check(*, pool: Pool, data: Mapping[str, Any], on_date: datetime.date | None = None) -> Decision:
    """Parse ``data`` as a profile and judge it under ``pool``'s policy on ``on_date`` (default: today).

    Raises ``ProfileError`` for input that is not a usable profile. Changes nothing.
    """
    policy = pool.policy.rules
    profile = parse_profile(data, policy=policy)
    return evaluate(profile=profile, policy=policy, on_date=on_date or timezone.localdate())
