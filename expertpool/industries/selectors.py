"""Finding GB/T 4754-2017 industry codes; shared by the API and the form pickers."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from expertpool.industries.models import IndustryCode

SECTION_RE = re.compile(r"^[A-Za-z]$")
# Codes are often written with their section letter (C3211); the digits alone are unique.
CODE_RE = re.compile(r"^[A-Za-z]?(\d{1,4})$")


def industry_code_search(*, query: str, level: str | None = None) -> QuerySet[IndustryCode]:
    """Codes matching ``query``: a section letter (the section and everything under it),
    a code prefix (``32``, ``C321``), or else a substring of the name."""
    query = query.strip()
    codes = IndustryCode.objects.order_by("code")
    if level:
        codes = codes.filter(level=level)
    if not query:
        return codes
    if SECTION_RE.match(query):
        section = query.upper()
        return codes.filter(
            Q(code=section) | Q(parent_id=section) | Q(parent__parent_id=section) | Q(parent__parent__parent_id=section)
        )
    code_match = CODE_RE.match(query)
    if code_match:
        return codes.filter(code__startswith=code_match.group(1))
    return codes.filter(name__icontains=query)


def industry_code_get(*, code: str) -> IndustryCode:
    """One code with its children; "not found" for a code the standard does not have."""
    found = (
        IndustryCode.objects.filter(code=code.strip().upper())
        .prefetch_related(Prefetch("children", queryset=IndustryCode.objects.order_by("code")))
        .first()
    )
    if found is None:
        raise Http404
    return found
