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
    """Walk the chain in order and report every break; an empty list means intact.

    Each record must carry the next sequence number, link to the hash of the
    record before it and hash to its own ``hash``; the chain head must name the
    last record, so that records removed from (or added at) the end show too.
    """
    problems: list[ChainProblem] = []
    expected_sequence, previous_hash = 1, GENESIS_HASH
    for record in AuditRecord.objects.order_by("sequence").iterator(chunk_size=2000):
        if record.sequence != expected_sequence:
            missing = f"{expected_sequence}..{record.sequence - 1}"
            problems.append(ChainProblem(expected_sequence, f"records {missing} are missing"))
        elif record.previous_hash != previous_hash:
            # Reported only without a gap: after a gap the link is broken by definition.
            problems.append(ChainProblem(record.sequence, "does not link to the record before it"))
        if record_hash(previous_hash=record.previous_hash, fields=hashed_fields(record)) != record.hash:
            problems.append(ChainProblem(record.sequence, "has been altered (its hash does not match its content)"))
        expected_sequence, previous_hash = record.sequence + 1, record.hash
    problems.extend(_head_problems(last_sequence=expected_sequence - 1, last_hash=previous_hash))
    return problems


def _head_problems(*, last_sequence: int, last_hash: str) -> list[ChainProblem]:
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None:
        if last_sequence:
            return [ChainProblem(last_sequence, "the chain head is missing")]
        return []
    if head.sequence > last_sequence:
        return [
            ChainProblem(
                last_sequence + 1,
                f"records {last_sequence + 1}..{head.sequence} are missing (the chain head is {head.sequence})",
            )
        ]
    if head.sequence < last_sequence:
        return [
            ChainProblem(
                head.sequence + 1,
                f"records {head.sequence + 1}..{last_sequence} were added outside the chain "
                f"(the chain head is {head.sequence})",
            )
        ]
    if head.hash != last_hash:
        return [ChainProblem(last_sequence, "does not match the chain head's hash")]
    return []
