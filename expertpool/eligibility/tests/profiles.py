"""The shipped policies and eligible profiles for them, to vary one field at a time."""

from __future__ import annotations

import dataclasses
import datetime
from functools import cache
from typing import Any

from expertpool.eligibility.profile import Profile
from expertpool.pools.policy import Degree, Distinction, Policy, TitleLevel, parse_policy, shipped_policy_path

GZ = "gz-cleaner-production"
UR = "urumqi-eco-environment"
ON_DATE = datetime.date(2025, 9, 1)


@cache
def shipped_policy(slug: str) -> Policy:
    return parse_policy(shipped_policy_path(slug).read_text(encoding="utf-8"))


BASE_PROFILES = {
    GZ: Profile(
        birth_date=datetime.date(1970, 5, 17),
        title_level=TitleLevel.ASSOCIATE_SENIOR,
        field_years=12,
        degree=Degree.MASTER,
        categories=("cleaner_production",),
        declarations=tuple(d.code for d in shipped_policy(GZ).declarations),
    ),
    UR: Profile(
        birth_date=datetime.date(1972, 3, 15),
        title_level=TitleLevel.ASSOCIATE_SENIOR,
        field_years=12,
        degree=Degree.MASTER,
        categories=("environmental_engineering",),
        declarations=tuple(d.code for d in shipped_policy(UR).declarations),
    ),
}


def profile(slug: str, **changes: Any) -> Profile:
    """The eligible base profile of ``slug``'s pool with ``changes``; lists become tuples."""
    values: dict[str, Any] = {key: tuple(v) if isinstance(v, list) else v for key, v in changes.items()}
    if "distinctions" in values:
        values["distinctions"] = tuple(Distinction(d) for d in values["distinctions"])
    if "title_level" in values:
        values["title_level"] = TitleLevel(values["title_level"])
    if "degree" in values:
        values["degree"] = Degree(values["degree"])
    return dataclasses.replace(BASE_PROFILES[slug], **values)


def profile_json(slug: str, **changes: Any) -> dict[str, Any]:
    """The base profile of ``slug``'s pool as the API takes it, with ``changes``."""
    base = BASE_PROFILES[slug]
    data: dict[str, Any] = {
        "birth_date": base.birth_date.isoformat(),
        "title_level": base.title_level.value,
        "field_years": base.field_years,
        "degree": base.degree.value,
        "postdoc": base.postdoc,
        "qualifications": list(base.qualifications),
        "distinctions": [d.value for d in base.distinctions],
        "categories": list(base.categories),
        "industry_codes": list(base.industry_codes),
        "declarations": list(base.declarations),
    }
    data.update(changes)
    return data
