"""The audit chain: intact after writes, and every kind of tampering is caught."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

from expertpool.accounts.models import User
from expertpool.audit.hashing import GENESIS_HASH, canonical_json, record_hash
from expertpool.audit.models import AuditChainHead, AuditRecord
from expertpool.audit.services import audit_log, hashed_fields
from expertpool.audit.verification import verify_chain
from expertpool.pools.models import Pool

pytestmark = pytest.mark.django_db


@contextmanager
def tampering() -> Iterator[CursorWrapper]:
    """A raw cursor, with PostgreSQL's append-only trigger off (inside the test's transaction)."""
    on_postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if on_postgres:
            # ALTER TABLE waits for no deferred foreign-key checks: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_auditrecord_append_only")
        yield cursor
        if on_postgres:
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_auditrecord_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def write(count: int) -> list[AuditRecord]:
    return [audit_log(actor=None, action="test.written", data={"n": n}) for n in range(count)]


def problems_by_sequence() -> dict[int, str]:
    return {problem.sequence: problem.problem for problem in verify_chain()}


def test_chain_is_intact_after_several_writes(gz_admin: User, gz_pool: Pool) -> None:
    write(3)
    audit_log(actor=gz_admin, action="test.other", target=gz_pool, pool=gz_pool, clause="GZ 四（四）", data={"a": 1})
    assert verify_chain() == []


def test_records_are_numbered_and_linked_in_order() -> None:
    records = write(4)
    assert [r.sequence for r in records] == list(range(1, 5))
    assert records[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(records):
        assert after.previous_hash == before.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (4, records[-1].hash)


def test_record_keeps_who_what_where_and_clause(gz_admin: User, gz_pool: Pool) -> None:
    record = audit_log(
        actor=gz_admin, action="pool.checked", target=gz_pool, pool=gz_pool, clause="GZ 四（三）", data={"x": 1}
    )
    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.actor == gz_admin
    assert stored.actor_label == "gz_admin"
    assert (stored.object_type, stored.object_id) == ("pools.pool", str(gz_pool.pk))
    assert stored.pool == gz_pool
    assert stored.clause == "GZ 四（三）"
    assert stored.data == {"x": 1}


def test_data_that_is_not_plain_json_is_stored_as_its_json_form_and_still_verifies() -> None:
    record = audit_log(
        actor=None,
        action="test.dates",
        data={"on": datetime.date(2025, 7, 29), "名称": "清洁生产", "by": {3: 1, "a": 2}},
    )
    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.data == {"on": "2025-07-29", "名称": "清洁生产", "by": {"3": 1, "a": 2}}
    assert verify_chain() == []


@transaction.atomic
def rolled_back_write() -> None:
    audit_log(actor=None, action="test.rolled_back")
    raise RuntimeError


def test_a_rolled_back_write_leaves_the_chain_intact() -> None:
    write(2)
    with pytest.raises(RuntimeError):
        rolled_back_write()
    write(1)
    assert AuditRecord.objects.count() == 3
    assert verify_chain() == []


def test_altered_data_of_a_middle_record_is_reported_with_its_sequence() -> None:
    records = write(5)
    middle = records[2]
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE audit_auditrecord SET data = {json_param()} WHERE id = %s",  # noqa: S608 (fixed SQL fragment)
            [json.dumps({"n": 99}), middle.pk],
        )
    assert problems_by_sequence() == {3: "has been altered (its hash does not match its content)"}


def test_altered_column_is_reported() -> None:
    records = write(3)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET actor_label = 'someone else' WHERE id = %s", [records[0].pk])
    assert set(problems_by_sequence()) == {1}


def test_deleted_middle_record_is_reported_as_missing() -> None:
    records = write(5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[2].pk])
    assert problems_by_sequence() == {3: "records 3..3 are missing"}


def test_deleted_last_record_is_reported_through_the_chain_head() -> None:
    records = write(4)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[-1].pk])
    assert problems_by_sequence() == {4: "records 4..4 are missing (the chain head is 4)"}


def test_deleted_chain_head_is_reported() -> None:
    write(2)
    AuditChainHead.objects.all().delete()
    assert problems_by_sequence() == {2: "the chain head is missing"}


def test_forged_record_with_a_made_up_hash_is_reported() -> None:
    last = write(3)[-1]
    forge(sequence=4, previous_hash=last.hash, hash_value="f" * 64)
    assert [(p.sequence, p.problem) for p in verify_chain()] == [
        (4, "has been altered (its hash does not match its content)"),
        (4, "records 4..4 were added outside the chain (the chain head is 3)"),
    ]


def test_forged_record_with_a_correct_hash_is_reported_through_the_chain_head() -> None:
    """A forger who knows the hashing scheme can link a record, but not move the head."""
    last = write(3)[-1]
    forged = AuditRecord(
        sequence=4,
        created_at=last.created_at,
        actor_label="system",
        action="expert.created",
        data={"forged": True},
        previous_hash=last.hash,
    )
    forge(
        sequence=4,
        previous_hash=last.hash,
        hash_value=record_hash(previous_hash=last.hash, fields=hashed_fields(forged)),
        data={"forged": True},
        created_at=last.created_at,
    )
    assert problems_by_sequence() == {4: "records 4..4 were added outside the chain (the chain head is 3)"}


def test_records_rehashed_without_the_key_are_reported() -> None:
    """Someone with database access but not AUDIT_CHAIN_KEY cannot re-seal an edit."""
    records = write(2)
    altered = {**hashed_fields(records[1]), "data": {"forged": True}}
    unkeyed = hashlib.sha256((records[0].hash + "\n" + canonical_json(altered)).encode()).hexdigest()
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET data = %s, hash = %s WHERE sequence = 2",
            [json.dumps({"forged": True}), unkeyed],
        )
        cursor.execute("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [unkeyed])

    assert problems_by_sequence() == {2: "has been altered (its hash does not match its content)"}


def forge(
    *,
    sequence: int,
    previous_hash: str,
    hash_value: str,
    data: dict[str, object] | None = None,
    created_at: datetime.datetime | None = None,
) -> None:
    with tampering() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditrecord (sequence, created_at, actor_label, action, object_type, object_id, "  # noqa: S608 (fixed SQL fragment)
            f"clause, data, previous_hash, hash) VALUES (%s, %s, 'system', 'expert.created', '', '', '', "
            f"{json_param()}, %s, %s)",
            [
                sequence,
                created_at or datetime.datetime.now(tz=datetime.UTC),
                json.dumps(data or {}),
                previous_hash,
                hash_value,
            ],
        )


def test_verify_audit_succeeds_when_the_chain_is_intact() -> None:
    write(3)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "audit chain intact: 3 records" in out.getvalue()


def test_verify_audit_fails_with_the_problem_when_a_record_was_altered() -> None:
    records = write(3)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET action = 'x.y' WHERE id = %s", [records[1].pk])
    err = StringIO()
    with pytest.raises(CommandError, match="audit chain broken: 1 problem") as excinfo:
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode != 0
    assert "record 2: has been altered" in err.getvalue()


@pytest.mark.postgres_only
def test_postgresql_refuses_raw_update_and_delete_of_audit_records() -> None:
    record = write(1)[0]
    for statement in (
        "UPDATE audit_auditrecord SET action = 'x.y' WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert AuditRecord.objects.get(pk=record.pk).action == "test.written"
    assert verify_chain() == []
