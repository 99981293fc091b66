"""The client unit's pages: its activities, requesting one, following its panel and
recording attendance afterwards.

Who was drawn comes only through ``draws.selectors.panel_for_viewer``: the unit
sees experts who accepted and approved directed selections, never reserves or
declines, and every view is audited. Another unit's activity is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from expertpool.accounts.models import User
from expertpool.activities.forms_client import ActivityForm
from expertpool.activities.models import Activity, ActivityParty, DirectedSelection
from expertpool.activities.selectors_client import (
    ClientUnit,
    client_activity_list,
    client_units,
    get_activity_for_client,
    get_client_unit,
    kind_name,
    panel_size_state,
    parties,
)
from expertpool.activities.services import activity_create
from expertpool.draws.attendance import RECORDABLE, AttendanceEntry, AttendanceRowError, attendance_record_all
from expertpool.draws.models import Attendance, PanelSeat
from expertpool.draws.selectors import PanelEntry, PanelView, panel_for_viewer
from expertpool.pools.models import Category


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


# The unit's home -------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    kind: str
    panel_size_state: str


@dataclass
class UnitSection:
    unit: ClientUnit
    rows: list[ActivityRow] = field(default_factory=list)


@login_required
@require_safe
def client_home(request: HttpRequest) -> HttpResponse:
    """Per pool the user acts in for a client unit: its activities, and the way to request one."""
    units = client_units(_actor(request))
    sections = {unit.pool.pk: UnitSection(unit) for unit in units}
    for activity in client_activity_list(units):
        # The section's pool carries the parsed policy once; each activity's own copy would parse it again.
        section = sections[activity.pool_id]
        pool = section.unit.pool
        section.rows.append(ActivityRow(activity, kind_name(pool, activity.kind), panel_size_state(activity, pool)))
    return render(request, "activities/client_home.html", {"sections": list(sections.values())})


# Requesting an activity ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_activity_create(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """The request form; every refusal of ``activity_create`` beside its field, input kept."""
    actor = _actor(request)
    unit = get_client_unit(actor, pool_slug)
    categories = list(Category.objects.filter(pool=unit.pool, is_active=True).order_by("position"))
    form = ActivityForm(request.POST or None, pool=unit.pool, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = activity_create(
                actor=actor,
                pool=unit.pool,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                panel_size=data["panel_size"],
                panel_size_reason=data["panel_size_reason"],
                notes=data["notes"],
                subjects=form.subjects(),
                consultants=form.consultants(),
                category_needs=form.category_needs(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, gettext("The activity was requested."))
            return redirect("client:activity_detail", pk=activity.pk)
    context = {"form": form, "unit": unit, "panel_rule": unit.pool.policy.rules.panel}
    return render(request, "activities/client_form.html", context, status=400 if form.has_errors else 200)


# One activity ------------------------------------------------------------------------


def _panel(activity: Activity, viewer: User) -> PanelView | None:
    """The panel as the unit may see it; ``None`` when the unit is itself a subject."""
    try:
        return panel_for_viewer(activity=activity, viewer=viewer)
    except PermissionDenied:
        return None


def _started(activity: Activity) -> bool:
    return timezone.now() >= activity.starts_at


@login_required
@require_safe
def client_activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request as made, its status and panel-size approval, and the confirmed panel."""
    actor = _actor(request)
    activity = get_activity_for_client(actor, pk)
    pool = activity.pool
    panel = _panel(activity, actor)
    context = {
        "activity": activity,
        "kind": kind_name(pool, activity.kind),
        "subjects": parties(activity, ActivityParty.Role.SUBJECT),
        "consultants": parties(activity, ActivityParty.Role.CONSULTANT),
        "needs": list(activity.category_needs.all()),
        "panel_size_state": panel_size_state(activity, pool),
        "panel": panel,
        "attendance_open": panel is not None
        and bool(panel.entries)
        and activity.status in RECORDABLE
        and _started(activity),
    }
    return render(request, "activities/client_detail.html", context)


# Attendance --------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    entry: PanelEntry
    key: str
    outcome: str = ""
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def _key(entry: PanelEntry) -> str:
    return f"seat-{entry.seat_id}" if entry.seat_id is not None else f"directed-{entry.directed_selection_id}"


def _attendance_rows(activity: Activity, panel: PanelView) -> list[AttendanceRow]:
    """One row per confirmed member, filled from the records made so far."""
    recorded = {
        f"seat-{a.seat_id}" if a.seat_id is not None else f"directed-{a.directed_selection_id}": a
        for a in Attendance.objects.filter(activity_id=activity.pk)
    }
    rows = []
    for entry in panel.entries:
        key = _key(entry)
        record = recorded.get(key)
        rows.append(AttendanceRow(entry, key, record.outcome if record else "", record.note if record else ""))
    return rows


def _entries_from_post(request: HttpRequest, activity: Activity, rows: list[AttendanceRow]) -> list[AttendanceEntry]:
    """The rows the unit filled in; a row with neither outcome nor note is left for later."""
    # Whatever their status now: the service refuses a seat no longer accepted, by its row.
    seats = {s.pk: s for s in PanelSeat.objects.filter(activity_id=activity.pk, pk__in=[r.entry.seat_id for r in rows])}
    directed = {d.pk: d for d in DirectedSelection.objects.filter(activity_id=activity.pk)}
    entries = []
    for row in rows:
        row.outcome = request.POST.get(f"outcome-{row.key}", "")
        row.note = request.POST.get(f"note-{row.key}", "")
        if not row.outcome and not row.note.strip():
            continue
        seat = seats.get(row.entry.seat_id or 0)
        chosen = directed.get(row.entry.directed_selection_id or 0)
        entries.append(AttendanceEntry(outcome=row.outcome, note=row.note, seat=seat, directed_selection=chosen))
    return entries


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per confirmed panel member; one POST records every row filled in, or none."""
    actor = _actor(request)
    activity = get_activity_for_client(actor, pk)
    panel = _panel(activity, actor)
    if panel is None:
        raise Http404
    rows = _attendance_rows(activity, panel)
    status = 200
    if request.method == "POST":
        entries = _entries_from_post(request, activity, rows)
        try:
            attendance_record_all(actor=actor, activity=activity, entries=entries)
        except AttendanceRowError as exc:
            by_key = {row.key: row for row in rows}
            for key, errors in exc.rows.items():
                if key in by_key:
                    by_key[key].errors = errors
            status = 400
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            messages.success(request, gettext("Attendance was recorded."))
            return redirect("client:activity_detail", pk=activity.pk)
    context = {
        "activity": activity,
        "rows": rows,
        "outcomes": Attendance.Outcome.choices,
        "started": _started(activity),
        "has_row_errors": any(row.errors for row in rows),
        "clause": activity.pool.policy.rules.absence.clause,
    }
    return render(request, "activities/client_attendance.html", context, status=status)
