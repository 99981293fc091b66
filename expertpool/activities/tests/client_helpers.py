"""Client units with their organisation, and activities whose panel has confirmed."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.activities.models import Activity
from expertpool.activities.services import activity_create
from expertpool.draws.models import PanelSeat
from expertpool.draws.tests.factories import committed_and_revealed
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

_numbers = itertools.count(1)


def client_user(pool: Pool, organisation_name: str, username: str = "") -> User:
    """A user acting for ``organisation_name`` as a client unit of ``pool``."""
    user = User.objects.create_user(username=username or f"unit{next(_numbers)}", password=None)
    organisation = organisation_get_or_create(name=organisation_name, uscc="", actor=None)
    PoolRole.objects.create(user=user, pool=pool, role=Role.CLIENT_UNIT, organisation=organisation)
    return user


def client_of(activity: Activity) -> User:
    role = PoolRole.objects.get(pool=activity.pool, role=Role.CLIENT_UNIT, organisation=activity.client_unit)
    return role.user


def requested_activity(pool: Pool, client: User, *, title: str = "清洁生产审核评估") -> Activity:
    starts = timezone.now() + datetime.timedelta(days=30)
    return activity_create(
        actor=client,
        pool=pool,
        kind=pool.policy.rules.activity_kinds[0].code,
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        place="会议室",
        panel_size=3,
        subjects=[("某化工有限公司", "")],
    )


def revealed_activity(pool: Pool, admin: User) -> Activity:
    """An activity 30 days ahead with a revealed draw of 3 panel members and 2 reserves."""
    draw, _reveal = committed_and_revealed(pool, admin)
    return Activity.objects.select_related("pool__policy").get(pk=draw.activity_id)


def accept_panel(activity: Activity) -> list[PanelSeat]:
    """Every panel seat accepted, as if each expert had answered the invitation."""
    seats = list(PanelSeat.objects.filter(activity=activity, role=PanelSeat.Role.PANEL).order_by("position"))
    for seat in seats:
        seat.status = PanelSeat.Status.ACCEPTED
        seat.save(update_fields=["status"])
    return seats
