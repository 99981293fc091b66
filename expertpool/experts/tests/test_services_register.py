"""Registering an expert: everything written and audited, or nothing at all."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.audit.verification import verify_chain
from expertpool.core.masking import mask_id_number
from expertpool.experts.models import Expert, Membership, MembershipStatus, WorkHistory
from expertpool.experts.records import CredentialRow, EducationRow, ExpertRecord, WorkRow
from expertpool.experts.services import expert_register, expert_snapshot
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool

RecordFactory = Callable[..., ExpertRecord]


def counts() -> tuple[int, int, int, int]:
    return (
        Expert.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
        AuditRecord.objects.count(),
    )


def refused(pool: Pool, record: ExpertRecord) -> dict[str, list[str]]:
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        expert_register(actor=None, pool=pool, record=record)
    assert counts() == before, "a refused registration must write nothing"
    return excinfo.value.message_dict


def test_register_writes_expert_rows_and_membership(
    gz_admin: User, gz_pool: Pool, expert_record: RecordFactory
) -> None:
    record = expert_record(
        name=" 李四 ",
        education=(EducationRow(institution="中山大学", major="环境科学", degree="doctorate"),),
        work_history=(WorkRow(employer_name="广州市环境技术中心", position="总工程师"),),
        credentials=(
            CredentialRow(kind="title", name="正高级工程师", level="full_senior"),
            CredentialRow(kind="qualification", name="注册环保工程师", certificate_number="HB123"),
        ),
        distinctions=("doctoral_supervisor",),
        categories=("cleaner_production", "industry"),
        industry_codes=("3211",),
    )
    membership = expert_register(actor=gz_admin, pool=gz_pool, record=record, admitted_on=datetime.date(2025, 9, 1))

    expert = membership.expert
    assert expert.name == "李四"
    assert expert.id_number == record.id_number
    assert expert.employer is not None
    assert expert.employer.name == "广州市环境技术中心"
    assert expert.title_level == "full_senior"
    assert expert.degree == "doctorate"
    assert [d.kind for d in expert.distinctions.all()] == ["doctoral_supervisor"]
    assert membership.status == MembershipStatus.ACTIVE
    assert sorted(membership.categories.values_list("code", flat=True)) == ["cleaner_production", "industry"]
    assert list(membership.industry_codes.values_list("code", flat=True)) == ["3211"]
    assert membership.term_ends_on is None  # the Guangzhou call sets no term


def test_urumqi_membership_has_a_three_year_term(ur_pool: Pool, expert_record: RecordFactory) -> None:
    admitted_on = datetime.date(2025, 6, 5)
    membership = expert_register(
        actor=None, pool=ur_pool, record=expert_record(categories=("environmental_science",)), admitted_on=admitted_on
    )
    assert membership.term_ends_on == datetime.date(2028, 6, 4)
    record = AuditRecord.objects.get(action="membership.created")
    assert record.clause == "UR 第九条"
    assert record.data["term_ends_on"] == "2028-06-04"


def test_audit_records_mask_personal_numbers(gz_admin: User, gz_pool: Pool, expert_record: RecordFactory) -> None:
    record = expert_record()
    membership = expert_register(actor=gz_admin, pool=gz_pool, record=record)

    created = AuditRecord.objects.get(action="expert.created")
    assert (created.actor, created.pool, created.object_id) == (gz_admin, gz_pool, str(membership.expert_id))
    assert created.data["id_number"] == mask_id_number(record.id_number)
    assert created.data == expert_snapshot(membership.expert)
    admitted = AuditRecord.objects.get(action="membership.created")
    assert admitted.data["categories"] == ["cleaner_production"]
    everything = json.dumps([r.data for r in AuditRecord.objects.all()], ensure_ascii=False)
    assert record.id_number not in everything
    assert record.id_number[6:14] not in everything  # not even the birth date part
    assert record.mobile not in everything
    assert verify_chain() == []


def test_duplicate_id_number_is_refused_with_a_clear_message(
    gz_pool: Pool, ur_pool: Pool, expert_record: RecordFactory
) -> None:
    first = expert_record()
    expert_register(actor=None, pool=gz_pool, record=first)
    again = expert_record(id_number=first.id_number.lower(), gender=first.gender, categories=("climate_change",))
    errors = refused(ur_pool, again)
    assert errors == {"id_number": ["An expert with this resident ID number is already registered."]}


@pytest.mark.parametrize(
    ("change", "code_message"),
    [
        ({"birth_date": datetime.date(1970, 5, 18)}, "The birth date does not match the resident ID number."),
        ({"gender": "female"}, "The gender does not match the resident ID number."),
    ],
)
def test_id_number_must_agree_with_birth_date_and_gender(
    gz_pool: Pool, expert_record: RecordFactory, change: dict[str, object], code_message: str
) -> None:
    record = expert_record(gender="male")
    errors = refused(gz_pool, ExpertRecord(**{**vars(record), **change}))
    assert errors["id_number"] == [code_message]


def test_bad_identifiers_and_contact_data_are_refused_by_field(gz_pool: Pool, expert_record: RecordFactory) -> None:
    errors = refused(
        gz_pool,
        expert_record(name=" ", id_number="440106197005170011", mobile="12345", email="nobody", gender="male"),
    )
    assert set(errors) == {"name", "id_number", "mobile", "email"}
    assert errors["id_number"] == ["The check digit of the resident ID number is wrong."]


def test_model_rules_apply_to_every_field(gz_pool: Pool, expert_record: RecordFactory) -> None:
    errors = refused(
        gz_pool,
        expert_record(name="名" * 51, employment_status="napping", field_years=-1, employer_nature="guild"),
    )
    assert set(errors) == {"name", "employment_status", "field_years", "employer_nature"}


def test_employer_code_without_a_name_is_refused(gz_pool: Pool, expert_record: RecordFactory) -> None:
    errors = refused(gz_pool, expert_record(employer_name="", employer_uscc="91110000600037341L"))
    assert errors == {"employer": ["The employer name is required."]}


def test_rows_are_checked_and_reported_by_entry(gz_pool: Pool, expert_record: RecordFactory) -> None:
    errors = refused(
        gz_pool,
        expert_record(
            credentials=(
                CredentialRow(kind="title", name="高级工程师", level="associate_senior"),
                CredentialRow(kind="title", name="工程师"),
            ),
            work_history=(
                WorkRow(
                    employer_name="某单位", start_month=datetime.date(2020, 1, 1), end_month=datetime.date(2019, 1, 1)
                ),
            ),
            distinctions=("academician", "knighthood"),
        ),
    )
    assert errors["credentials"] == ["Entry 2, title level: A professional title needs its level."]
    assert errors["work_history"] == ["Entry 1, to: The end is before the start."]
    assert errors["distinctions"] == ["Unknown distinction: knighthood."]


def test_urumqi_refuses_a_fourth_category_naming_the_clause(ur_pool: Pool, expert_record: RecordFactory) -> None:
    record = expert_record(
        categories=("environmental_science", "environmental_engineering", "climate_change", "nuclear_radiation")
    )
    errors = refused(ur_pool, record)
    assert errors == {"categories": ["At most 3 categories may be chosen (UR 附件1)."]}


def test_guangzhou_industry_category_needs_industry_codes(gz_pool: Pool, expert_record: RecordFactory) -> None:
    errors = refused(gz_pool, expert_record(categories=("industry",), industry_codes=()))
    assert errors == {"industry_codes": ["The category 行业 needs at least one industry code (GZ 二（七）)."]}


def test_industry_codes_must_exist_and_belong_to_an_industry_category(
    gz_pool: Pool, expert_record: RecordFactory
) -> None:
    unknown = refused(gz_pool, expert_record(categories=("industry",), industry_codes=("9999",)))
    assert unknown == {"industry_codes": ["Unknown GB/T 4754-2017 industry code: 9999."]}
    stray = refused(gz_pool, expert_record(categories=("energy_saving",), industry_codes=("3211",)))
    assert stray == {"industry_codes": ["Industry codes are given only with a category that asks for them."]}


def test_categories_must_be_the_pools_own(gz_pool: Pool, expert_record: RecordFactory) -> None:
    assert refused(gz_pool, expert_record(categories=("climate_change",))) == {
        "categories": ["Unknown category: climate_change."]
    }
    assert refused(gz_pool, expert_record(categories=())) == {"categories": ["Choose at least one category."]}


def test_work_history_rows_carry_the_normalised_employer_name(gz_pool: Pool, expert_record: RecordFactory) -> None:
    spelt = "广州（某）有限公司 "
    record = expert_record(work_history=(WorkRow(employer_name=spelt, position="工程师"),))
    membership = expert_register(actor=None, pool=gz_pool, record=record)

    row = WorkHistory.objects.get(expert=membership.expert)
    assert row.employer_name == spelt
    assert row.employer_normalised == "广州(某)有限公司"
