"""How a stored draw reads on the draw page and the draw sheet: names for codes, texts for warnings.

The stored record keeps codes and English texts (they are hashed and must not
change with the language); these turn them into the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertpool.activities.candidates import ALREADY_ASKED, NOT_A_CANDIDATE, OVERLAPPING, SERVICE_CAP
from expertpool.draws import algorithm
from expertpool.draws.models import REDRAW

if TYPE_CHECKING:
    from expertpool.draws.selectors import PanelEntry, PanelView

RULE_NAMES = {
    "employer_is_subject": gettext_lazy("Employer is a subject of the activity"),
    "employer_is_consultant": gettext_lazy("Employer is the consultant of the activity"),
    "declared_conflict": gettext_lazy("Declared conflict of interest"),
    "served_subject_recently": gettext_lazy("Served the same subject recently"),
    "pool_staff": gettext_lazy("Staff of the pool"),
    "one_per_employer": gettext_lazy("At most one expert per employer"),
    SERVICE_CAP: gettext_lazy("Served as often as the policy allows"),
    OVERLAPPING: gettext_lazy("Booked for an overlapping activity"),
    ALREADY_ASKED: gettext_lazy("Drawn for this activity already"),
    NOT_A_CANDIDATE: gettext_lazy("No longer an active member in a needed category"),
    REDRAW: gettext_lazy("Re-draw"),
}
WALK_OUTCOMES = {
    algorithm.PANEL: gettext_lazy("Panel member"),
    algorithm.RESERVE: gettext_lazy("Reserve"),
    algorithm.SKIP_CATEGORY_FULL: gettext_lazy("Skipped: the category is full"),
    algorithm.SKIP_NO_CATEGORY: gettext_lazy("Skipped: holds no requested category"),
    algorithm.SKIP_SAME_EMPLOYER: gettext_lazy("Skipped: same employer as one already drawn"),
}
STATUS_NAMES = {
    "committed": gettext_lazy("Committed, not revealed yet"),
    "drawn": gettext_lazy("Drawn"),
    "insufficient": gettext_lazy("Too few candidates: nothing drawn"),
}
# The English texts of algorithm.WARNING_TEXTS, repeated literally so that they are
# extracted as msgids; a test keeps the two in step.
WARNING_TEXTS = {
    "low_entropy": gettext_lazy(
        "The randomness inputs carry %(input_bits)s bits, fewer than the %(needed_bits)s bits of "
        "log2 C(%(candidates)s, %(size)s): not every possible panel can come out of this draw."
    ),
    "reserves_short": gettext_lazy("Only %(drawn)s of the %(requested)s reserves could be drawn."),
}


def rule_name(code: str) -> str:
    return str(RULE_NAMES.get(code, code))


def release_note(rule: str, clause: str, detail: str) -> str:
    """Why a seat was released, in the reader's language: the rule, its clause, the detail."""
    if not rule:
        return ""
    name = rule_name(rule)
    if clause:
        name = _("%(rule)s (%(clause)s)") % {"rule": name, "clause": clause}
    return _("%(rule)s: %(detail)s") % {"rule": name, "detail": detail} if detail else name


def walk_outcome(code: str) -> str:
    return str(WALK_OUTCOMES.get(code, code))


def status_name(code: str) -> str:
    return str(STATUS_NAMES.get(code, code))


def warning_texts(result: Mapping[str, Any]) -> list[str]:
    """Each warning of a stored result, in the reader's language."""
    texts = []
    for warning in result.get("warnings", []):
        params = {key: value for key, value in warning.items() if key != "code"}
        template = WARNING_TEXTS.get(warning["code"])
        texts.append(str(template) % params if template is not None else str(warning["code"]))
    return texts


def shortfall_texts(result: Mapping[str, Any], category_names: Mapping[str, str]) -> list[str]:
    """Why a revealed draw drew nothing, in plain words."""
    shortfall = result.get("shortfall")
    if not shortfall:
        return []
    texts = [
        _(
            "Too few candidates: the panel needs %(needed)s, the walk over all %(candidates)s candidates "
            "filled %(filled)s; nothing was drawn."
        )
        % {key: shortfall[key] for key in ("needed", "candidates", "filled")}
    ]
    texts += [
        _("Category %(category)s needs %(needed)s, filled %(filled)s; %(holders)s candidates hold it.")
        % {**item, "category": category_names.get(item["category"], item["category"])}
        for item in shortfall.get("categories", [])
    ]
    return texts


@dataclass(frozen=True)
class ExclusionGroup:
    """The exclusions of a committed draw under one rule and clause, by pseudonymous label."""

    rule: str
    rule_name: str
    clause: str
    labels: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.labels)


def exclusion_groups(commitment: Mapping[str, Any]) -> list[ExclusionGroup]:
    """The commitment's exclusions grouped by rule and clause, in the order first met."""
    grouped: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for exclusion in commitment.get("exclusions", []):
        grouped[exclusion["rule"], exclusion["clause"]].append(exclusion["label"])
    return [ExclusionGroup(rule, rule_name(rule), clause, tuple(labels)) for (rule, clause), labels in grouped.items()]


@dataclass(frozen=True)
class NumbersGroup:
    """A declared group of random numbers and, once revealed, the numbers entered."""

    name: str
    kind: str
    declared: str
    values: tuple[int, ...]


def numbers_groups(commitment: Mapping[str, Any], values: list[list[int]] | None) -> list[NumbersGroup]:
    groups = commitment["randomness"]["groups"]
    return [
        NumbersGroup(
            name=group["name"],
            kind=group["kind"],
            declared=declared_text(group),
            values=tuple(values[index]) if values is not None and index < len(values) else (),
        )
        for index, group in enumerate(groups)
    ]


def declared_text(group: Mapping[str, Any]) -> str:
    """What a group of numbers must be, e.g. "6 numbers from 1 to 33, all different"."""
    params = {"count": group["count"], "min": group["min"], "max": group["max"]}
    if group["count"] == 1:
        return _("one number from %(min)s to %(max)s") % params
    if group["distinct"]:
        return _("%(count)s numbers from %(min)s to %(max)s, all different") % params
    return _("%(count)s numbers from %(min)s to %(max)s") % params


def seat_rows(panel: PanelView | None, categories: Mapping[str, str]) -> list[tuple[PanelEntry, str]]:
    """The panel's entries, each with the name of its category."""
    if panel is None:
        return []
    return [(entry, categories.get(entry.category, entry.category)) for entry in panel.entries]
