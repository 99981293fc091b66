"""Attendance after an activity (UR 第十六条（三）; GZ 五（一）2): what the client unit
records for each panel member, the input of the discipline rules.

Recording opens when the activity has started, not only when it has ended: a
member who never arrived, or left during the work, is known from the start, and
a multi-day activity should not wait. Each accepted seat and approved directed
selection has at most one record; a correction changes that row and the audit
log keeps the earlier value. When every one of them has a record, the activity
is completed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.permissions import acts_for_client_unit
from expertpool.activities.models import Activity, DirectedSelection
from expertpool.audit.services import audit_log, changes
from expertpool.draws.models import Attendance, PanelSeat

if TYPE_CHECKING:
    from expertpool.accounts.models import User

FieldErrors = dict[str, list[str]]
# Before the panel is confirmed there is nobody to record; a cancelled activity has no attendance.
RECORDABLE = (Activity.Status.DRAWN, Activity.Status.STAFFED, Activity.Status.COMPLETED)
COMPLETABLE = (Activity.Status.DRAWN, Activity.Status.STAFFED)


@dataclass(frozen=True)
class AttendanceEntry:
    """One panel member's outcome: a seat or a directed selection, never both."""

    outcome: str
    note: str = ""
    seat: PanelSeat | None = None
    directed_selection: DirectedSelection | None = None

    @property
    def key(self) -> str:
        """Names the row in errors: ``seat-<id>`` or ``directed-<id>``."""
        if self.seat is not None:
            return f"seat-{self.seat.pk}"
        return f"directed-{self.directed_selection.pk if self.directed_selection is not None else ''}"


class AttendanceRowError(ValidationError):
    """A batch refused, by row key and then by field; nothing was stored."""

    def __init__(self, rows: dict[str, FieldErrors]) -> None:
        super().__init__({key: [m for messages in fields.values() for m in messages] for key, fields in rows.items()})
        self.rows = rows


def _check_actor(actor: User, activity: Activity) -> None:
    if not acts_for_client_unit(actor, pool_id=activity.pool_id, organisation_id=activity.client_unit_id):
        raise PermissionDenied(_("Only the activity's client unit may record attendance."))


def _locked_open(actor: User, activity: Activity) -> Activity:
    """The activity, locked, once its client unit may record attendance for it."""
    _check_actor(actor, activity)
    locked = Activity.objects.select_for_update().select_related("pool__policy").get(pk=activity.pk)
    if locked.status not in RECORDABLE:
        raise ValidationError({"activity": [_("Attendance is recorded only for an activity with a panel.")]})
    if timezone.now() < locked.starts_at:
        start = timezone.localtime(locked.starts_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            {
                "activity": [
                    _("Attendance can be recorded once the activity has started (%(start)s).") % {"start": start}
                ]
            }
        )
    return locked


def _entry_errors(activity: Activity, entry: AttendanceEntry) -> FieldErrors:
    errors: FieldErrors = {}
    seat, directed = entry.seat, entry.directed_selection
    if (seat is None) == (directed is None):
        errors["seat"] = [_("Name either a panel seat or a directed selection.")]
    elif seat is not None and (seat.activity_id != activity.pk or seat.status != PanelSeat.Status.ACCEPTED):
        errors["seat"] = [_("Attendance is recorded only for experts of this activity who accepted.")]
    elif directed is not None and (
        directed.activity_id != activity.pk or directed.status != DirectedSelection.Status.APPROVED
    ):
        errors["directed_selection"] = [_("Attendance is recorded only for approved directed selections.")]
    if entry.outcome not in Attendance.Outcome.values:
        errors["outcome"] = [_("Choose one of the attendance outcomes.")]
    elif entry.outcome == Attendance.Outcome.ABSENT_WITH_REASON and not entry.note.strip():
        errors["note"] = [_("An absence with a valid reason needs the reason in the note.")]
    return errors


def _existing(entry: AttendanceEntry) -> Attendance | None:
    if entry.seat is not None:
        return Attendance.objects.select_for_update().filter(seat_id=entry.seat.pk).first()
    assert entry.directed_selection is not None  # noqa: S101 (checked by _entry_errors)
    return Attendance.objects.select_for_update().filter(directed_selection_id=entry.directed_selection.pk).first()


def _person(entry: AttendanceEntry) -> dict[str, Any]:
    if entry.seat is not None:
        return {"seat": entry.seat.pk, "expert": entry.seat.expert_id}
    return {"directed_selection": entry.directed_selection.pk if entry.directed_selection is not None else None}


