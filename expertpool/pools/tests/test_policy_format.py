"""The policy format: a bad file is refused with every problem named by its key."""

from __future__ import annotations

from typing import Any

import pytest

from expertpool.pools.policy import Policy, PolicyError, parse_policy
from expertpool.pools.tests.policies import policy_data, policy_text


def errors_for(data: dict[str, Any] | str) -> list[str]:
    with pytest.raises(PolicyError) as excinfo:
        parse_policy(data if isinstance(data, str) else policy_text(data))
    return excinfo.value.errors


def test_a_value_out_of_range_is_named_by_its_full_key() -> None:
    data = policy_data()
    assert data["eligibility"][2]["kind"] == "age_limit"
    data["eligibility"][2]["max_age"] = 5
    assert errors_for(data) == ["eligibility.2.age_limit.max_age: Input should be greater than or equal to 18"]


def test_an_unknown_clause_reference_is_named() -> None:
    data = policy_data()
    data["eligibility"][0]["clause"] = "GZ 九（九）"
    assert errors_for(data) == ["eligibility.0.clause: clause 'GZ 九（九）' is not defined in 'clauses'"]


def test_a_duplicate_category_code_is_named() -> None:
    data = policy_data()
    data["categories"]["items"][1]["code"] = "cleaner_production"
    assert errors_for(data) == ["categories.items.1.code: duplicate code 'cleaner_production'"]


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("form", "key"),
        ("attachments", "code"),
        ("declarations", "code"),
        ("activity_kinds", "code"),
        ("removal_reasons", "code"),
    ],
)
def test_duplicate_codes_are_refused_in_every_list(section: str, field: str) -> None:
    data = policy_data()
    data[section].append(dict(data[section][0]))
    index = len(data[section]) - 1
    assert errors_for(data) == [f"{section}.{index}.{field}: duplicate {field} {data[section][0][field]!r}"]


def test_an_unknown_key_is_refused_not_ignored() -> None:
    data = policy_data()
    data["panel"]["minimum"] = 3
    assert errors_for(data) == ["panel.minimum: Extra inputs are not permitted"]


def test_a_missing_key_is_named() -> None:
    data = policy_data()
    del data["absence"]["count"]
    assert errors_for(data) == ["absence.count: Field required"]


def test_a_missing_clause_on_a_rule_is_named() -> None:
    data = policy_data()
    del data["categories"]["items"][0]["clause"]
    assert errors_for(data) == ["categories.items.0.clause: Field required"]


def test_an_unknown_eligibility_rule_kind_is_named() -> None:
    data = policy_data()
    data["eligibility"][1]["kind"] = "min_height"
    (error,) = errors_for(data)
    assert error.startswith("eligibility.1: Input tag 'min_height' found using 'kind' does not match")


def test_a_category_rule_must_name_a_known_category() -> None:
    data = policy_data()
    data["eligibility"][1]["category"] = "energy"
    assert errors_for(data) == ["eligibility.1.category: unknown category 'energy'"]


def test_a_setting_without_clause_must_say_whose_choice_it_is() -> None:
    data = policy_data()
    data["panel"]["note"] = ""
    (error,) = errors_for(data)
    assert error.startswith("panel: ")
    assert "note" in error


def test_numbers_that_contradict_each_other_are_refused() -> None:
    data = policy_data()
    data["panel"]["min_size"] = 4
    data["eligibility"][2]["raised_max_age"] = 60
    data["evaluation"]["scale_max"] = 1
    assert errors_for(data) == [
        "eligibility.2.age_limit.raised_max_age: must not be lower than max_age",
        "panel.min_size: must be odd, as the panel is odd",
        "evaluation.scale_max: must be greater than scale_min",
    ]


def test_a_category_needing_industry_codes_needs_the_form_field() -> None:
    data = policy_data()
    data["form"] = [field for field in data["form"] if field["key"] != "industry_codes"]
    assert errors_for(data) == [
        "categories.items.3.requires_industry_codes: the form has no 'industry_codes' field to give them in"
    ]


def test_every_problem_is_listed_at_once() -> None:
    data = policy_data()
    data["public_notice"]["working_days"] = 0
    data["absence"]["mode"] = "sometimes"
    errors = errors_for(data)
    assert len(errors) == 2
    assert errors[0].startswith("public_notice.working_days: ")
    assert errors[1].startswith("absence.mode: ")


def test_a_duplicate_yaml_key_is_refused_with_its_line() -> None:
    text = policy_text(policy_data()).replace("slug: gz-cleaner-production\n", "slug: a\nslug: b\n", 1)
    assert errors_for(text) == ["not valid YAML (line 2): duplicate key 'slug'"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slug: [unclosed", "not valid YAML (line 1)"),
        ("- a list\n- of things\n", "the file must hold a mapping of policy keys"),
        ("", "the file must hold a mapping of policy keys"),
    ],
)
def test_a_file_that_is_not_a_policy_mapping_is_refused(text: str, message: str) -> None:
    (error,) = errors_for(text)
    assert error.startswith(message)


def test_an_unquoted_date_version_is_read_as_text() -> None:
    text = policy_text({**policy_data(), "version": "2025-07-29"}).replace(
        "version: '2025-07-29'", "version: 2025-07-29", 1
    )
    assert "version: 2025-07-29\n" in text
    assert parse_policy(text).version == "2025-07-29"


def test_citations_cover_every_rule_that_carries_a_clause() -> None:
    policy = parse_policy(policy_text(policy_data()))
    paths = dict(policy.citations())
    assert paths["eligibility.2.clause"] == "GZ 二（九）"
    assert paths["categories.items.3.clause"] == "GZ 二（七）"
    assert paths["evaluation.category_adjustment_clause"] == "GZ 五（二）"
    assert all(clause in policy.clauses for clause in paths.values())


def test_a_stored_document_reloads_to_the_same_policy() -> None:
    policy = parse_policy(policy_text(policy_data()))
    assert Policy.model_validate(policy.model_dump(mode="json")) == policy
