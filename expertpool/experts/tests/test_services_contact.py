"""Changes of employer and contact data are recorded with their history (GZ 三（七）)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.experts.models import Expert
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register, expert_update_contact
from expertpool.pools.models import Pool

RecordFactory = Callable[..., ExpertRecord]


@pytest.fixture
def expert(gz_pool: Pool, expert_record: RecordFactory) -> Expert:
    record = expert_record(mobile="13800001111", email="old@example.cn", address="广州市天河区")
    return expert_register(actor=None, pool=gz_pool, record=record).expert


def test_contact_change_records_before_and_after(gz_admin: User, expert: Expert) -> None:
    expert_update_contact(
        actor=gz_admin, expert=expert, mobile="139 0000 2222", email="New@Example.cn", address="广州市越秀区"
    )

    expert.refresh_from_db()
    assert (expert.mobile, expert.email, expert.address) == ("13900002222", "new@example.cn", "广州市越秀区")
    record = AuditRecord.objects.get(action="expert.contact_changed")
    assert record.actor == gz_admin
    assert record.object_id == str(expert.pk)
    assert record.data == {
        "address": {"before": "广州市天河区", "after": "广州市越秀区"},
        "email": {"before": "old@example.cn", "after": "new@example.cn"},
        "mobile": {"before": "138****1111", "after": "139****2222"},
    }


def test_employer_change_is_recorded(gz_admin: User, expert: Expert) -> None:
    expert_update_contact(actor=gz_admin, expert=expert, employer_name="华南理工大学", position="教授")
    expert.refresh_from_db()
    assert expert.employer is not None
    assert expert.employer.name == "华南理工大学"
    record = AuditRecord.objects.get(action="expert.contact_changed")
    assert record.data["employer"] == {"before": "广州市环境技术中心", "after": "华南理工大学"}
    assert record.data["position"] == {"before": "总工程师", "after": "教授"}
    assert AuditRecord.objects.filter(action="organisation.created", data__name="华南理工大学").exists()


def test_an_unchanged_contact_writes_no_record(expert: Expert) -> None:
    expert_update_contact(actor=None, expert=expert, mobile="13800001111", email="old@example.cn")
    assert not AuditRecord.objects.filter(action="expert.contact_changed").exists()


def test_bad_contact_data_is_refused_by_field_and_nothing_changes(gz_admin: User, expert: Expert) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        expert_update_contact(
            actor=gz_admin,
            expert=expert,
            mobile="12345",
            email="nobody",
            address="址" * 201,
            employer_name="某公司",
            employer_uscc="bad",
        )
    assert set(excinfo.value.message_dict) == {"mobile", "email", "address", "employer_uscc"}
    assert (expert.mobile, expert.email, expert.address) == ("13800001111", "old@example.cn", "广州市天河区")
    expert.refresh_from_db()
    assert expert.mobile == "13800001111"
    assert AuditRecord.objects.count() == before


def test_clearing_email_and_employer(expert: Expert) -> None:
    expert_update_contact(actor=None, expert=expert, email="", employer_name="")
    expert.refresh_from_db()
    assert (expert.email, expert.employer) == ("", None)
