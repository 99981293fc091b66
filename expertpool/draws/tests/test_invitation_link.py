"""The signed, expiring, one-time link: no sign-in, POST only, CSRF on."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.draws.invitation_links import invitation_token
from expertpool.draws.models import PanelSeat
from expertpool.draws.tests.invitation_factories import expert_user, invited_panel, seats
from expertpool.pools.models import Pool

S = PanelSeat.Status
pytestmark = pytest.mark.usefixtures("english")


def panel_seat(pool: Pool, admin: User) -> PanelSeat:
    return seats(invited_panel(pool, admin), PanelSeat.Role.PANEL)[0]


def url(name: str, seat: PanelSeat) -> str:
    return reverse(f"invitations:{name}", args=[invitation_token(seat)])


def test_the_mailed_link_shows_the_activity_and_accepts_once(
    client: Client, gz_pool: Pool, gz_admin: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reveal = invited_panel(gz_pool, gz_admin)
    seat = seats(reveal, PanelSeat.Role.PANEL)[0]
    mail = next(m for m in mailoutbox if m.to == [seat.expert.email])
    link = re.search(r"https?://\S+/invitations/\S+/", mail.body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert seat.activity.title in page.text
    assert "某化工有限公司" in page.text
    assert seat.expert.mobile not in page.text
    answered = client.post("/" + path + "accept/", follow=True)
    assert "you have accepted the invitation" in answered.text
    assert "already been answered: you accepted it" in answered.text
    seat.refresh_from_db()
    assert seat.status == S.ACCEPTED


def test_a_used_link_is_refused_plainly(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    seat = panel_seat(gz_pool, gz_admin)
    assert client.post(url("answer_accept", seat)).status_code == 302
    again = client.post(url("answer_accept", seat))
    assert again.status_code == 400
    assert "already been answered" in again.text
    decline = client.post(url("answer_decline", seat), {"reason": "illness"})
    assert decline.status_code == 400
    seat.refresh_from_db()
    assert (seat.status, seat.decline_reason) == (S.ACCEPTED, "")


def test_an_expired_link_is_refused(client: Client, gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    seat = panel_seat(gz_pool, gz_admin)
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=48, minutes=1))
    page = client.get(url("answer", seat))
    assert page.status_code == 400
    assert "expired" in page.text
    assert client.post(url("answer_accept", seat)).status_code == 400
    seat.refresh_from_db()
    assert seat.status == S.INVITED


def test_a_forged_or_superseded_link_is_refused(client: Client, gz_pool: Pool, gz_admin: User) -> None:
    seat = panel_seat(gz_pool, gz_admin)
    token = invitation_token(seat)
    forged = client.get(reverse("invitations:answer", args=[token[:-2] + "xx"]))
    assert forged.status_code == 400
    assert "not valid" in forged.text
    PanelSeat.objects.filter(pk=seat.pk).update(invitation_nonce="0" * 32)  # as a newer invitation would
    assert client.post(reverse("invitations:answer_accept", args=[token])).status_code == 400
    seat.refresh_from_db()
    assert seat.status == S.INVITED


def test_declining_through_the_link_asks_for_details_when_the_reason_is_other(
    client: Client, gz_pool: Pool, gz_admin: User
) -> None:
    reveal = invited_panel(gz_pool, gz_admin)
    seat = seats(reveal, PanelSeat.Role.PANEL)[0]
    refused = client.post(url("answer_decline", seat), {"reason": "other", "note": ""})
    assert refused.status_code == 400
    assert "Details: say why you decline" in refused.text
    seat.refresh_from_db()
    assert seat.status == S.INVITED
    done = client.post(url("answer_decline", seat), {"reason": "other", "note": "单位有紧急任务"})
    assert done.status_code == 302
    seat.refresh_from_db()
    assert (seat.status, seat.decline_note) == (S.REPLACED, "单位有紧急任务")
    assert seats(reveal, PanelSeat.Role.RESERVE)[0].status == S.INVITED


def test_changes_need_post_and_the_csrf_token(gz_pool: Pool, gz_admin: User) -> None:
    seat = panel_seat(gz_pool, gz_admin)
    assert Client().get(url("answer_accept", seat)).status_code == 405
    assert Client(enforce_csrf_checks=True).post(url("answer_accept", seat)).status_code == 403
    seat.refresh_from_db()
    assert seat.status == S.INVITED


def test_the_expert_signed_in_is_named_in_the_audit_and_anyone_else_is_not(
    client: Client, gz_pool: Pool, gz_admin: User
) -> None:
    seat = panel_seat(gz_pool, gz_admin)
    client.force_login(gz_admin)
    client.post(url("answer_accept", seat))
    assert AuditRecord.objects.get(action="invitation.accepted").actor_id is None
    other = seats(seat.reveal, PanelSeat.Role.PANEL)[1]
    user = expert_user(other)
    client.force_login(user)
    client.post(url("answer_accept", other))
    assert AuditRecord.objects.filter(action="invitation.accepted", actor=user).count() == 1
