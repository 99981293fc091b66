"""An expert's own invitations, as their account page and the API list them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from expertpool.activities.models import ActivityParty
from expertpool.draws.models import PanelSeat

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser


def expert_invitations(*, user: AnyUser) -> QuerySet[PanelSeat]:
    """Every seat the signed-in user's expert was invited to, newest first, with the
    activity and its subjects in a fixed number of queries. Empty without an expert."""
    if not user.is_authenticated:
        return PanelSeat.objects.none()
    subjects = ActivityParty.objects.filter(role=ActivityParty.Role.SUBJECT).select_related("organisation")
    return (
        PanelSeat.objects.filter(expert__user_id=user.pk, invited_at__isnull=False)
        .select_related("activity__pool__policy", "expert")
        .prefetch_related(Prefetch("activity__parties", queryset=subjects.order_by("pk"), to_attr="subjects"))
        .order_by("-invited_at", "-pk")
    )


def get_invitation_for_user(user: AnyUser, seat_id: int) -> PanelSeat:
    """One of the user's own invitations; "not found" alike for missing and another's."""
    seat = expert_invitations(user=user).filter(pk=seat_id).first()
    if seat is None:
        raise Http404
    return seat
