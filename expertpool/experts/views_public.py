"""The public directory (专家库名单公开): a pool's active members, for anyone to read.

Only what a published list shows: name, gender, employer, title level, categories,
industry codes and term. No ID number, phone, e-mail or birth date is even loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from expertpool.experts.models import TITLE_LEVEL_CHOICES, Membership
from expertpool.experts.selectors_public import directory_list, get_public_pool
from expertpool.experts.views import ExpertFilterForm
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Category

PAGE_SIZE = 25
TITLE_LEVEL_LABELS = dict(TITLE_LEVEL_CHOICES)


class DirectoryFilterForm(ExpertFilterForm):
    """The registry's filters, less the status: the directory lists active members only."""

    status = None  # type: ignore[assignment]


@dataclass(frozen=True)
class DirectoryRow:
    name: str
    gender: str
    employer: str
    title_level: str
    categories: list[Category]
    industry_codes: list[IndustryCode]
    term_ends_on: datetime.date | None


def _row(membership: Membership) -> DirectoryRow:
    expert = membership.expert
    return DirectoryRow(
        name=expert.name,
        gender=expert.get_gender_display(),
        employer=expert.employer.name if expert.employer else "",
        title_level=str(TITLE_LEVEL_LABELS[expert.title_level]),
        categories=list(membership.categories.all()),
        industry_codes=list(membership.industry_codes.all()),
        term_ends_on=membership.term_ends_on,
    )


@require_safe
def directory(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """Filter by category and industry code, search by name and employer, 25 a page."""
    pool = get_public_pool(pool_slug)
    filters = DirectoryFilterForm(request.GET, pool=pool)
    filters.is_valid()  # an invalid filter is reported beside its field and left out
    values = {name: filters.cleaned_data.get(name, "") for name in ("search", "category", "industry_code")}
    page = Paginator(directory_list(pool=pool, **values), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "pool": pool,
        "filters": filters,
        "page": page,
        "rows": [_row(membership) for membership in page],
        "query": query.urlencode(),
        # Industry codes matter only where a category asks for them (GZ's industry experts).
        "show_industry_codes": Category.objects.filter(pool=pool, requires_industry_codes=True).exists(),
    }
    return render(request, "experts/public/directory.html", context)
