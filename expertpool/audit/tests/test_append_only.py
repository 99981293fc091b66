"""Audit records cannot be changed or deleted through the ORM."""

from __future__ import annotations

import pytest

from expertpool.audit.models import AppendOnlyError, AuditRecord
from expertpool.audit.services import audit_log, changes
from expertpool.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_saving_an_existing_record_is_refused() -> None:
    record = audit_log(actor=None, action="test.written", data={"n": 1})
    record.data = {"n": 2}
    with pytest.raises(AppendOnlyError):
        record.save()
    assert AuditRecord.objects.get(pk=record.pk).data == {"n": 1}


def test_deleting_a_record_is_refused() -> None:
    record = audit_log(actor=None, action="test.written")
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_bulk_update_and_delete_are_refused() -> None:
    record = audit_log(actor=None, action="test.written")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(action="x.y")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get(pk=record.pk).action == "test.written"
    assert verify_chain() == []


def test_changes_lists_only_the_fields_that_differ() -> None:
    before = {"mobile": "138****5678", "email": "a@example.cn", "address": "广州"}
    after = {"mobile": "139****0000", "email": "a@example.cn", "position": "总工"}
    assert changes(before, after) == {
        "address": {"before": "广州", "after": None},
        "mobile": {"before": "138****5678", "after": "139****0000"},
        "position": {"before": None, "after": "总工"},
    }
