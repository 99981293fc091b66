"""Creating pools from policy files; the only writers of Pool, Policy and Category."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from expertpool.audit.hashing import canonical_json
from expertpool.audit.services import audit_log
from expertpool.pools.models import Category, Policy, Pool
from expertpool.pools.policy import Policy as PolicyDocument
from expertpool.pools.policy import parse_policy

if TYPE_CHECKING:
    from expertpool.accounts.models import User

SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
SLUG_MAX_LENGTH = 50
NAME_MAX_LENGTH = 200


def policy_checksum(document: PolicyDocument) -> str:
    return hashlib.sha256(canonical_json(document.model_dump(mode="json")).encode()).hexdigest()


def policy_store(*, actor: User | None, document: PolicyDocument) -> Policy:
    """Store a validated policy version, or return the identical one already stored.

    A different document under an existing slug and version is refused: versions
    are immutable. Audit code: ``policy.stored``.
    """
    checksum = policy_checksum(document)
    existing = Policy.objects.filter(slug=document.slug, version=document.version).first()
    if existing is not None:
        if existing.checksum != checksum:
            raise ValidationError(
                {
                    "version": [
                        _(
                            "Policy %(slug)s version %(version)s already exists with different content; "
                            "give the changed file a new version."
                        )
                        % {"slug": document.slug, "version": document.version}
                    ]
                }
            )
        return existing
    policy = Policy.objects.create(
        slug=document.slug,
        version=document.version,
        name=document.name,
        document=document.model_dump(mode="json"),
        checksum=checksum,
    )
    audit_log(
        actor=actor,
        action="policy.stored",
        target=policy,
        data={"slug": policy.slug, "version": policy.version, "checksum": checksum},
    )
    return policy


def pool_identity_errors(*, slug: str, name: str, name_en: str) -> dict[str, list[str]]:
    """Checks of the pool's own slug and names, given or taken from the policy."""
    errors: dict[str, list[str]] = {}
    if not SLUG_RE.fullmatch(slug) or len(slug) > SLUG_MAX_LENGTH:
        errors["slug"] = [
            _("The slug must be lower-case letters and digits joined by hyphens, at most %(max)d characters.")
            % {"max": SLUG_MAX_LENGTH}
        ]
    elif Pool.objects.filter(slug=slug).exists():
        errors["slug"] = [_("A pool with the slug %(slug)s already exists.") % {"slug": slug}]
    for field, value in (("name", name), ("name_en", name_en)):
        if len(value) > NAME_MAX_LENGTH:
            errors[field] = [_("At most %(max)d characters.") % {"max": NAME_MAX_LENGTH}]
    return errors


@transaction.atomic
def pool_create(*, actor: User | None, policy_text: str, slug: str = "", name: str = "", name_en: str = "") -> Pool:
    """Create a pool run under the policy in ``policy_text`` (YAML), with its categories.

    The pool's slug and names default to the policy's. Raises ``PolicyError`` for
    a bad file and ``ValidationError`` for a bad or taken slug, or a changed file
    under a stored policy version; nothing is written then.
    Audit codes: ``policy.stored`` (a new version), ``pool.created``.
    """
    document = parse_policy(policy_text)
    slug, name, name_en = slug.strip() or document.slug, name.strip() or document.name, name_en.strip()
    errors = pool_identity_errors(slug=slug, name=name, name_en=name_en)
    if errors:
        raise ValidationError(errors)
    policy = policy_store(actor=actor, document=document)
    pool = Pool.objects.create(
        slug=slug,
        name=name,
        name_en=name_en or document.name_en,
        managing_body=document.managing_body,
        policy=policy,
    )
    _sync_categories(pool, document)
    audit_log(
        actor=actor,
        action="pool.created",
        target=pool,
        pool=pool,
        data={
            "slug": slug,
            "name": pool.name,
            "policy": policy.slug,
            "version": policy.version,
            "categories": [item.code for item in document.categories.items],
        },
    )
    return pool


def _sync_categories(pool: Pool, document: PolicyDocument) -> None:
    """Mirror the policy's categories; categories it no longer lists become inactive."""
    codes = []
    for position, item in enumerate(document.categories.items):
        Category.objects.update_or_create(
            pool=pool,
            code=item.code,
            defaults={
                "name": item.name,
                "name_en": item.name_en,
                "subfields": item.subfields,
                "requires_industry_codes": item.requires_industry_codes,
                "clause": item.clause,
                "position": position,
                "is_active": True,
            },
        )
        codes.append(item.code)
    Category.objects.filter(pool=pool).exclude(code__in=codes).update(is_active=False)
