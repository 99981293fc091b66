"""The eligibility engine: a profile, a policy and a date in; a decision with its clauses out.

Pure: no database and no request, so the API, the command, the console and the
registry's continuous review all get the same answer. Every rule checked yields
a reason (passes too), each citing the clause it applies.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from expertpool.eligibility.messages import (
    DEGREE_LABELS,
    DISTINCTION_LABELS,
    TITLE_LEVEL_LABELS,
    Bilingual,
    Param,
    bilingual,
)
from expertpool.pools.policy import (
    AgeLimitRule,
    CategoryMinYearsRule,
    MinTitleLevelRule,
    Policy,
    TitleOrQualificationRule,
)

if TYPE_CHECKING:
    # Only the type: the profile's parsers read the database, the engine never does.
    from expertpool.eligibility.profile import Profile

Outcome = Literal["eligible", "ineligible", "manual_review"]
ReasonOutcome = Literal["pass", "fail", "review"]


@dataclass(frozen=True)
class Reason:
    rule: str
    clause: str
    outcome: ReasonOutcome
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "outcome": self.outcome,
            "message": {"zh-hans": self.message_zh, "en": self.message_en},
        }


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    on_date: datetime.date
    policy_slug: str
    policy_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "on_date": self.on_date.isoformat(),
            "reasons": [reason.as_dict() for reason in self.reasons],
            "policy": {"slug": self.policy_slug, "version": self.policy_version},
        }


def evaluate(*, profile: Profile, policy: Policy, on_date: datetime.date) -> Decision:
    """Judge ``profile`` against every eligibility condition of ``policy`` on ``on_date``.

    Any failed condition makes the profile ineligible; otherwise any condition
    needing an admin's judgement sends it to manual review.
    """
    reasons: list[Reason] = []
    for rule in policy.eligibility:
        reason = RULE_CHECKS[type(rule)](rule, profile, policy, on_date)
        if reason is not None:
            reasons.append(reason)
    reasons.extend(_category_limit(profile, policy))
    reasons.extend(_industry_codes(profile, policy))
    reasons.extend(_declarations(profile, policy))
    return Decision(
        outcome=_outcome(reasons),
        reasons=tuple(reasons),
        on_date=on_date,
        policy_slug=policy.slug,
        policy_version=policy.version,
    )


def age_on(birth_date: datetime.date, on_date: datetime.date) -> int:
    """Age in full years: N on the Nth birthday; a 29 February birthday comes on 1 March in common years."""
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - before_birthday


def _outcome(reasons: list[Reason]) -> Outcome:
    outcomes = {reason.outcome for reason in reasons}
    if "fail" in outcomes:
        return "ineligible"
    if "review" in outcomes:
        return "manual_review"
    return "eligible"


def _reason(rule: str, clause: str, outcome: ReasonOutcome, template: str, **params: Param) -> Reason:
    message_zh, message_en = bilingual(template, **params)
    return Reason(rule=rule, clause=clause, outcome=outcome, message_zh=message_zh, message_en=message_en)


def _min_title_level(rule: MinTitleLevelRule, profile: Profile, _policy: Policy, _on_date: datetime.date) -> Reason:
    params: dict[str, Param] = {
        "held": TITLE_LEVEL_LABELS[profile.title_level],
        "required": TITLE_LEVEL_LABELS[rule.level],
    }
    if profile.title_level.rank >= rule.level.rank:
        template = gettext_noop("Title level %(held)s meets the minimum of %(required)s.")
        return _reason(rule.kind, rule.clause, "pass", template, **params)
    template = gettext_noop("Title level %(held)s is below the minimum of %(required)s.")
    return _reason(rule.kind, rule.clause, "fail", template, **params)


def _age_limit(rule: AgeLimitRule, profile: Profile, _policy: Policy, on_date: datetime.date) -> Reason:
    age = age_on(profile.birth_date, on_date)
    raising = [DISTINCTION_LABELS[d] for d in profile.distinctions if d in rule.raising_distinctions]
    if profile.title_level in rule.raising_title_levels:
        raising.append(TITLE_LEVEL_LABELS[profile.title_level])
    review = [DISTINCTION_LABELS[d] for d in profile.distinctions if d in rule.review_distinctions]
    params: dict[str, Param] = {
        "age": age,
        "date": on_date.isoformat(),
        "max_age": rule.max_age,
        "raised_max_age": rule.raised_max_age,
    }

    def reason(outcome: ReasonOutcome, template: str, **extra: Param) -> Reason:
        return _reason(rule.kind, rule.clause, outcome, template, **params, **extra)

    if age <= rule.max_age:
        return reason("pass", gettext_noop("Aged %(age)d on %(date)s: within the limit of %(max_age)d."))
    if age > rule.raised_max_age:
        return reason("fail", gettext_noop("Aged %(age)d on %(date)s: above the highest limit of %(raised_max_age)d."))
    if raising:
        return reason(
            "pass",
            gettext_noop(
                "Aged %(age)d on %(date)s: above %(max_age)d but within the raised limit of %(raised_max_age)d "
                "for %(grounds)s."
            ),
            grounds=raising,
        )
    if review:
        return reason(
            "review",
            gettext_noop(
                "Aged %(age)d on %(date)s: above %(max_age)d; whether the raised limit of %(raised_max_age)d "
                "applies for %(grounds)s is for an admin to decide."
            ),
            grounds=review,
        )
    return reason(
        "fail",
        gettext_noop(
            "Aged %(age)d on %(date)s: above the limit of %(max_age)d, and no ground for the raised limit "
            "of %(raised_max_age)d applies."
        ),
    )


def _category_min_years(
    rule: CategoryMinYearsRule, profile: Profile, policy: Policy, _on_date: datetime.date
) -> Reason | None:
    category = policy.category(rule.category)
    if category is None or rule.category not in profile.categories:
        return None
    params: dict[str, Param] = {
        "category": Bilingual(category.name, category.name_en),
        "years": profile.field_years,
        "min_years": rule.min_years,
    }
    if profile.field_years >= rule.min_years:
        template = gettext_noop("Category %(category)s: %(years)d years in the field, at least %(min_years)d required.")
        return _reason(rule.kind, rule.clause, "pass", template, **params)
    template = gettext_noop("Category %(category)s needs at least %(min_years)d years in the field; %(years)d given.")
    return _reason(rule.kind, rule.clause, "fail", template, **params)


def _title_or_qualification(
    rule: TitleOrQualificationRule, profile: Profile, _policy: Policy, _on_date: datetime.date
) -> Reason:
    held_qualifications = [q for q in profile.qualifications if q in rule.qualifications]
    title_ok = profile.title_level.rank >= rule.min_title_level.rank
    params: dict[str, Param] = {
        "held": TITLE_LEVEL_LABELS[profile.title_level],
        "required": TITLE_LEVEL_LABELS[rule.min_title_level],
        "qualifications": rule.qualifications,
        "years": profile.field_years,
        "min_years": rule.min_years,
    }

    def reason(outcome: ReasonOutcome, template: str, **extra: Param) -> Reason:
        return _reason(rule.kind, rule.clause, outcome, template, **params, **extra)

    if profile.field_years >= rule.min_years and title_ok:
        return reason(
            "pass",
            gettext_noop(
                "Title level %(held)s (at least %(required)s) with %(years)d years in the field "
                "(at least %(min_years)d)."
            ),
        )
    if profile.field_years >= rule.min_years and held_qualifications:
        return reason(
            "pass",
            gettext_noop("Qualification %(qualification)s with %(years)d years in the field (at least %(min_years)d)."),
            qualification=held_qualifications,
        )
    grounds = _relaxing_grounds(rule, profile)
    if grounds:
        return reason(
            "review",
            gettext_noop(
                "Needs title level %(required)s or above, or one of the qualifications %(qualifications)s, with at "
                "least %(min_years)d years in the field; not met, but %(grounds)s may relax the condition: "
                "an admin decides."
            ),
            grounds=grounds,
        )
    return reason(
        "fail",
        gettext_noop(
            "Needs title level %(required)s or above, or one of the qualifications %(qualifications)s, with at least "
            "%(min_years)d years in the field; given: title level %(held)s, %(years)d years, listed "
            "qualifications: %(held_qualifications)s."
        ),
        held_qualifications=held_qualifications or [_("none")],
    )


def _relaxing_grounds(rule: TitleOrQualificationRule, profile: Profile) -> list[Param]:
    grounds: list[Param] = []
    if profile.degree in rule.relaxing_degrees:
        grounds.append(DEGREE_LABELS[profile.degree])
    if rule.relaxing_postdoc and profile.postdoc:
        grounds.append(_("postdoctoral experience"))
    grounds.extend(DISTINCTION_LABELS[d] for d in profile.distinctions if d in rule.relaxing_distinctions)
    return grounds


# One check per rule kind of the policy schema (a test keeps the two in step).
RULE_CHECKS: dict[type[Any], Callable[[Any, Profile, Policy, datetime.date], Reason | None]] = {
    MinTitleLevelRule: _min_title_level,
    AgeLimitRule: _age_limit,
    CategoryMinYearsRule: _category_min_years,
    TitleOrQualificationRule: _title_or_qualification,
}


def _category_limit(profile: Profile, policy: Policy) -> list[Reason]:
    limit = policy.categories.max_per_expert
    if limit is None:
        return []
    count = len(profile.categories)
    if count <= limit:
        template = gettext_noop("%(count)d categories chosen; at most %(limit)d allowed.")
        return [_reason("category_limit", policy.categories.clause, "pass", template, count=count, limit=limit)]
    template = gettext_noop("%(count)d categories chosen, more than the %(limit)d allowed.")
    return [_reason("category_limit", policy.categories.clause, "fail", template, count=count, limit=limit)]


def _industry_codes(profile: Profile, policy: Policy) -> list[Reason]:
    reasons = []
    for code in profile.categories:
        category = policy.category(code)
        if category is None or not category.requires_industry_codes:
            continue
        name = Bilingual(category.name, category.name_en)
        if profile.industry_codes:
            template = gettext_noop("Category %(category)s: GB/T 4754-2017 industry codes given (%(codes)s).")
            outcome: ReasonOutcome = "pass"
        else:
            template = gettext_noop("Category %(category)s needs at least one GB/T 4754-2017 industry code.")
            outcome = "fail"
        reasons.append(
            _reason("industry_codes", category.clause, outcome, template, category=name, codes=profile.industry_codes)
        )
    return reasons


def _declarations(profile: Profile, policy: Policy) -> list[Reason]:
    reasons = []
    for declaration in policy.declarations:
        text = Bilingual(declaration.text, declaration.text_en)
        rule = f"declaration.{declaration.code}"
        if declaration.code in profile.declarations:
            reasons.append(_reason(rule, declaration.clause, "pass", gettext_noop("Declared: %(text)s"), text=text))
        else:
            reasons.append(_reason(rule, declaration.clause, "fail", gettext_noop("Not declared: %(text)s"), text=text))
    return reasons
