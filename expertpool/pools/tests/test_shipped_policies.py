"""The two shipped policies: valid, and saying what their sources say."""

from __future__ import annotations

import pytest

from expertpool.pools.policy import (
    AgeLimitRule,
    CategoryMinYearsRule,
    FormFieldKey,
    MinTitleLevelRule,
    Policy,
    TitleLevel,
    TitleOrQualificationRule,
    parse_policy,
    shipped_policy_path,
)
from expertpool.pools.tests.policies import GZ, UR


def shipped(slug: str) -> Policy:
    return parse_policy(shipped_policy_path(slug).read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", [GZ, UR])
def test_shipped_policy_is_valid_and_every_citation_resolves(slug: str) -> None:
    policy = shipped(slug)
    assert policy.slug == slug
    assert policy.problems() == []
    cited = {clause for _path, clause in policy.citations()}
    assert cited <= set(policy.clauses)


@pytest.mark.parametrize("slug", [GZ, UR])
def test_settings_the_source_is_silent_on_say_whose_choice_they_are(slug: str) -> None:
    policy = shipped(slug)
    for setting in (policy.public_notice, policy.term, policy.panel):
        assert setting is None or setting.clause or setting.note


def test_urumqi_has_eleven_categories_and_allows_three_per_expert() -> None:
    policy = shipped(UR)
    assert [c.name for c in policy.categories.items] == [
        "环境科学", "环境工程", "生态保护", "环境监测与监控", "环境影响评价", "环境政策与法规标准",
        "气候变化", "农业农村环境", "核与辐射", "环境经济", "生态环境损害赔偿",
    ]  # fmt: skip
    assert policy.categories.max_per_expert == 3
    assert "限勾选3项" in policy.clauses[policy.categories.clause]


def test_guangzhou_categories_need_industry_codes_only_for_industry() -> None:
    policy = shipped(GZ)
    assert [(c.name, c.requires_industry_codes) for c in policy.categories.items] == [
        ("清洁生产", False), ("节能", False), ("环保", False), ("行业", True),
    ]  # fmt: skip
    assert policy.categories.max_per_expert is None


def test_guangzhou_eligibility_rules() -> None:
    title, years, age = shipped(GZ).eligibility
    assert isinstance(title, MinTitleLevelRule)
    assert (title.level, title.clause) == (TitleLevel.ASSOCIATE_SENIOR, "GZ 二（四）")
    assert isinstance(years, CategoryMinYearsRule)
    assert (years.category, years.min_years, years.clause) == ("cleaner_production", 5, "GZ 二（八）")
    assert isinstance(age, AgeLimitRule)
    assert (age.max_age, age.raised_max_age, age.clause) == (65, 70, "GZ 二（九）")
    assert age.raising_title_levels == [TitleLevel.FULL_SENIOR]
    # 稀缺专业 is the admin's judgement: manual review, never self-certified.
    assert [d.value for d in age.review_distinctions] == ["scarce_specialty"]


def test_urumqi_eligibility_relaxes_by_manual_review_and_a_qualification_stands_in_for_a_title() -> None:
    (rule,) = shipped(UR).eligibility
    assert isinstance(rule, TitleOrQualificationRule)
    assert rule.qualifications == ["环评工程师", "注册环保工程师", "注册核安全工程师"]
    assert (rule.min_title_level, rule.min_years) == (TitleLevel.ASSOCIATE_SENIOR, 5)
    assert rule.relaxing_postdoc
    title = next(f for f in shipped(UR).form if f.key == FormFieldKey.TITLE)
    assert not title.required


def test_terms_notice_and_panels() -> None:
    gz, ur = shipped(GZ), shipped(UR)
    assert (ur.term.years, ur.term.renewable, ur.term.clause) == (3, True, "UR 第九条")
    assert gz.term.years is None
    assert ur.public_notice is None
    assert gz.public_notice is not None
    assert gz.public_notice.working_days == 5
    for policy in (gz, ur):
        assert (policy.panel.min_size, policy.panel.odd) == (3, True)
    assert ur.panel.clause == "UR 第十二条"


def test_both_offer_the_usual_activity_kinds_and_the_selection_settings() -> None:
    gz, ur = shipped(GZ), shipped(UR)
    usual = {"review", "acceptance", "consultation", "training", "site_survey"}
    for policy in (gz, ur):
        assert usual <= {kind.code for kind in policy.activity_kinds}
    assert "audit_assessment" in {kind.code for kind in gz.activity_kinds}  # GZ's own: 清洁生产审核评估
    assert (gz.invitations.answer_hours, ur.invitations.answer_hours) == (48, 24)
    assert (gz.panel.draw_at_most_working_days_before, ur.panel.draw_at_most_working_days_before) == (None, 5)
    assert gz.service_cap is None
    assert ur.service_cap is not None
    assert (ur.service_cap.max_services, ur.service_cap.period_days, ur.service_cap.clause) == (6, 365, "UR 第十二条")
    assert (gz.confidentiality.clause, ur.confidentiality.clause) == ("GZ 三（五）", "UR 第十一条（四）")


def test_absence_rules_differ_as_the_sources_do() -> None:
    gz, ur = shipped(GZ).absence, shipped(UR).absence
    assert (gz.mode, gz.count, gz.window_days, gz.clause) == ("total", 3, None, "GZ 五（一）2")
    assert (ur.mode, ur.count, ur.window_days, ur.clause) == ("consecutive", 3, 365, "UR 第十六条（三）")
    assert "declined_without_reason" in ur.counted_outcomes
    assert "declined_without_reason" not in gz.counted_outcomes


def test_removal_is_announced_in_urumqi_and_barred_from_re_engagement_in_guangzhou() -> None:
    assert len(shipped(GZ).removal_reasons) == 7
    assert all(reason.re_engagement_barred for reason in shipped(GZ).removal_reasons)
    assert len(shipped(UR).removal_reasons) == 7
    assert all(reason.announce for reason in shipped(UR).removal_reasons)


def test_urumqi_sanctions_and_evaluation_dimensions() -> None:
    policy = shipped(UR)
    assert policy.sanctions.kinds == ["reminder_talk", "warning"]
    assert [r.clause for r in policy.sanctions.reasons] == [f"UR 第十五条（{n}）" for n in "一二三四五"]
    assert [d.name for d in policy.evaluation.dimensions] == ["业务水平", "工作态度", "质量规范"]


def test_pledges_are_quoted_in_full() -> None:
    gz, ur = shipped(GZ), shipped(UR)
    assert gz.pledge.text == gz.clauses["GZ 个人承诺"]
    assert ur.pledge.text.startswith("入选乌鲁木齐市生态环境保护专家库")
    assert ur.pledge.text.count("\n") == 6  # the preamble, four undertakings and 特此承诺
    assert ur.pledge.text.strip().endswith("特此承诺。")
