"""The draw sheet (抽取记录表) as PDF: printed, signed by whoever ran the draw and the supervisor.

Internal to the managing body: it names the panel and reserves, so only pool
admins and supervisors (who may open the label table) get it. Exclusions keep
their pseudonymous labels. WeasyPrint with the system CJK font, as the printed
application form (``applications/printing/pdf.py``); nothing is fetched from outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from expertpool.activities.models import ActivityParty
from expertpool.activities.selectors_client import kind_name
from expertpool.draws import display
from expertpool.draws.selectors import draw_labels
from expertpool.draws.selectors_staff import reveal_of
from expertpool.experts.models import Expert
from expertpool.pools.models import Category

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.draws.models import Draw


@dataclass(frozen=True)
class DrawnPerson:
    """A panel member or reserve on the sheet."""

    position: int
    label: str
    category: str
    name: str
    employer: str


def render_sheet_pdf(*, draw: Draw, viewer: User) -> bytes:
    """The sheet of one draw; ``PermissionDenied`` unless the viewer may open its label table."""
    # Imported here: WeasyPrint loads pango when imported; without it only the PDF is lost.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # noqa: PLC0415
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # noqa: PLC0415

    context = sheet_context(draw=draw, viewer=viewer)
    fetcher = URLFetcher(allowed_protocols={"data"})
    html = HTML(string=render_to_string("draws/sheet.html", context), url_fetcher=fetcher)
    css = CSS(string=render_to_string("draws/sheet.css", context), url_fetcher=fetcher)
    pdf: bytes = html.write_pdf(stylesheets=[css])
    return pdf


def sheet_context(*, draw: Draw, viewer: User) -> dict[str, Any]:
    labels = draw_labels(user=viewer, draw=draw)
    activity = draw.activity
    pool = draw.pool
    reveal = reveal_of(draw)
    result: dict[str, Any] = reveal.result if reveal is not None else {}
    categories = {c.code: c.display_name for c in Category.objects.filter(pool=pool)}
    parties = ActivityParty.objects.filter(activity_id=activity.pk).select_related("organisation").order_by("pk")
    commitment = draw.commitment_summary
    return {
        "draw": draw,
        "pool": pool,
        "activity": activity,
        "kind_name": kind_name(pool, activity.kind),
        "subjects": [p.organisation for p in parties if p.role == ActivityParty.Role.SUBJECT],
        "consultants": [p.organisation for p in parties if p.role == ActivityParty.Role.CONSULTANT],
        "panel_rule": commitment["panel"],
        "category_counts": [
            (categories.get(item["category"], item["category"]), item["count"])
            for item in commitment["panel"]["category_counts"]
        ],
        "filter_counts": draw.filter_counts,
        "candidates": draw.candidate_count,
        "exclusions": display.exclusion_groups(commitment),
        "randomness": display.numbers_groups(commitment, reveal.randomness["values"] if reveal else None),
        "reveal": reveal,
        "status": display.status_name(result.get("status", "committed")),
        "panel": _people(result.get("panel", []), labels, categories),
        "reserves": _people(result.get("reserves", []), labels, categories),
        "warnings": display.warning_texts(result),
        "shortfall": display.shortfall_texts(result, categories),
        "printed_at": timezone.now(),
    }


def _people(seats: list[dict[str, Any]], labels: dict[str, int], categories: dict[str, str]) -> list[DrawnPerson]:
    experts = {
        expert.pk: expert
        for expert in Expert.objects.filter(pk__in=[labels[s["label"]] for s in seats if s["label"] in labels])
        .select_related("employer")
        .only("pk", "name", "employer__name")
    }
    people = []
    for position, seat in enumerate(seats, start=1):
        codes = [seat["category"]] if seat.get("category") else seat.get("categories", [])
        expert = experts.get(labels.get(seat["label"], 0))
        employer = expert.employer if expert is not None else None
        people.append(
            DrawnPerson(
                position=position,
                label=seat["label"],
                category="、".join(categories.get(code, code) for code in codes),
                name=expert.name if expert is not None else "",
                employer=employer.name if employer is not None else "",
            )
        )
    return people
