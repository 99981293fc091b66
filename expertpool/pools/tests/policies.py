"""Shipped policies as data, to change one key at a time in tests."""

from __future__ import annotations

from typing import Any

import yaml

from expertpool.pools.policy import shipped_policy_path

GZ = "gz-cleaner-production"
UR = "urumqi-eco-environment"


def policy_data(slug: str = GZ) -> dict[str, Any]:
    data = yaml.safe_load(shipped_policy_path(slug).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def policy_text(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def new_policy(slug: str = "gz-second", version: str = "1") -> dict[str, Any]:
    """The GZ policy under another slug: a further pool from a file, as an operator would add one."""
    data = policy_data(GZ)
    data.update(slug=slug, version=version, name="第二个清洁生产专家库", name_en="Second Cleaner Production Pool")
    return data
