from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.activities.models import DeclaredConflict
from expertpool.activities.services import conflict_declare, conflict_end
from expertpool.audit.models import AuditRecord
from expertpool.core.identifiers import make_uscc
from expertpool.experts.models import Expert
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register, membership_create
from expertpool.pools.models import Pool

RIVAL_USCC = make_uscc(area_code="440106", sequence=21)


@pytest.fixture
def gz_expert(gz_pool: Pool, expert_record: Callable[..., ExpertRecord]) -> Expert:
    expert = expert_register(actor=None, pool=gz_pool, record=expert_record()).expert
    expert.user = User.objects.create_user(username="gz_expert", password=None)
    expert.save(update_fields=["user"])
    return expert


def test_expert_declares_conflict_with_an_organisation(gz_expert: Expert) -> None:
    assert gz_expert.user is not None
    conflict = conflict_declare(
        actor=gz_expert.user,
        expert=gz_expert,
        relation="  曾任技术顾问 ",
        organisation_name="广州某某化工有限公司",
        organisation_uscc=RIVAL_USCC,
    )

    assert conflict.organisation is not None
    assert conflict.organisation.uscc == RIVAL_USCC
    assert conflict.relation == "曾任技术顾问"
    assert conflict.ended_on is None
    record = AuditRecord.objects.get(action="conflict.declared")
    assert record.clause == "GZ 三（四）"
    assert record.object_id == str(conflict.pk)
    assert record.data["organisation"] == conflict.organisation.pk


def test_pool_admin_records_a_conflict_with_a_person(gz_expert: Expert, gz_admin: User) -> None:
    conflict = conflict_declare(actor=gz_admin, expert=gz_expert, relation="配偶", person_name="王某")

    assert conflict.organisation is None
    assert conflict.person_name == "王某"
    assert AuditRecord.objects.get(action="conflict.declared").actor == gz_admin


def test_clauses_of_every_pool_of_the_expert_are_cited(gz_expert: Expert, ur_pool: Pool, ur_admin: User) -> None:
    membership_create(actor=None, pool=ur_pool, expert=gz_expert, categories=("environmental_engineering",))

    conflict_declare(actor=ur_admin, expert=gz_expert, relation="亲属", person_name="李某")

    assert AuditRecord.objects.get(action="conflict.declared").clause == "GZ 三（四）; UR 第十一条（三）"


def test_outsider_may_not_declare_for_an_expert_of_another_pool(gz_expert: Expert, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        conflict_declare(actor=outsider, expert=gz_expert, relation="配偶", person_name="王某")
    assert not DeclaredConflict.objects.exists()


def test_reviewer_may_not_declare_for_an_expert(gz_expert: Expert, gz_reviewer: User) -> None:
    with pytest.raises(PermissionDenied):
        conflict_declare(actor=gz_reviewer, expert=gz_expert, relation="配偶", person_name="王某")


def test_conflict_names_someone_and_a_relation(gz_expert: Expert, gz_admin: User) -> None:
    with pytest.raises(ValidationError) as exc:
        conflict_declare(actor=gz_admin, expert=gz_expert, relation=" ")
    assert exc.value.message_dict == {
        "relation": ["Say what the relation is."],
        "organisation_name": ["Name the organisation or the person the conflict is with."],
    }
    assert not DeclaredConflict.objects.exists()


def test_code_without_name_and_bad_code_are_refused(gz_expert: Expert, gz_admin: User) -> None:
    with pytest.raises(ValidationError) as exc:
        conflict_declare(actor=gz_admin, expert=gz_expert, relation="股东", organisation_uscc=RIVAL_USCC)
    assert exc.value.message_dict == {"organisation_name": ["Give the organisation's name with its code."]}

    with pytest.raises(ValidationError) as exc:
        conflict_declare(
            actor=gz_admin, expert=gz_expert, relation="股东", organisation_name="甲公司", organisation_uscc="123"
        )
    assert list(exc.value.message_dict) == ["organisation_uscc"]
    assert not DeclaredConflict.objects.exists()


def test_conflict_ends_but_is_kept(gz_expert: Expert, gz_admin: User) -> None:
    conflict = conflict_declare(actor=gz_admin, expert=gz_expert, relation="配偶", person_name="王某")
    today = timezone.localdate()

    conflict_end(actor=gz_admin, conflict=conflict, ended_on=today)

    conflict.refresh_from_db()
    assert conflict.ended_on == today
    record = AuditRecord.objects.get(action="conflict.ended")
    assert record.clause == "GZ 三（四）"
    assert record.data == {"expert": gz_expert.pk, "ended_on": today.isoformat()}
    with pytest.raises(ValidationError) as exc:
        conflict_end(actor=gz_admin, conflict=conflict, ended_on=today)
    assert exc.value.message_dict == {"ended_on": ["This conflict has ended already."]}


def test_conflict_cannot_end_before_it_was_declared(gz_expert: Expert) -> None:
    assert gz_expert.user is not None
    conflict = conflict_declare(actor=gz_expert.user, expert=gz_expert, relation="配偶", person_name="王某")

    with pytest.raises(ValidationError) as exc:
        conflict_end(
            actor=gz_expert.user, conflict=conflict, ended_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    assert list(exc.value.message_dict) == ["ended_on"]
    conflict.refresh_from_db()
    assert conflict.ended_on is None


def test_outsider_may_not_end_a_conflict(gz_expert: Expert, gz_admin: User, outsider: User) -> None:
    conflict = conflict_declare(actor=gz_admin, expert=gz_expert, relation="配偶", person_name="王某")

    with pytest.raises(PermissionDenied):
        conflict_end(actor=outsider, conflict=conflict, ended_on=timezone.localdate())
    conflict.refresh_from_db()
    assert conflict.ended_on is None
    assert not AuditRecord.objects.filter(action="conflict.ended").exists()
