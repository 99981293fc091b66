"""Verifying the audit chain: finds altered, inserted and missing records."""

from __future__ import annotations

from dataclasses import dataclass

from expertpool.audit.hashing import GENESIS_HASH, record_hash
from expertpool.audit.models import AuditChainHead, AuditRecord
from expertpool.audit.services import hashed_fields


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    problem: str


def verify_chain() -> list[ChainProblem]:
    """Walk the chain in order and report every break; an empty list means intact."""
    problems: list[ChainProblem] = []
    expected_sequence, previous_hash = 1, GENESIS_HASH
    for record in AuditRecord.objects.order_by("sequence").iterator(chunk_size=2000):
        if record.sequence != expected_sequence:
            problems.append(
                ChainProblem(expected_sequence, f"records {expected_sequence}..{record.sequence - 1} are missing")
            )
        if record.previous_hash != previous_hash:
            problems.append(ChainProblem(record.sequence, "does not link to the record before it"))
        if record_hash(previous_hash=record.previous_hash, fields=hashed_fields(record)) != record.hash:
            problems.append(ChainProblem(record.sequence, "has been altered (its hash does not match its content)"))
        expected_sequence, previous_hash = record.sequence + 1, record.hash
    head = AuditChainHead.objects.filter(id=1).first()
    last_sequence = expected_sequence - 1
    if head is not None and (head.sequence != last_sequence or head.hash != previous_hash):
        problems.append(
            ChainProblem(head.sequence, f"records after {last_sequence} are missing (the chain head is {head.sequence})")
        )
    return problems
