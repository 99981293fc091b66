"""Writing to the audit log. The only writer of ``AuditRecord``."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from expertpool.audit.hashing import GENESIS_HASH, record_hash
from expertpool.audit.models import AuditChainHead, AuditRecord

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool


def hashed_fields(record: AuditRecord) -> dict[str, Any]:
    """The columns a record's hash covers, in a database-independent form."""
    return {
        "sequence": record.sequence,
        "created_at": record.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "pool_id": record.pool_id,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "clause": record.clause,
        "data": record.data,
    }


def audit_log(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    pool: Pool | None = None,
    clause: str = "",
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain. ``action`` is a namespaced code such as
    ``expert.created``; ``data`` must hold no secret and no full ID number."""
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"sequence": 0, "hash": GENESIS_HASH}
        )
        record = AuditRecord(
            sequence=head.sequence + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor.get_username() if actor is not None else "system",
            action=action,
            pool=pool,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            clause=clause,
            # Stored as its JSON round-trip (dates as text, keys as strings), so the
            # hash covers exactly what the database returns.
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            previous_hash=head.hash,
        )
        record.hash = record_hash(previous_hash=head.hash, fields=hashed_fields(record))
        record.save()
        head.sequence, head.hash = record.sequence, record.hash
        head.save(update_fields=["sequence", "hash"])
    return record


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that differ, as ``{field: {"before": old, "after": new}}``."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
