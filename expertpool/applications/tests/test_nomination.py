"""Unit nomination: a nominating unit invites an expert by e-mail; the expert follows
the signed link, signs in and starts a unit-nominated application (GZ 四（一）, UR 第八条)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.invitations import (
    INVITATION_SALT,
    invitation_token,
    nomination_accept,
    nomination_invite,
)
from expertpool.applications.models import Application, Mode, NominationInvitation
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_applicant
from expertpool.audit.models import AuditRecord
from expertpool.core.testing import english_client
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool
from expertpool.pools.policy import shipped_policy_path
from expertpool.pools.services import pool_create

LINK = re.compile(r"https?://\S+(/apply/invitations/[^/\s]+/)")


def client_for(user: User | None) -> Client:
    client = english_client()
    if user is not None:
        client.force_login(user)
    return client


def unit_user(pool: Pool, organisation: Organisation | None, username: str = "unit") -> User:
    user = User.objects.create_user(username=username, password="x", email=f"{username}@example.cn")
    PoolRole.objects.create(user=user, pool=pool, role=Role.NOMINATING_UNIT, organisation=organisation)
    return user


@pytest.fixture
def association(db: None) -> Organisation:
    return Organisation.objects.create(
        name="广州市循环经济与清洁生产协会", normalised_name="广州市循环经济与清洁生产协会"
    )


@pytest.fixture
def gz_unit(gz_pool: Pool, association: Organisation) -> User:
    return unit_user(gz_pool, association)


def invite(pool: Pool, actor: User, email: str = "li.si@example.cn") -> NominationInvitation:
    return nomination_invite(actor=actor, pool=pool, name="李四", email=email, message="请申请入库。")


def test_invitation_mail_link_sign_in_and_accept_start_a_unit_nominated_draft(
    gz_pool: Pool,
    gz_unit: User,
    association: Organisation,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(gz_unit).post(
            reverse("applications:unit_invite", args=[gz_pool.slug]),
            {"name": "李四", "email": "Li.Si@Example.cn", "message": "我会推荐你。"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li.si@example.cn"]
    assert association.name in message.subject
    assert "我会推荐你。" in message.body
    found = LINK.search(str(message.body))
    assert found is not None
    link = found.group(1)

    # Signed out, the page says what the invitation is and sends the invitee to log in.
    page = client_for(None).get(link)
    assert page.status_code == 200
    assert association.name in page.content.decode()
    assert f"{reverse('login')}?next={quote(link)}" in page.content.decode()
    assert client_for(None).post(link)["Location"].startswith(reverse("login"))

    invitee = make_applicant("lisi")
    accepted = client_for(invitee).post(link)
    application = Application.objects.get(applicant=invitee)
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("applications:status", args=[application.pk])
    assert application.mode == Mode.UNIT
    assert application.nominating_unit == association
    assert application.status == Status.DRAFT
    assert application.form_data["name"] == "李四"
    invitation = NominationInvitation.objects.get()
    assert invitation.application == application
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert {"nomination.invited", "application.started", "nomination.accepted"} <= set(actions)


def test_a_used_link_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    invitation = invite(gz_pool, gz_unit)
    link = reverse("applications:invitation", args=[invitation_token(invitation)])
    first = make_applicant()
    assert client_for(first).post(link).status_code == 302

    second = make_applicant()
    response = client_for(second).post(link)
    assert response.status_code == 400
    assert "This invitation has already been used." in response.content.decode()
    assert not Application.objects.filter(applicant=second).exists()
    with pytest.raises(ValidationError, match="already been used"):
        nomination_accept(actor=second, invitation=invitation)


def test_an_expired_link_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        invitation = invite(gz_pool, gz_unit)
        link = reverse("applications:invitation", args=[invitation_token(invitation)])
    invitee = make_applicant()
    with time_machine.travel(datetime.datetime(2026, 3, 14, 9, tzinfo=datetime.UTC), tick=False):
        assert client_for(invitee).get(link).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 15, 9, 1, tzinfo=datetime.UTC), tick=False):
        response = client_for(invitee).post(link)
        assert response.status_code == 400
        assert "This invitation has expired" in response.content.decode()
        with pytest.raises(ValidationError, match="expired"):
            nomination_accept(actor=invitee, invitation=invitation)
    assert not Application.objects.exists()


def test_a_forged_or_foreign_token_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    invitation = invite(gz_pool, gz_unit)
    token = invitation_token(invitation)
    forged = signing.dumps({"invitation": invitation.pk + 1, "email": invitation.email}, salt="another purpose")
    wrong_address = signing.dumps({"invitation": invitation.pk, "email": "eve@example.cn"}, salt=INVITATION_SALT)
    invitee = make_applicant()
    for bad in (token[:-2] + "xx", forged, wrong_address, "nonsense"):
        response = client_for(invitee).post(reverse("applications:invitation", args=[bad]))
        assert response.status_code == 400
        assert "This invitation link is not valid." in response.content.decode()
    assert not Application.objects.exists()


def test_only_a_nominating_unit_with_its_organisation_may_invite(
    gz_pool: Pool, gz_client: User, gz_admin: User, outsider: User
) -> None:
    unlinked = unit_user(gz_pool, None, "unlinked")
    for actor in (gz_client, gz_admin, outsider, unlinked):
        with pytest.raises(PermissionDenied):
            invite(gz_pool, actor)
    for actor in (gz_client, outsider):
        response = client_for(actor).post(
            reverse("applications:unit_invite", args=[gz_pool.slug]), {"name": "李四", "email": "a@example.cn"}
        )
        assert response.status_code == 404
    assert not NominationInvitation.objects.exists()


def test_a_pool_without_unit_nomination_refuses_invitations(db: None, association: Organisation) -> None:
    text = shipped_policy_path("gz-cleaner-production").read_text(encoding="utf-8")
    text = text.replace("slug: gz-cleaner-production", "slug: gz-self-only").replace(
        "nomination_modes: [self, unit]", "nomination_modes: [self]"
    )
    pool = pool_create(actor=None, policy_text=text)
    actor = unit_user(pool, association)
    with pytest.raises(ValidationError) as refused:
        invite(pool, actor)
    assert "This pool does not accept unit nominations." in refused.value.message_dict["pool"]
    assert not NominationInvitation.objects.exists()


def test_bad_input_is_reported_by_field_and_nothing_is_sent(
    gz_pool: Pool, gz_unit: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(gz_unit).post(
            reverse("applications:unit_invite", args=[gz_pool.slug]), {"name": "李四", "email": "not-an-address"}
        )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not NominationInvitation.objects.exists()
    assert mail.outbox == []


def test_a_second_invitation_to_a_pending_address_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    invite(gz_pool, gz_unit)
    response = client_for(gz_unit).post(
        reverse("applications:unit_invite", args=[gz_pool.slug]), {"name": "李四", "email": "li.si@example.cn"}
    )
    assert response.status_code == 400
    assert "An invitation to this address is still pending." in response.content.decode()
    assert NominationInvitation.objects.count() == 1


def test_unit_home_lists_invitations_and_applications_in_fixed_queries(
    gz_pool: Pool,
    gz_unit: User,
    association: Organisation,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    def page() -> str:
        client = client_for(gz_unit)
        client.get(reverse("applications:unit_home"))  # warm the session
        with django_assert_num_queries(7):
            response = client.get(reverse("applications:unit_home"))
        assert response.status_code == 200
        return response.content.decode()

    accepted = invite(gz_pool, gz_unit, "a@example.cn")
    nomination_accept(actor=make_applicant(), invitation=accepted)
    invite(gz_pool, gz_unit, "b@example.cn")
    first = page()
    assert "a@example.cn" in first
    assert "b@example.cn" in first
    assert "Accepted" in first
    assert "Pending" in first
    assert "Being filled in" in first
    for n in range(3):
        nomination_accept(actor=make_applicant(), invitation=invite(gz_pool, gz_unit, f"more{n}@example.cn"))
    assert "more2@example.cn" in page()


def test_unit_home_shows_only_the_units_own_invitations(gz_pool: Pool, gz_unit: User) -> None:
    other = Organisation.objects.create(name="另一单位", normalised_name="另一单位")
    other_unit = unit_user(gz_pool, other, "other_unit")
    invite(gz_pool, other_unit, "secret@example.cn")
    content = client_for(gz_unit).get(reverse("applications:unit_home")).content.decode()
    assert "secret@example.cn" not in content
    assert "Invite an expert" in content
