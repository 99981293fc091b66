"""Masking of personal data wherever it is not needed in full."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """Keep the area code and the last four characters: 440106********123X."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first three and last four digits: 138****5678."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
