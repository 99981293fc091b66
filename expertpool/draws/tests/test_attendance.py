"""Attendance after the activity: the client unit's record per confirmed panel member."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from expertpool.accounts.models import User
from expertpool.activities.models import Activity, DirectedSelection
from expertpool.activities.tests.client_helpers import accept_panel, client_of, client_user, revealed_activity
from expertpool.audit.models import AuditRecord
from expertpool.draws.attendance import AttendanceEntry, AttendanceRowError, attendance_record, attendance_record_all
from expertpool.draws.models import Attendance, PanelSeat
from expertpool.pools.models import Pool

ATTENDED = Attendance.Outcome.ATTENDED
WITH_REASON = Attendance.Outcome.ABSENT_WITH_REASON


def _started(time_machine: Any, activity: Activity) -> None:
    time_machine.move_to(activity.starts_at + datetime.timedelta(hours=1))


def test_attendance_is_refused_before_the_activity_starts(gz_pool: Pool, gz_admin: User) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]

    with pytest.raises(ValidationError) as refused:
        attendance_record(actor=client_of(activity), activity=activity, seat=seat, outcome=ATTENDED)

    assert "activity" in refused.value.message_dict
    assert not Attendance.objects.exists()


def test_client_unit_records_attendance_citing_the_absence_clause(
    gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]
    _started(time_machine, activity)

    record = attendance_record(actor=client_of(activity), activity=activity, seat=seat, outcome=ATTENDED)

    assert (record.seat_id, record.outcome) == (seat.pk, ATTENDED)
    audit = AuditRecord.objects.get(action="attendance.recorded")
    assert audit.clause == gz_pool.policy.rules.absence.clause
    assert audit.data["expert"] == seat.expert_id
    assert audit.data["outcome"] == ATTENDED


def test_only_the_activitys_client_unit_may_record(
    gz_pool: Pool, gz_admin: User, outsider: User, time_machine: Any
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]
    _started(time_machine, activity)
    other_unit = client_user(gz_pool, "另一使用单位")

    for actor in (gz_admin, other_unit, outsider):
        with pytest.raises(PermissionDenied):
            attendance_record(actor=actor, activity=activity, seat=seat, outcome=ATTENDED)

    assert not Attendance.objects.exists()


def test_a_seat_not_accepted_is_refused(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    accept_panel(activity)
    reserve = PanelSeat.objects.filter(activity=activity, role=PanelSeat.Role.RESERVE).first()
    assert reserve is not None
    _started(time_machine, activity)

    with pytest.raises(ValidationError) as refused:
        attendance_record(actor=client_of(activity), activity=activity, seat=reserve, outcome=ATTENDED)

    assert "seat" in refused.value.message_dict
    assert not Attendance.objects.exists()


def test_absence_with_reason_needs_the_reason_in_the_note(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]
    _started(time_machine, activity)

    with pytest.raises(ValidationError) as refused:
        attendance_record(actor=client_of(activity), activity=activity, seat=seat, outcome=WITH_REASON, note="  ")

    assert refused.value.message_dict == {"note": ["An absence with a valid reason needs the reason in the note."]}
    assert not Attendance.objects.exists()


def test_a_correction_keeps_one_row_and_audits_old_and_new(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    seat = accept_panel(activity)[0]
    client = client_of(activity)
    _started(time_machine, activity)
    attendance_record(actor=client, activity=activity, seat=seat, outcome=ATTENDED)

    attendance_record(actor=client, activity=activity, seat=seat, outcome=WITH_REASON, note="突发疾病，已提前告知")
    attendance_record(actor=client, activity=activity, seat=seat, outcome=WITH_REASON, note="突发疾病，已提前告知")

    record = Attendance.objects.get()
    assert (record.outcome, record.note) == (WITH_REASON, "突发疾病，已提前告知")
    corrections = AuditRecord.objects.filter(action="attendance.corrected")
    assert corrections.count() == 1  # the unchanged repeat is not a correction
    assert corrections.get().data["changes"]["outcome"] == {"before": ATTENDED, "after": WITH_REASON}


def test_the_last_record_completes_the_activity(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    first, *others = accept_panel(activity)
    client = client_of(activity)
    _started(time_machine, activity)

    attendance_record(actor=client, activity=activity, seat=first, outcome=ATTENDED)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAWN

    entries = [AttendanceEntry(outcome=Attendance.Outcome.LEFT_DURING_WORK, seat=seat) for seat in others]
    attendance_record_all(actor=client, activity=activity, entries=entries)

    activity.refresh_from_db()
    assert activity.status == Activity.Status.COMPLETED
    assert AuditRecord.objects.filter(action="activity.completed", object_id=str(activity.pk)).count() == 1


def test_a_batch_with_one_bad_row_stores_nothing(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    first, second, _third = accept_panel(activity)
    _started(time_machine, activity)
    entries = [AttendanceEntry(outcome=ATTENDED, seat=first), AttendanceEntry(outcome=WITH_REASON, seat=second)]

    with pytest.raises(AttendanceRowError) as refused:
        attendance_record_all(actor=client_of(activity), activity=activity, entries=entries)

    assert set(refused.value.rows) == {f"seat-{second.pk}"}
    assert "note" in refused.value.rows[f"seat-{second.pk}"]
    assert not Attendance.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="attendance.").exists()


def test_approved_directed_selections_are_recorded_and_requested_ones_refused(
    gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    activity = revealed_activity(gz_pool, gz_admin)
    accept_panel(activity)
    client = client_of(activity)
    requested = DirectedSelection.objects.create(
        activity=activity, name="外聘专家", employer_name="某研究院", reason="特殊专业", requested_by=client
    )
    approved = DirectedSelection.objects.create(
        activity=activity,
        name="定向专家",
        employer_name="某大学",
        reason="特殊专业",
        requested_by=client,
        status=DirectedSelection.Status.APPROVED,
    )
    _started(time_machine, activity)

    record = attendance_record(actor=client, activity=activity, directed_selection=approved, outcome=ATTENDED)
    with pytest.raises(ValidationError) as refused:
        attendance_record(actor=client, activity=activity, directed_selection=requested, outcome=ATTENDED)

    assert record.directed_selection_id == approved.pk
    assert "directed_selection" in refused.value.message_dict
