"""What the draw page shows: the candidate report, the chain of draws, the latest draw
in full, the seats and which forms the viewer gets. Reads only (``panel.viewed`` is
audited by ``panel_for_viewer``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import has_any_role
from expertpool.activities.candidates import CandidateReport, candidate_report
from expertpool.activities.selectors_client import kind_name
from expertpool.draws import display
from expertpool.draws.forms_staff import CommitForm, RevealForm
from expertpool.draws.models import Draw, PanelSeat
from expertpool.draws.selectors import PanelEntry, PanelView, panel_for_viewer
from expertpool.draws.selectors_staff import DrawRow, activity_draws, draw_rows
from expertpool.draws.services import DRAWABLE, open_seats, reserves_left
from expertpool.experts.models import Expert
from expertpool.pools.models import Category

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.activities.models import Activity
    from expertpool.pools.models import Pool


@dataclass(frozen=True)
class ExclusionRow:
    name: str  # empty for viewers who do not see names
    rule: str
    clause: str
    detail: str


@dataclass(frozen=True)
class ResultRow:
    """A panel member, reserve or visitor of the walk, by label, with a name where the viewer may see it."""

    position: int
    label: str
    category: str
    outcome: str
    entry: PanelEntry | None
    seat_status: str


def draw_page_context(
    *,
    viewer: User,
    pool: Pool,
    activity: Activity,
    commit_form: CommitForm | None = None,
    reveal_form: RevealForm | None = None,
) -> dict[str, Any]:
    may_draw = has_any_role(viewer, pool, {Role.POOL_ADMIN})
    categories = {c.code: c.display_name for c in Category.objects.filter(pool=pool)}
    chain = draw_rows(activity_draws(activity=activity))
    latest = chain[-1] if chain else None
    panel = _panel(viewer, activity) if any(row.reveal is not None for row in chain) else None
    context: dict[str, Any] = {
        "pool": pool,
        "activity": activity,
        "kind_name": kind_name(pool, activity.kind),
        "may_draw": may_draw,
        "chain": chain,
        "latest": latest,
        "panel": panel,
        "seat_rows": display.seat_rows(panel, categories),
        "may_export_sheet": panel is not None and panel.full,
    }
    drawable = activity.status in DRAWABLE
    supplementary = drawable and latest is not None and latest.reveal is not None and _supplementary_needed(activity)
    # The live report is what the next draw would freeze: shown while one is due. A
    # committed draw shows its own frozen counts instead.
    if drawable and (latest is None or supplementary):
        context.update(_report_context(candidate_report(activity=activity), names=may_draw))
    if latest is not None:
        context.update(_latest_context(latest, panel, categories))
    if may_draw and drawable:
        context.update(_forms(pool, latest, commit_form, reveal_form, supplementary=supplementary))
    context["refusals"] = _unplaced_errors(context, commit_form, reveal_form)
    return context


def _unplaced_errors(context: dict[str, Any], *bound: CommitForm | RevealForm | None) -> list[str]:
    """Errors of a posted form the page no longer shows (e.g. the activity is staffed meanwhile)."""
    shown = {id(form) for form in context.values() if isinstance(form, CommitForm | RevealForm)}
    return [
        str(message)
        for form in bound
        if form is not None and id(form) not in shown
        for messages in form.errors.values()
        for message in messages
    ]


def _panel(viewer: User, activity: Activity) -> PanelView | None:
    try:
        return panel_for_viewer(activity=activity, viewer=viewer)
    except PermissionDenied:
        return None  # reviewers: the result by label, without names


def _report_context(report: CandidateReport, *, names: bool) -> dict[str, Any]:
    ids = {e.expert_id for e in report.exclusions} | {n.expert_id for n in report.needs_review}
    known = dict(Expert.objects.filter(pk__in=ids).values_list("pk", "name")) if names else {}
    return {
        "report": report,
        "exclusions": [
            ExclusionRow(known.get(e.expert_id, ""), display.rule_name(e.rule), e.clause, e.detail)
            for e in report.exclusions
        ],
        "review_notes": [
            ExclusionRow(known.get(n.expert_id, ""), display.rule_name(n.rule), n.clause, n.detail)
            for n in report.needs_review
        ],
        "show_names": names,
    }


def _latest_context(latest: DrawRow, panel: PanelView | None, categories: dict[str, str]) -> dict[str, Any]:
    draw, reveal = latest.draw, latest.reveal
    context: dict[str, Any] = {
        "exclusion_groups": display.exclusion_groups(draw.commitment_summary),
        "numbers": display.numbers_groups(draw.commitment_summary, reveal.randomness["values"] if reveal else None),
        "candidates": draw.candidate_count,
        "frozen_counts": [(name, count) for name, count in draw.filter_counts],
    }
    if reveal is None:
        return context
    result = reveal.result
    seats = {
        (role, position): (seat_id, status)
        for seat_id, role, position, status in PanelSeat.objects.filter(reveal_id=reveal.pk).values_list(
            "pk", "role", "position", "status"
        )
    }
    entries = {entry.seat_id: entry for entry in panel.entries} if panel is not None else {}
    # The reveal wrote one seat per result entry, numbered per role in the result's order.
    by_label: dict[str, tuple[PanelEntry | None, str]] = {}
    for role, key in ((PanelSeat.Role.PANEL, "panel"), (PanelSeat.Role.RESERVE, "reserves")):
        for position, item in enumerate(result.get(key, []), start=1):
            seat_id, status = seats.get((role, position), (None, ""))
            by_label[item["label"]] = (entries.get(seat_id), status)
    context.update(
        {
            "result_status": display.status_name(result.get("status", "")),
            "panel_rows": _rows(result.get("panel", []), by_label, categories, display.walk_outcome("panel")),
            "reserve_rows": _rows(result.get("reserves", []), by_label, categories, display.walk_outcome("reserve")),
            "walk_rows": [
                ResultRow(
                    number,
                    step["label"],
                    categories.get(step["category"] or "", step["category"] or ""),
                    display.walk_outcome(step["outcome"]),
                    by_label.get(step["label"], (None, ""))[0],
                    "",
                )
                for number, step in enumerate(result.get("walk", []), start=1)
            ],
            "warnings": display.warning_texts(result),
            "shortfall": display.shortfall_texts(result, categories),
        }
    )
    return context


def _rows(
    items: list[dict[str, Any]],
    by_label: dict[str, tuple[PanelEntry | None, str]],
    categories: dict[str, str],
    outcome: str,
) -> list[ResultRow]:
    rows = []
    for position, item in enumerate(items, start=1):
        codes = [item["category"]] if item.get("category") else item.get("categories", [])
        entry, status = by_label.get(item["label"], (None, ""))
        name = "、".join(categories.get(code, code) for code in codes)
        rows.append(ResultRow(position, item["label"], name, outcome, entry, _seat_status(status)))
    return rows


def _seat_status(status: str) -> str:
    return str(PanelSeat.Status(status).label) if status in PanelSeat.Status.values else ""


def _forms(
    pool: Pool,
    latest: DrawRow | None,
    commit_form: CommitForm | None,
    reveal_form: RevealForm | None,
    *,
    supplementary: bool,
) -> dict[str, Any]:
    """The forms a pool admin gets now; a bound one (with its errors) replaces its blank twin."""

    def commit(kind: str) -> CommitForm:
        if commit_form is not None and commit_form.kind == kind:
            return commit_form
        return CommitForm(pool=pool, kind=kind)

    forms: dict[str, Any] = {}
    if latest is None:
        forms["initial_form"] = commit(Draw.Kind.INITIAL)
        return forms
    forms["redraw_form"] = commit(Draw.Kind.REDRAW)
    if latest.reveal is None and not latest.superseded:
        forms["reveal_form"] = reveal_form or RevealForm(draw=latest.draw)
    elif supplementary:
        forms["supplementary_form"] = commit(Draw.Kind.SUPPLEMENTARY)
    return forms


def _supplementary_needed(activity: Activity) -> bool:
    """Seats are open and no reserve is left to invite: the service's own condition."""
    return open_seats(activity) > 0 and not reserves_left(activity)
