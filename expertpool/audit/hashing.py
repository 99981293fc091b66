"""The hash chain: how one audit record's hash is computed."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def record_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 under ``AUDIT_CHAIN_KEY``: someone who can write to the database
    but does not hold the key cannot rewrite the chain so that it verifies."""
    payload = (previous_hash + "\n" + canonical_json(fields)).encode("utf-8")
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode("utf-8"), payload, hashlib.sha256).hexdigest()
