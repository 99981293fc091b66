"""The engine against both shipped policies, branch by branch. No database: the engine is pure."""

from __future__ import annotations

import datetime
import typing
from typing import Any

import pytest
from django.utils import translation

from expertpool.eligibility.engine import RULE_CHECKS, Decision, age_on, evaluate
from expertpool.eligibility.tests.profiles import GZ, ON_DATE, UR, profile, shipped_policy
from expertpool.pools.policy import EligibilityRule

D = datetime.date
GZ_DECLARATIONS = tuple(d.code for d in shipped_policy(GZ).declarations)
UR_DECLARATIONS = tuple(d.code for d in shipped_policy(UR).declarations)


def decide(slug: str, on_date: datetime.date = ON_DATE, **changes: Any) -> Decision:
    return evaluate(profile=profile(slug, **changes), policy=shipped_policy(slug), on_date=on_date)


def outcomes(decision: Decision) -> dict[str, str]:
    return {reason.rule: reason.outcome for reason in decision.reasons}


@pytest.mark.parametrize(
    ("changes", "expected", "rule", "rule_outcome"),
    [
        pytest.param({}, "eligible", "min_title_level", "pass", id="base"),
        pytest.param({"title_level": "full_senior"}, "eligible", "min_title_level", "pass", id="full-senior"),
        pytest.param({"title_level": "intermediate"}, "ineligible", "min_title_level", "fail", id="intermediate"),
        pytest.param({"title_level": "none"}, "ineligible", "min_title_level", "fail", id="no-title"),
        pytest.param({"field_years": 5}, "eligible", "category_min_years", "pass", id="audit-5-years"),
        pytest.param({"field_years": 4}, "ineligible", "category_min_years", "fail", id="audit-4-years"),
        pytest.param(
            {"categories": ["industry"], "industry_codes": ["3211"]},
            "eligible",
            "industry_codes",
            "pass",
            id="industry-with-code",
        ),
        pytest.param({"categories": ["industry"]}, "ineligible", "industry_codes", "fail", id="industry-no-code"),
        pytest.param(
            {"declarations": GZ_DECLARATIONS[:3]},
            "ineligible",
            "declaration.health_and_availability",
            "fail",
            id="missing-declaration",
        ),
        pytest.param({}, "eligible", "declaration.integrity", "pass", id="declared"),
    ],
)
def test_gz_rules(changes: dict[str, Any], expected: str, rule: str, rule_outcome: str) -> None:
    decision = decide(GZ, **changes)

    assert decision.outcome == expected
    assert outcomes(decision)[rule] == rule_outcome


def test_gz_audit_years_apply_only_to_the_cleaner_production_category() -> None:
    decision = decide(GZ, categories=["energy_saving"], field_years=1)

    assert decision.outcome == "eligible"
    assert "category_min_years" not in outcomes(decision)


def test_gz_has_no_category_limit() -> None:
    decision = decide(
        GZ,
        categories=["cleaner_production", "energy_saving", "environmental_protection", "industry"],
        industry_codes=["3211"],
    )

    assert decision.outcome == "eligible"
    assert "category_limit" not in outcomes(decision)


GZ_BORN = D(1960, 9, 1)  # 66th birthday 2026-09-01, 71st 2031-09-01


@pytest.mark.parametrize(
    ("on_date", "changes", "expected"),
    [
        pytest.param(D(2026, 8, 31), {}, "pass", id="65-day-before-66th-birthday"),
        pytest.param(D(2026, 9, 1), {}, "fail", id="66-on-birthday"),
        pytest.param(D(2026, 9, 1), {"distinctions": ["academician"]}, "pass", id="66-academician"),
        pytest.param(D(2026, 9, 1), {"distinctions": ["doctoral_supervisor"]}, "pass", id="66-doctoral-supervisor"),
        pytest.param(D(2026, 9, 1), {"distinctions": ["state_council_allowance"]}, "pass", id="66-state-council"),
        pytest.param(D(2026, 9, 1), {"distinctions": ["provincial_allowance"]}, "pass", id="66-provincial"),
        pytest.param(D(2026, 9, 1), {"title_level": "full_senior"}, "pass", id="66-full-senior"),
        pytest.param(D(2026, 9, 1), {"distinctions": ["scarce_specialty"]}, "review", id="66-scarce-specialty"),
        pytest.param(
            D(2026, 9, 1), {"distinctions": ["scarce_specialty", "academician"]}, "pass", id="66-scarce-and-academician"
        ),
        pytest.param(D(2031, 8, 31), {"distinctions": ["academician"]}, "pass", id="70-day-before-71st-birthday"),
        pytest.param(D(2031, 8, 31), {"distinctions": ["scarce_specialty"]}, "review", id="70-scarce-specialty"),
        pytest.param(D(2031, 9, 1), {"distinctions": ["academician"]}, "fail", id="71-academician"),
        pytest.param(D(2031, 9, 1), {"title_level": "full_senior"}, "fail", id="71-full-senior"),
        pytest.param(D(2031, 9, 1), {"distinctions": ["scarce_specialty"]}, "fail", id="71-scarce-specialty"),
    ],
)
def test_gz_age_limit_boundaries(on_date: datetime.date, changes: dict[str, Any], expected: str) -> None:
    decision = decide(GZ, on_date, birth_date=GZ_BORN, **changes)

    assert outcomes(decision)["age_limit"] == expected
    assert decision.outcome == {"pass": "eligible", "review": "manual_review", "fail": "ineligible"}[expected]


