"""Reading profiles: every field's rule, reported by field; and profiles of registered members."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from expertpool.core.identifiers import make_id_number
from expertpool.eligibility.engine import evaluate
from expertpool.eligibility.profile import ProfileError, parse_on_date, parse_profile, profile_from_membership
from expertpool.eligibility.tests.profiles import GZ, UR, profile_json, shipped_policy
from expertpool.experts.records import CredentialRow, EducationRow, ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool
from expertpool.pools.policy import Degree, Distinction, TitleLevel

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = pytest.mark.usefixtures("english")

BORN = datetime.date(1970, 5, 17)  # the GZ base profile's birth date
ID_NUMBER = make_id_number(area_code="440106", birth_date=BORN, sequence=7, gender="male")


def errors_of(slug: str, data: Any) -> dict[str, list[str]]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, policy=shipped_policy(slug))
    return caught.value.errors


def test_a_full_profile_is_read_with_its_types(copper_smelting: IndustryCode) -> None:
    data = profile_json(
        GZ,
        gender="male",
        id_number=ID_NUMBER,
        birth_date=BORN.isoformat(),
        title_level="full_senior",
        postdoc=True,
        degree="doctorate",
        qualifications=[" 注册环保工程师 ", "注册环保工程师"],
        distinctions=["academician"],
        categories=["industry", "cleaner_production"],
        industry_codes=["3211"],
        name="张三",  # a full expert record's other keys are ignored
    )

    profile = parse_profile(data, policy=shipped_policy(GZ))

    assert profile.birth_date == BORN
    assert profile.title_level is TitleLevel.FULL_SENIOR
    assert profile.degree is Degree.DOCTORATE
    assert profile.postdoc is True
    assert profile.qualifications == ("注册环保工程师",)
    assert profile.distinctions == (Distinction.ACADEMICIAN,)
    assert profile.categories == ("industry", "cleaner_production")
    assert profile.industry_codes == ("3211",)
    assert profile.id_number == ID_NUMBER
    assert profile.gender == "male"


@pytest.mark.django_db
def test_optional_fields_default_to_the_least() -> None:
    data = {"birth_date": "1970-05-17", "title_level": "none", "field_years": 0, "categories": ["climate_change"]}

    profile = parse_profile(data, policy=shipped_policy(UR))

    assert profile.field_years == 0
    assert profile.degree is Degree.OTHER
    assert profile.postdoc is False
    assert profile.qualifications == profile.distinctions == profile.declarations == profile.industry_codes == ()
    assert profile.gender is None
    assert profile.id_number is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        pytest.param({"birth_date": None}, "birth_date", "This field is required", id="birth-date-missing"),
        pytest.param({"birth_date": "17/05/1970"}, "birth_date", "YYYY-MM-DD", id="birth-date-format"),
        pytest.param({"birth_date": 19700517}, "birth_date", "YYYY-MM-DD", id="birth-date-number"),
        pytest.param({"birth_date": "1970-02-30"}, "birth_date", "not a real date", id="birth-date-impossible"),
        pytest.param({"birth_date": "2999-01-01"}, "birth_date", "future", id="birth-date-future"),
        pytest.param({"gender": "m"}, "gender", "male, female", id="gender"),
        pytest.param({"title_level": "senior"}, "title_level", "full_senior, associate_senior", id="title-level"),
        pytest.param({"title_level": None}, "title_level", "required", id="title-level-missing"),
        pytest.param({"field_years": "12"}, "field_years", "whole number", id="field-years-text"),
        pytest.param({"field_years": 12.5}, "field_years", "whole number", id="field-years-fraction"),
        pytest.param({"field_years": True}, "field_years", "whole number", id="field-years-bool"),
        pytest.param({"field_years": -1}, "field_years", "between 0 and 80", id="field-years-negative"),
        pytest.param({"field_years": 81}, "field_years", "between 0 and 80", id="field-years-too-many"),
        pytest.param({"degree": "phd"}, "degree", "doctorate, master, bachelor, other", id="degree"),
        pytest.param({"postdoc": "yes"}, "postdoc", "true or false", id="postdoc"),
        pytest.param({"qualifications": "环评工程师"}, "qualifications", "list", id="qualifications-text"),
        pytest.param({"qualifications": [""]}, "qualifications", "non-empty", id="qualifications-empty"),
        pytest.param({"distinctions": ["nobel"]}, "distinctions", "Unknown value: nobel", id="distinction"),
        pytest.param({"categories": []}, "categories", "required", id="categories-empty"),
        pytest.param({"categories": ["nope"]}, "categories", "Unknown category for this pool: nope", id="category"),
        pytest.param({"industry_codes": ["9999"]}, "industry_codes", "GB/T 4754-2017 industry code: 9999", id="code"),
        pytest.param(
            {"declarations": ["honesty"]}, "declarations", "Unknown declaration for this pool: honesty", id="decl"
        ),
        pytest.param({"id_number": "44010619700517001"}, "id_number", "18 characters", id="id-length"),
        pytest.param({"id_number": ID_NUMBER[:-1] + "0"}, "id_number", "check digit", id="id-check-digit"),
        pytest.param(
            {"id_number": ID_NUMBER, "birth_date": "1970-05-18"},
            "id_number",
            "birth date does not match",
            id="id-birth-date-mismatch",
        ),
        pytest.param(
            {"id_number": ID_NUMBER, "gender": "female"}, "id_number", "gender does not match", id="id-gender-mismatch"
        ),
    ],
)
def test_each_bad_field_is_named_with_its_rule(changes: dict[str, Any], field: str, fragment: str) -> None:
    data = profile_json(GZ, **changes)  # born on BORN

    errors = errors_of(GZ, data)

    assert list(errors) == [field]
    assert fragment in " ".join(errors[field])


@pytest.mark.django_db
def test_all_bad_fields_are_reported_at_once() -> None:
    errors = errors_of(GZ, {"birth_date": "x", "title_level": "x", "categories": ["x"], "industry_codes": ["0000"]})

    assert set(errors) == {"birth_date", "title_level", "field_years", "categories", "industry_codes"}


@pytest.mark.django_db
def test_categories_are_the_pools_own() -> None:
    errors = errors_of(UR, profile_json(UR, categories=["cleaner_production"]))

    assert "environmental_science" in errors["categories"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [[], "profile", None, 3])
def test_a_profile_must_be_an_object(data: Any) -> None:
    assert errors_of(GZ, data) == {"non_field_errors": ["The profile must be a JSON object."]}


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("2026-09-01", datetime.date(2026, 9, 1))])
def test_on_date_is_optional(value: object, expected: datetime.date | None) -> None:
    assert parse_on_date(value) == expected


@pytest.mark.parametrize("value", ["2026-9-1", "2026-02-30", 20260901])
def test_a_bad_on_date_is_named(value: object) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_on_date(value)

    assert list(caught.value.errors) == ["on_date"]


def test_a_members_profile_comes_from_the_registry(
    gz_pool: Pool, expert_record: Callable[..., ExpertRecord], copper_smelting: IndustryCode
) -> None:
    record = expert_record(
        birth_date=datetime.date(1958, 3, 1),
        field_years=20,
        credentials=(
            CredentialRow(kind="title", name="教授级高级工程师", level="full_senior"),
            CredentialRow(kind="qualification", name="注册环保工程师"),
        ),
        education=(EducationRow(institution="中山大学", degree="doctorate", is_postdoc=True),),
        distinctions=("state_council_allowance",),
        categories=("cleaner_production", "industry"),
        industry_codes=("3211",),
    )
    membership = expert_register(actor=None, pool=gz_pool, record=record)

    profile = profile_from_membership(membership)

    assert profile.birth_date == datetime.date(1958, 3, 1)
    assert profile.title_level is TitleLevel.FULL_SENIOR
    assert profile.degree is Degree.DOCTORATE
    assert profile.postdoc is True
    assert profile.qualifications == ("注册环保工程师",)
    assert profile.distinctions == (Distinction.STATE_COUNCIL_ALLOWANCE,)
    assert set(profile.categories) == {"cleaner_production", "industry"}
    assert profile.industry_codes == ("3211",)
    assert profile.id_number == record.id_number
    assert profile.declarations == ()


def test_re_checking_a_member_reads_the_rule_reasons(gz_pool: Pool, expert_record: Callable[..., ExpertRecord]) -> None:
    record = expert_record(birth_date=datetime.date(1958, 3, 1))
    membership = expert_register(actor=None, pool=gz_pool, record=record)

    decision = evaluate(
        profile=profile_from_membership(membership), policy=gz_pool.policy.rules, on_date=timezone.localdate()
    )
    by_rule = {reason.rule: reason.outcome for reason in decision.reasons}

    assert by_rule["min_title_level"] == "pass"
    assert by_rule["age_limit"] == "fail"  # 67 or older, with no ground for the raised limit
    assert by_rule["declaration.integrity"] == "fail"  # the registry keeps no declarations
