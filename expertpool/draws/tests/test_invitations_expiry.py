"""No answer by the deadline: the scheduled task closes the invitation and invites the next reserve."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.core.management.commands.run_scheduler import DUE_WORK
from expertpool.draws.invitations import invitation_accept, invitations_expire
from expertpool.draws.models import PanelSeat
from expertpool.draws.tasks import expire_invitations
from expertpool.draws.tests.invitation_factories import invited_panel, seats
from expertpool.pools.models import Pool

S = PanelSeat.Status


def test_the_task_expires_unanswered_invitations_and_invites_the_reserves(
    gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    panel = seats(reveal, PanelSeat.Role.PANEL)
    invitation_accept(seat=panel[0], via="link")
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=47, minutes=59))
    assert expire_invitations.enqueue().return_value == []
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
    assert expire_invitations.enqueue().return_value == [panel[1].pk, panel[2].pk]
    assert [seat.status for seat in seats(reveal, PanelSeat.Role.PANEL)] == [S.ACCEPTED, S.REPLACED, S.REPLACED]
    reserves = seats(reveal, PanelSeat.Role.RESERVE)
    assert [(seat.status, seat.replaces_id) for seat in reserves] == [
        (S.INVITED, panel[1].pk),
        (S.INVITED, panel[2].pk),
    ]
    assert AuditRecord.objects.filter(action="invitation.no_answer").count() == 2
    with pytest.raises(ValidationError, match="expired"):
        invitation_accept(seat=panel[1], via="link")
    # The reserves' own window starts now; a second run finds nothing more to do.
    assert invitations_expire() == []


def test_an_answer_after_the_deadline_is_refused_even_before_the_task_runs(
    gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    seat = seats(invited_panel(gz_pool, gz_admin), PanelSeat.Role.PANEL)[0]
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=48, seconds=1))
    with pytest.raises(ValidationError, match="expired"):
        invitation_accept(seat=seat, via="link")
    seat.refresh_from_db()
    assert seat.status == S.INVITED


def test_the_scheduler_runs_the_expiry() -> None:
    assert expire_invitations in DUE_WORK
