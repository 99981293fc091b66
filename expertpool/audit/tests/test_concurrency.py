"""Concurrent writers queue on the chain head instead of forking the chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from expertpool.audit.models import AuditRecord
from expertpool.audit.services import audit_log
from expertpool.audit.verification import verify_chain


# A real commit per writer is the point; serialized_rollback restores data migrations afterwards.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    writers, per_writer = 4, 10
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                audit_log(actor=None, action="test.concurrent", data={"writer": number, "n": n})
        except BaseException as exc:  # reported to the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    sequences = list(AuditRecord.objects.filter(action="test.concurrent").values_list("sequence", flat=True))
    assert len(sequences) == writers * per_writer
    assert verify_chain() == []