@pytest.mark.parametrize(
    ("on_date", "expected"),
    [
        pytest.param(D(2026, 2, 28), "pass", id="common-year-28-feb-still-65"),
        pytest.param(D(2026, 3, 1), "fail", id="common-year-1-mar-turns-66"),
    ],
)
def test_gz_age_limit_for_a_29_february_birthday(on_date: datetime.date, expected: str) -> None:
    decision = decide(GZ, on_date, birth_date=D(1960, 2, 29))

    assert outcomes(decision)["age_limit"] == expected


@pytest.mark.parametrize(
    ("born", "on_date", "age"),
    [
        pytest.param(D(1960, 9, 1), D(2026, 8, 31), 65, id="day-before-birthday"),
        pytest.param(D(1960, 9, 1), D(2026, 9, 1), 66, id="birthday"),
        pytest.param(D(1960, 2, 29), D(2026, 2, 28), 65, id="29-feb-on-28-feb-common-year"),
        pytest.param(D(1960, 2, 29), D(2026, 3, 1), 66, id="29-feb-on-1-mar-common-year"),
        pytest.param(D(1960, 2, 29), D(2028, 2, 28), 67, id="29-feb-on-28-feb-leap-year"),
        pytest.param(D(1960, 2, 29), D(2028, 2, 29), 68, id="29-feb-on-29-feb-leap-year"),
        pytest.param(D(1960, 12, 31), D(2026, 1, 1), 65, id="new-year"),
    ],
)
def test_age_is_counted_in_full_years(born: datetime.date, on_date: datetime.date, age: int) -> None:
    assert age_on(born, on_date) == age


def test_age_review_message_names_the_ground_and_numbers() -> None:
    decision = decide(GZ, D(2026, 9, 1), birth_date=GZ_BORN, distinctions=["scarce_specialty"])
    reason = next(r for r in decision.reasons if r.rule == "age_limit")

    assert reason.clause == "GZ 二（九）"
    assert "Aged 66 on 2026-09-01" in reason.message_en
    assert "Scarce specialty" in reason.message_en
    assert "70" in reason.message_en


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, "pass", id="associate-senior-12-years"),
        pytest.param({"title_level": "full_senior", "field_years": 5}, "pass", id="full-senior-5-years"),
        pytest.param({"field_years": 4}, "fail", id="associate-senior-4-years"),
        pytest.param({"title_level": "intermediate", "qualifications": ["环评工程师"]}, "pass", id="eia-engineer"),
        pytest.param(
            {"title_level": "none", "qualifications": ["注册核安全工程师"], "field_years": 5},
            "pass",
            id="nuclear-safety-engineer-5-years",
        ),
        pytest.param(
            {"title_level": "intermediate", "qualifications": ["注册环保工程师"], "field_years": 4},
            "fail",
            id="qualification-4-years",
        ),
        pytest.param(
            {"title_level": "intermediate", "qualifications": ["注册安全工程师"]}, "fail", id="unlisted-qualification"
        ),
        pytest.param({"title_level": "intermediate"}, "fail", id="intermediate-no-qualification"),
        pytest.param({"title_level": "intermediate", "degree": "doctorate"}, "review", id="doctorate-relaxes"),
        pytest.param({"title_level": "junior", "postdoc": True}, "review", id="postdoc-relaxes"),
        pytest.param({"title_level": "none", "distinctions": ["scarce_specialty"]}, "review", id="expertise-relaxes"),
        pytest.param({"field_years": 2, "degree": "doctorate"}, "review", id="doctorate-relaxes-years"),
        pytest.param({"title_level": "intermediate", "degree": "master"}, "fail", id="master-does-not-relax"),
        pytest.param(
            {"title_level": "intermediate", "distinctions": ["academician"]}, "fail", id="unlisted-distinction"
        ),
    ],
)
def test_ur_title_or_qualification(changes: dict[str, Any], expected: str) -> None:
    decision = decide(UR, **changes)

    assert outcomes(decision)["title_or_qualification"] == expected
    assert decision.outcome == {"pass": "eligible", "review": "manual_review", "fail": "ineligible"}[expected]


