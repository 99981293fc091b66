"""Invitations and reserves: the seat transitions after the reveal (issue 4 point 6)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from expertpool.accounts.models import Role, User
from expertpool.activities.candidates import candidate_report
from expertpool.activities.models import Activity, ActivityParty, DeclaredConflict
from expertpool.activities.services import conflict_declare
from expertpool.audit.models import AuditRecord
from expertpool.core.sms import SmsMessage
from expertpool.draws.invitations import invitation_accept, invitation_decline, reserve_invite_next, seat_invite
from expertpool.draws.models import PanelSeat
from expertpool.draws.tests.factories import make_activity, make_experts
from expertpool.draws.tests.invitation_factories import (
    client_unit_user,
    drawn_activity,
    expert_user,
    invited_panel,
    reveal_activity,
    seats,
)
from expertpool.experts.models import Membership, MembershipStatus
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.pools.models import Pool

PANEL, RESERVE = PanelSeat.Role.PANEL, PanelSeat.Role.RESERVE
S = PanelSeat.Status


def actions(code: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=code).order_by("sequence"))


def test_reveal_invites_the_panel_by_mail_and_text_with_a_link(
    gz_pool: Pool,
    gz_admin: User,
    mailoutbox: list[Any],
    sms_outbox: list[SmsMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reveal = invited_panel(gz_pool, gz_admin)
    panel, reserves = seats(reveal, PANEL), seats(reveal, RESERVE)
    assert [seat.status for seat in panel] == [S.INVITED] * 3
    assert [seat.status for seat in reserves] == [S.DRAWN] * 2
    for seat in panel:
        assert seat.invited_at is not None
        assert seat.answer_due_at == seat.invited_at + datetime.timedelta(hours=48)
        assert len(seat.invitation_nonce) == 32
    assert sorted(m.to[0] for m in mailoutbox) == sorted(seat.expert.email for seat in panel)
    assert sorted(m.to for m in sms_outbox) == sorted(seat.expert.mobile for seat in panel)
    assert all("/invitations/" in m.body for m in mailoutbox)
    assert all("/invitations/" in m.text for m in sms_outbox)
    assert "某化工有限公司" in mailoutbox[0].body  # the subject, so that the expert can spot a conflict
    sent = actions("invitation.sent")
    assert [record.data["expert"] for record in sent] == [seat.expert_id for seat in panel]
    assert sent[0].data["channels"] == {"email": True, "sms": True}
    assert all(seat.expert.mobile not in str(record.data) for record in sent for seat in panel)


def test_a_seat_is_invited_once_and_by_a_pool_admin_only(gz_pool: Pool, gz_admin: User, outsider: User) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    reserve = seats(reveal, RESERVE)[0]
    with pytest.raises(PermissionDenied):
        seat_invite(actor=outsider, seat=reserve)
    with pytest.raises(ValidationError) as refused:
        seat_invite(actor=gz_admin, seat=seats(reveal, PANEL)[0])
    assert "seat" in refused.value.message_dict


def test_accepting_every_panel_seat_staffs_the_activity_and_tells_the_client_unit(
    gz_pool: Pool, gz_admin: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    activity = Activity.objects.get(pk=reveal.draw.activity_id)
    client = User.objects.get(pool_roles__organisation=activity.client_unit, pool_roles__role=Role.CLIENT_UNIT)
    User.objects.filter(pk=client.pk).update(email="client@example.cn")
    first, *others = seats(reveal, PANEL)
    invitation_accept(seat=first, via="link")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAWN
    with django_capture_on_commit_callbacks(execute=True):
        for seat in others:
            invitation_accept(seat=seat, via="link")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.STAFFED
    assert [record.object_id for record in actions("activity.staffed")] == [str(activity.pk)]
    confirmed = [m for m in mailoutbox if m.to == ["client@example.cn"]]
    assert len(confirmed) == 1
    assert activity.title in confirmed[0].body


def test_an_answer_in_the_account_is_the_experts_own(gz_pool: Pool, gz_admin: User, outsider: User) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    mine, theirs = seats(reveal, PANEL)[:2]
    user = expert_user(mine)
    with pytest.raises(PermissionDenied):
        invitation_accept(seat=theirs, actor=user, via="account")
    with pytest.raises(PermissionDenied):
        invitation_accept(seat=mine, actor=outsider, via="account")
    with pytest.raises(PermissionDenied):
        invitation_accept(seat=mine, via="account")
    accepted = invitation_accept(seat=mine, actor=user, via="account")
    assert accepted.status == S.ACCEPTED
    assert accepted.answered_at is not None
    theirs.refresh_from_db()
    assert theirs.status == S.INVITED
    assert actions("invitation.accepted")[0].actor_id == user.pk


def test_an_answered_invitation_cannot_be_answered_again(gz_pool: Pool, gz_admin: User) -> None:
    seat = seats(invited_panel(gz_pool, gz_admin), PANEL)[0]
    invitation_accept(seat=seat, via="link")
    with pytest.raises(ValidationError, match="already been answered"):
        invitation_accept(seat=seat, via="link")
    with pytest.raises(ValidationError, match="already been answered"):
        invitation_decline(seat=seat, reason="illness", via="link")


def test_a_decline_invites_the_first_reserve_for_the_same_category(
    gz_pool: Pool,
    gz_admin: User,
    mailoutbox: list[Any],
    sms_outbox: list[SmsMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    seat = seats(reveal, PANEL)[1]
    first_reserve = seats(reveal, RESERVE)[0]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_decline(seat=seat, reason="schedule", note="出差", via="link")
    seat.refresh_from_db()
    first_reserve.refresh_from_db()
    assert (seat.status, seat.decline_reason, seat.decline_note) == (S.REPLACED, "schedule", "出差")
    assert first_reserve.status == S.INVITED
    assert first_reserve.replaces_id == seat.pk
    assert first_reserve.category == "cleaner_production" == seat.category
    assert [m.to for m in mailoutbox] == [[first_reserve.expert.email]]
    assert [m.to for m in sms_outbox] == [first_reserve.expert.mobile]
    assert seats(reveal, RESERVE)[1].status == S.DRAWN
    declined = actions("invitation.declined")[0]
    assert declined.data["has_note"] is True
    assert "出差" not in str(declined.data)  # the note may be private; the audit keeps only that there is one
    assert actions("invitation.replaced")[0].data["by_seat"] == first_reserve.pk


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("other", "", "note"), ("other", "   ", "note"), ("holiday", "", "reason"), ("", "", "reason")],
)
def test_a_bad_decline_names_the_field_and_changes_nothing(
    gz_pool: Pool, gz_admin: User, reason: str, note: str, field: str
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    seat = seats(reveal, PANEL)[0]
    with pytest.raises(ValidationError) as refused:
        invitation_decline(seat=seat, reason=reason, note=note, via="link")
    assert list(refused.value.message_dict) == [field]
    seat.refresh_from_db()
    assert seat.status == S.INVITED
    assert seats(reveal, RESERVE)[0].status == S.DRAWN
    assert not actions("invitation.declined")


def test_a_declared_conflict_becomes_a_recusal_record(gz_pool: Pool, gz_admin: User) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    seat = seats(reveal, PANEL)[0]
    invitation_decline(seat=seat, reason="conflict_of_interest", note="曾为该企业编制审核报告", via="link")
    subject = ActivityParty.objects.get(activity_id=seat.activity_id, role=ActivityParty.Role.SUBJECT)
    conflict = DeclaredConflict.objects.get(expert_id=seat.expert_id)
    assert (conflict.organisation_id, conflict.relation) == (subject.organisation_id, "曾为该企业编制审核报告")
    record = actions("conflict.declared")[0]
    assert record.clause == "GZ 三（四）"
    assert record.data["source"] == "invitation_declined"
    # A later activity on the same subject recuses the expert for it.
    later = make_activity(gz_pool, gz_admin)
    excluded = {(e.expert_id, e.rule) for e in candidate_report(activity=later).exclusions}
    assert (seat.expert_id, "declared_conflict") in excluded


def test_when_the_reserves_run_out_the_admins_are_told_a_supplementary_draw_is_needed(
    gz_pool: Pool, gz_admin: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    panel = seats(reveal, PANEL)
    for seat in panel[:2]:
        invitation_decline(seat=seat, reason="illness", via="link")
    assert [seat.status for seat in seats(reveal, RESERVE)] == [S.INVITED, S.INVITED]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_decline(seat=panel[2], reason="illness", via="link")
    panel[2].refresh_from_db()
    assert panel[2].status == S.DECLINED  # stays open for the supplementary draw
    exhausted = actions("invitation.reserves_exhausted")
    assert [record.data["open_seats"] for record in exhausted] == [1]
    to_admins = [m for m in mailoutbox if m.to == [gz_admin.email]]
    assert len(to_admins) == 1
    assert f"/console/{gz_pool.slug}/activities/{panel[2].activity_id}/draw/" in to_admins[0].body


def test_a_reserve_booked_meanwhile_for_an_overlapping_activity_is_released(gz_pool: Pool, gz_admin: User) -> None:
    # Six experts: panel 3 and reserves 2, one left. The second activity overlaps and
    # can only draw the three not booked: both reserves among them.
    reveal = invited_panel(gz_pool, gz_admin, experts=6)
    reserves = seats(reveal, RESERVE)
    other_reveal = reveal_activity(gz_pool, gz_admin, make_activity(gz_pool, gz_admin))
    booked = set(PanelSeat.objects.filter(reveal=other_reveal).values_list("expert_id", flat=True))
    assert {seat.expert_id for seat in reserves} <= booked
    invitation_decline(seat=seats(reveal, PANEL)[0], reason="illness", via="link")
    assert [seat.status for seat in seats(reveal, RESERVE)] == [S.RELEASED, S.RELEASED]
    released = actions("invitation.reserve_released")
    assert [record.data["reason"] for record in released] == ["overlapping_booking"] * 2
    assert len(actions("invitation.reserves_exhausted")) == 1


def test_a_reserve_no_longer_eligible_is_released_with_the_rule_and_the_next_is_invited(
    gz_pool: Pool, gz_admin: User
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    first, second = seats(reveal, RESERVE)
    # After the draw: the first reserve's membership is suspended (the discipline issue's
    # service will set it; the status is what counts here).
    Membership.objects.filter(expert_id=first.expert_id, pool=gz_pool).update(status=MembershipStatus.SUSPENDED)

    declined = seats(reveal, PANEL)[0]
    invitation_decline(seat=declined, reason="illness", via="link")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.RELEASED
    assert (second.status, second.replaces_id) == (S.INVITED, declined.pk)
    [released] = actions("invitation.reserve_released")
    assert released.data["reason"] == "not_an_active_member"
    assert released.data["expert"] == first.expert_id
    assert (first.release_rule, first.release_clause) == ("not_an_active_member", released.clause)
    assert first.release_detail == released.data["detail"]


def test_a_reserve_who_declared_a_conflict_with_the_subject_is_released_citing_its_clause(
    gz_pool: Pool, gz_admin: User
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    first, _second = seats(reveal, RESERVE)
    conflict_declare(actor=gz_admin, expert=first.expert, relation="曾为其编制报告", organisation_name="某化工有限公司")

    invitation_decline(seat=seats(reveal, PANEL)[0], reason="schedule", via="link")

    assert [seat.status for seat in seats(reveal, RESERVE)] == [S.RELEASED, S.INVITED]
    [released] = actions("invitation.reserve_released")
    assert (released.data["reason"], released.clause) == ("declared_conflict", "GZ 三（四）")
    assert "某化工有限公司" in released.data["detail"]
    first = seats(reveal, RESERVE)[0]
    assert (first.release_rule, first.release_clause) == ("declared_conflict", "GZ 三（四）")
    assert "某化工有限公司" in first.release_detail


def test_a_reserve_that_cannot_fill_the_category_is_passed_over(gz_pool: Pool, gz_admin: User) -> None:
    """Energy saving has one holder, who sits on the panel; every reserve holds cleaner
    production only, so none may replace the energy-saving seat."""
    make_experts(gz_pool, 12)
    record = make_expert_record(employer_name="节能单位", categories=("energy_saving",))
    expert_register(actor=None, pool=gz_pool, record=record)
    client = client_unit_user(gz_pool, gz_admin)
    needs = [("cleaner_production", 2), ("energy_saving", 1)]
    for days in range(30, 60, 5):  # the walk may rank the energy expert last and leave no reserve
        _activity, reveal = drawn_activity(gz_pool, gz_admin, client, needs=needs, days=days)
        if seats(reveal, RESERVE):
            break
    reserves = seats(reveal, RESERVE)
    assert reserves
    energy = next(seat for seat in seats(reveal, PANEL) if seat.category == "energy_saving")
    invitation_decline(seat=energy, reason="illness", via="link")
    assert [seat.status for seat in seats(reveal, RESERVE)] == [S.DRAWN] * len(reserves)
    assert actions("invitation.reserves_exhausted")[0].data["category"] == "energy_saving"
    cleaner = next(seat for seat in seats(reveal, PANEL) if seat.category == "cleaner_production")
    invitation_decline(seat=cleaner, reason="illness", via="link")
    first = seats(reveal, RESERVE)[0]
    assert (first.status, first.category, first.replaces_id) == (S.INVITED, "cleaner_production", cleaner.pk)


def test_only_an_admin_invites_a_reserve_by_hand_and_only_for_an_open_seat(
    gz_pool: Pool, gz_admin: User, outsider: User
) -> None:
    seat = seats(invited_panel(gz_pool, gz_admin), PANEL)[0]
    with pytest.raises(PermissionDenied):
        reserve_invite_next(actor=outsider, seat=seat)
    with pytest.raises(ValidationError) as refused:
        reserve_invite_next(actor=gz_admin, seat=seat)  # still invited: nothing to replace
    assert "seat" in refused.value.message_dict
