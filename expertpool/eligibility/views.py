"""The console page where pool staff check a profile against their pool's conditions."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_htmx.middleware import HtmxDetails

from expertpool.eligibility.engine import Decision
from expertpool.eligibility.forms import EligibilityForm
from expertpool.eligibility.profile import ProfileError
from expertpool.eligibility.services import eligibility_check
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.policy import Policy

OUTCOME_LABELS: dict[str, Promise] = {
    "eligible": _("Eligible"),
    "ineligible": _("Ineligible"),
    "manual_review": _("Needs manual review"),
    "pass": _("Pass"),
    "fail": _("Fail"),
    "review": _("Review"),
}
RULE_LABELS: dict[str, Promise] = {
    "min_title_level": _("Minimum title level"),
    "age_limit": _("Age limit"),
    "category_min_years": _("Years in the field for the category"),
    "title_or_qualification": _("Title or qualification, with years in the field"),
    "category_limit": _("Number of categories"),
    "industry_codes": _("Industry codes"),
    "declaration": _("Declaration"),
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@dataclass(frozen=True)
class ReasonRow:
    clause: str
    clause_text: str
    rule: str
    rule_label: str
    outcome: str
    outcome_label: str
    message: str


@login_required
def check(request: HtmxHttpRequest, pool_slug: str) -> HttpResponse:
    """Fill in or paste a profile; see the decision with every clause applied. Stores nothing."""
    pool = get_pool_for_user(request.user, pool_slug)
    policy = pool.policy.rules
    form = EligibilityForm(request.POST if request.method == "POST" else None, policy=policy)
    decision = None
    if form.is_bound and form.is_valid():
        try:
            decision = eligibility_check(pool=pool, data=form.profile_data(), on_date=form.cleaned_data["on_date"])
        except ProfileError as exc:
            form.add_profile_errors(exc.errors)
    context = {
        "pool": pool,
        "form": form,
        "decision": decision,
        "outcome_label": OUTCOME_LABELS[decision.outcome] if decision else "",
        "rows": reason_rows(decision, policy) if decision else [],
    }
    # htmx re-evaluates as the form changes: only the result is swapped, so focus stays put.
    template = "eligibility/_result.html" if request.htmx else "eligibility/check.html"
    return render(request, template, context)


def reason_rows(decision: Decision, policy: Policy) -> list[ReasonRow]:
    """The reasons as the page shows them: in the reader's language, with each clause's source text."""
    english = (get_language() or "").startswith("en")
    return [
        ReasonRow(
            clause=reason.clause,
            clause_text=policy.clauses.get(reason.clause, ""),
            rule=reason.rule,
            rule_label=str(RULE_LABELS.get(reason.rule.split(".", 1)[0], reason.rule)),
            outcome=reason.outcome,
            outcome_label=str(OUTCOME_LABELS[reason.outcome]),
            message=reason.message_en if english else reason.message_zh,
        )
        for reason in decision.reasons
    ]
