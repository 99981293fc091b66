"""Reads for pages anyone may see without logging in: no personal data leaves here."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from expertpool.experts.models import Credential, Membership, MembershipStatus
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Category, Pool

# Never loaded for the public directory, so no template or serializer can show them by mistake.
PERSONAL_FIELDS = (
    "expert__id_number_stored",
    "expert__id_number_digest",
    "expert__mobile_stored",
    "expert__email",
    "expert__birth_date",
    "expert__address",
    "expert__ethnicity",
    "expert__photo",
)


def get_public_pool(slug: str) -> Pool:
    """An active pool by its slug; "not found" for a missing or inactive one."""
    pool = Pool.objects.select_related("policy").filter(slug=slug, is_active=True).first()
    if pool is None:
        raise Http404
    return pool


def directory_list(
    *, pool: Pool, search: str = "", category: str = "", industry_code: str = ""
) -> QuerySet[Membership]:
    """The pool's active members as the public directory lists them, in a fixed number
    of queries. ``industry_code`` matches a code or its prefix (32 matches 3211)."""
    memberships = (
        Membership.objects.filter(pool=pool, status=MembershipStatus.ACTIVE)
        .select_related("expert", "expert__employer")
        .defer(*PERSONAL_FIELDS)
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position")),
            Prefetch("industry_codes", queryset=IndustryCode.objects.order_by("code")),
            Prefetch("expert__credentials", queryset=Credential.objects.only("expert_id", "kind", "level")),
        )
        .order_by("expert__name", "expert__pk")
    )
    if search:
        memberships = memberships.filter(
            Q(expert__name__icontains=search) | Q(expert__employer__name__icontains=search)
        )
    if category:
        memberships = memberships.filter(categories__code=category)
    if industry_code:
        memberships = memberships.filter(industry_codes__code__startswith=industry_code)
    return memberships.distinct() if (category or industry_code) else memberships