@pytest.mark.parametrize(
    ("changes", "ground"),
    [
        pytest.param({"degree": "doctorate"}, "Doctorate", id="doctorate"),
        pytest.param({"postdoc": True}, "postdoctoral experience", id="postdoc"),
        pytest.param({"distinctions": ["scarce_specialty"]}, "Scarce specialty", id="outstanding-expertise"),
    ],
)
def test_ur_review_message_names_the_relaxing_ground(changes: dict[str, Any], ground: str) -> None:
    decision = decide(UR, title_level="intermediate", **changes)
    reason = next(r for r in decision.reasons if r.rule == "title_or_qualification")

    assert reason.outcome == "review"
    assert reason.clause == "UR 第七条（三）"
    assert ground in reason.message_en
    assert "an admin decides" in reason.message_en


def test_ur_failure_names_the_listed_qualifications() -> None:
    reason = next(r for r in decide(UR, title_level="intermediate").reasons if r.rule == "title_or_qualification")

    assert "环评工程师, 注册环保工程师, 注册核安全工程师" in reason.message_en
    assert "环评工程师、注册环保工程师、注册核安全工程师" in reason.message_zh


def test_ur_a_failure_outweighs_a_review() -> None:
    decision = decide(UR, title_level="intermediate", degree="doctorate", declarations=UR_DECLARATIONS[1:])

    assert outcomes(decision)["title_or_qualification"] == "review"
    assert decision.outcome == "ineligible"


def test_ur_has_no_age_limit() -> None:
    decision = decide(UR, birth_date=D(1940, 1, 1))

    assert decision.outcome == "eligible"
    assert "age_limit" not in outcomes(decision)


@pytest.mark.parametrize(
    ("count", "expected"),
    [pytest.param(3, "pass", id="three-categories"), pytest.param(4, "fail", id="four-categories")],
)
def test_ur_category_limit(count: int, expected: str) -> None:
    codes = [c.code for c in shipped_policy(UR).categories.items][:count]
    decision = decide(UR, categories=codes)
    reason = next(r for r in decision.reasons if r.rule == "category_limit")

    assert reason.outcome == expected
    assert reason.clause == shipped_policy(UR).categories.clause
    assert f"{count} categories chosen" in reason.message_en


@pytest.mark.parametrize(("slug", "declarations"), [(GZ, GZ_DECLARATIONS), (UR, UR_DECLARATIONS)])
def test_each_missing_declaration_fails_citing_its_clause(slug: str, declarations: tuple[str, ...]) -> None:
    decision = decide(slug, declarations=[])
    failed = {r.rule: r.clause for r in decision.reasons if r.outcome == "fail"}

    assert decision.outcome == "ineligible"
    assert failed == {f"declaration.{d.code}": d.clause for d in shipped_policy(slug).declarations}
    assert len(failed) == len(declarations)


@pytest.mark.parametrize("slug", [GZ, UR])
def test_every_reason_cites_a_clause_of_the_policy_in_both_languages(slug: str) -> None:
    decision = decide(slug, title_level="intermediate", declarations=[])

    for reason in decision.reasons:
        assert reason.clause in shipped_policy(slug).clauses
        assert reason.message_zh
        assert reason.message_en


def test_messages_do_not_depend_on_the_active_language() -> None:
    with translation.override("en"):
        in_english = decide(UR, title_level="intermediate", degree="doctorate")
    with translation.override("zh-hans"):
        in_chinese = decide(UR, title_level="intermediate", degree="doctorate")

    assert in_english == in_chinese


def test_chinese_messages_use_the_policys_chinese_texts() -> None:
    reason = next(r for r in decide(GZ, declarations=[]).reasons if r.rule == "declaration.integrity")

    assert "本人具有良好的政治素养" in reason.message_zh
    assert "I have sound political integrity" in reason.message_en


def test_decision_as_dict_is_the_documented_json() -> None:
    data = decide(GZ, title_level="intermediate").as_dict()

    assert data["outcome"] == "ineligible"
    assert data["on_date"] == "2025-09-01"
    assert data["policy"] == {"slug": GZ, "version": shipped_policy(GZ).version}
    assert data["reasons"][0] == {
        "rule": "min_title_level",
        "clause": "GZ 二（四）",
        "outcome": "fail",
        "message": {"zh-hans": data["reasons"][0]["message"]["zh-hans"], "en": data["reasons"][0]["message"]["en"]},
    }
    assert "Intermediate" in data["reasons"][0]["message"]["en"]


def test_every_rule_kind_of_the_policy_schema_has_a_check() -> None:
    union = typing.get_args(EligibilityRule)[0]

    assert set(typing.get_args(union)) == set(RULE_CHECKS)
