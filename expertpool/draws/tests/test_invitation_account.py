"""The expert's own invitations in their account, and the same over the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from expertpool.accounts.models import User
from expertpool.draws.models import PanelSeat
from expertpool.draws.tests.factories import make_experts
from expertpool.draws.tests.invitation_factories import (
    client_unit_user,
    drawn_activity,
    expert_user,
    invited_panel,
    seats,
)
from expertpool.pools.models import Pool

S = PanelSeat.Status
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def panel(gz_pool: Pool, gz_admin: User) -> list[PanelSeat]:
    return seats(invited_panel(gz_pool, gz_admin), PanelSeat.Role.PANEL)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_lists_only_the_experts_own_invitations(panel: list[PanelSeat]) -> None:
    user = expert_user(panel[0])
    expert_user(panel[1])
    page = signed_in(user).get(reverse("invitations:mine"))
    assert page.status_code == 200
    assert [row["seat"].pk for row in page.context["rows"]] == [panel[0].pk]
    assert "某化工有限公司" in page.text
    assert reverse("invitations:mine_accept", args=[panel[0].pk]) in page.text
    assert reverse("invitations:mine_accept", args=[panel[1].pk]) not in page.text


def invited_thrice(pool: Pool, admin: User) -> tuple[User, list[PanelSeat]]:
    """Three experts only, so each of three activities on different days invites them all."""
    make_experts(pool, 3)
    client = client_unit_user(pool, admin)
    reveals = [
        drawn_activity(pool, admin, client, needs=[("cleaner_production", 3)], days=days)[1] for days in (30, 40, 50)
    ]
    first = seats(reveals[0], PanelSeat.Role.PANEL)[0]
    user = expert_user(first)
    return user, [
        seat for reveal in reveals for seat in seats(reveal, PanelSeat.Role.PANEL) if seat.expert_id == first.expert_id
    ]


def test_the_account_page_query_count_does_not_grow(
    gz_pool: Pool, gz_admin: User, django_assert_num_queries: Any
) -> None:
    user, mine = invited_thrice(gz_pool, gz_admin)
    PanelSeat.objects.filter(pk__in=[seat.pk for seat in mine[1:]]).update(invited_at=None)  # not invited yet
    client = signed_in(user)
    with django_assert_num_queries(6) as few:
        assert len(client.get(reverse("invitations:mine")).context["rows"]) == 1
    PanelSeat.objects.filter(pk__in=[seat.pk for seat in mine[1:]]).update(invited_at=timezone.now())
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("invitations:mine"))
    assert len(page.context["rows"]) == 3


def test_accepting_and_declining_in_the_account(panel: list[PanelSeat]) -> None:
    user = expert_user(panel[0])
    client = signed_in(user)
    accepted = client.post(reverse("invitations:mine_accept", args=[panel[0].pk]), follow=True)
    assert "You have accepted the invitation." in accepted.text
    panel[0].refresh_from_db()
    assert panel[0].status == S.ACCEPTED
    again = client.post(reverse("invitations:mine_accept", args=[panel[0].pk]))
    assert again.status_code == 400
    assert "already been answered: you accepted it" in again.text
    user_two = expert_user(panel[1])
    refused = signed_in(user_two).post(reverse("invitations:mine_decline", args=[panel[1].pk]), {"reason": "other"})
    assert refused.status_code == 400
    assert "Details: say why you decline" in refused.text
    declined = signed_in(user_two).post(
        reverse("invitations:mine_decline", args=[panel[1].pk]), {"reason": "conflict_of_interest", "note": "亲属"}
    )
    assert declined.status_code == 302
    panel[1].refresh_from_db()
    assert (panel[1].status, panel[1].decline_reason) == (S.REPLACED, "conflict_of_interest")


def test_someone_elses_seat_is_not_found(panel: list[PanelSeat], outsider: User, gz_admin: User) -> None:
    expert_user(panel[0])
    other_expert = expert_user(panel[1])
    for user in (outsider, gz_admin, other_expert):
        client = signed_in(user)
        assert client.post(reverse("invitations:mine_accept", args=[panel[0].pk])).status_code == 404
        assert (
            client.post(reverse("invitations:mine_decline", args=[panel[0].pk]), {"reason": "illness"}).status_code
            == 404
        )
    panel[0].refresh_from_db()
    assert panel[0].status == S.INVITED


def test_the_page_needs_a_sign_in_and_the_nav_link_shows_only_for_experts(
    panel: list[PanelSeat], gz_admin: User
) -> None:
    assert Client().get(reverse("invitations:mine")).status_code == 302
    link = reverse("invitations:mine")
    assert link not in signed_in(gz_admin).get(reverse("home")).text
    assert link in signed_in(expert_user(panel[0])).get(reverse("home")).text


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_accepts_and_declines_the_experts_own_invitations(panel: list[PanelSeat]) -> None:
    user = expert_user(panel[0])
    expert_user(panel[1])
    listed = api_for(user).get("/api/invitations/")
    assert listed.status_code == 200
    body = listed.json()
    assert [row["id"] for row in body["results"]] == [panel[0].pk]
    assert body["results"][0]["activity"]["subjects"] == ["某化工有限公司"]
    assert body["results"][0]["status"] == "invited"
    refused = api_for(user).post(f"/api/invitations/{panel[0].pk}/decline", {"reason": "other"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["note"]
    accepted = api_for(user).post(f"/api/invitations/{panel[0].pk}/accept")
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    again = api_for(user).post(f"/api/invitations/{panel[0].pk}/accept")
    assert again.status_code == 400
    assert "already been answered" in str(again.json())


def test_the_api_hides_other_seats_and_needs_a_sign_in(panel: list[PanelSeat], outsider: User) -> None:
    expert_user(panel[0])
    assert api_for(outsider).get("/api/invitations/").json()["results"] == []
    assert api_for(outsider).post(f"/api/invitations/{panel[0].pk}/accept").status_code == 404
    decline = api_for(outsider).post(f"/api/invitations/{panel[0].pk}/decline", {"reason": "illness"}, format="json")
    assert decline.status_code == 404
    assert APIClient().get("/api/invitations/").status_code == 401


def test_the_api_list_query_count_does_not_grow(gz_pool: Pool, gz_admin: User, django_assert_num_queries: Any) -> None:
    user, mine = invited_thrice(gz_pool, gz_admin)
    PanelSeat.objects.filter(pk__in=[seat.pk for seat in mine[1:]]).update(invited_at=None)
    client = api_for(user)
    with django_assert_num_queries(3) as few:
        assert len(client.get("/api/invitations/").json()["results"]) == 1
    PanelSeat.objects.filter(pk__in=[seat.pk for seat in mine[1:]]).update(invited_at=timezone.now())
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/api/invitations/")
    assert len(response.json()["results"]) == 3