def _save(actor: User, activity: Activity, entry: AttendanceEntry) -> Attendance:
    """Create or correct the row; an unchanged row is left alone and not audited."""
    note = entry.note.strip()
    record = _existing(entry)
    clause = activity.pool.policy.rules.absence.clause
    if record is None:
        record = Attendance.objects.create(
            activity=activity,
            seat=entry.seat,
            directed_selection=entry.directed_selection,
            outcome=entry.outcome,
            note=note,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        data = {**_person(entry), "outcome": record.outcome, "note": note}
        audit_log(
            actor=actor, action="attendance.recorded", target=record, pool=activity.pool, clause=clause, data=data
        )
        return record
    before = {"outcome": record.outcome, "note": record.note}
    after = {"outcome": entry.outcome, "note": note}
    if before == after:
        return record
    record.outcome, record.note = entry.outcome, note
    record.recorded_by, record.recorded_at = actor, timezone.now()
    record.save(update_fields=["outcome", "note", "recorded_by", "recorded_at"])
    data = {**_person(entry), "changes": changes(before, after)}
    audit_log(actor=actor, action="attendance.corrected", target=record, pool=activity.pool, clause=clause, data=data)
    return record


def attendance_outstanding(activity: Activity) -> int:
    """Accepted seats and approved directed selections of the activity still without a record."""
    seats = PanelSeat.objects.filter(
        activity_id=activity.pk, status=PanelSeat.Status.ACCEPTED, attendance__isnull=True
    ).count()
    directed = DirectedSelection.objects.filter(
        activity_id=activity.pk, status=DirectedSelection.Status.APPROVED, attendance__isnull=True
    ).count()
    return seats + directed


def _has_panel(activity: Activity) -> bool:
    return PanelSeat.objects.filter(activity_id=activity.pk, status=PanelSeat.Status.ACCEPTED).exists()


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    activity: Activity,
    seat: PanelSeat | None = None,
    directed_selection: DirectedSelection | None = None,
    outcome: str,
    note: str = "",
) -> Attendance:
    """Record (or correct) one panel member's attendance (UR 第十六条（三）; GZ 五（一）2).

    Only users acting for the activity's client unit (``PermissionDenied``).
    Raises ``ValidationError`` by field, storing nothing, before the activity has
    started or when it has no panel (``activity``), for a seat that is not an
    accepted seat of the activity (``seat``) or a directed selection not approved
    for it (``directed_selection``), an unknown ``outcome``, or an absence with a
    valid reason without that reason (``note``). Audit codes: ``attendance.recorded``,
    ``attendance.corrected`` (old → new), citing the policy's absence clause; then
    ``activity.completed`` when it was the last member without a record.
    """
    entry = AttendanceEntry(outcome=outcome, note=note, seat=seat, directed_selection=directed_selection)
    locked = _locked_open(actor, activity)
    errors = _entry_errors(locked, entry)
    if errors:
        raise ValidationError(errors)
    record = _save(actor, locked, entry)
    _complete_when_done(actor, locked, activity)
    return record


@transaction.atomic
def attendance_record_all(*, actor: User, activity: Activity, entries: Sequence[AttendanceEntry]) -> list[Attendance]:
    """Record several members at once, all rows or none: the rules of
    ``attendance_record``, with row errors raised together as ``AttendanceRowError``."""
    locked = _locked_open(actor, activity)
    errors = {entry.key: found for entry in entries if (found := _entry_errors(locked, entry))}
    if errors:
        raise AttendanceRowError(errors)
    records = [_save(actor, locked, entry) for entry in entries]
    _complete_when_done(actor, locked, activity)
    return records


def _complete_when_done(actor: User, locked: Activity, activity: Activity) -> None:
    if locked.status in COMPLETABLE and _has_panel(locked) and attendance_outstanding(locked) == 0:
        activity_complete(actor=actor, activity=locked)
    activity.status = locked.status


@transaction.atomic
def activity_complete(*, actor: User, activity: Activity) -> Activity:
    """Mark the activity completed: every accepted panel member and approved directed
    selection has an attendance record.

    Only the activity's client unit (``PermissionDenied``). Raises ``ValidationError``
    when the activity has no confirmed panel or is not drawn or staffed, or a member
    still lacks a record. Called by ``attendance_record`` after the last record.
    Audit code: ``activity.completed``.
    """
    _check_actor(actor, activity)
    locked = Activity.objects.select_for_update().select_related("pool").get(pk=activity.pk)
    if locked.status not in COMPLETABLE or not _has_panel(locked):
        raise ValidationError({"activity": [_("Only an activity with a confirmed panel can be completed.")]})
    outstanding = attendance_outstanding(locked)
    if outstanding:
        raise ValidationError(
            {
                "activity": [
                    _("Attendance is still to be recorded for %(count)d panel members.") % {"count": outstanding}
                ]
            }
        )
    previous = locked.status
    locked.status = Activity.Status.COMPLETED
    locked.save(update_fields=["status"])
    audit_log(
        actor=actor,
        action="activity.completed",
        target=locked,
        pool=locked.pool,
        data={"status": {"before": previous, "after": locked.status}},
    )
    activity.status = locked.status
    return activity
