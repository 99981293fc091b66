"""Revealed draws whose panel is invited, and the experts' accounts, for the invitation tests."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.models import Activity
from expertpool.activities.services import activity_create
from expertpool.draws.models import DrawReveal, PanelSeat
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.draws.tests.factories import PUBLIC, SOURCE, SUPERVISOR, committed_and_revealed, make_supervisor
from expertpool.experts.models import Expert
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

_numbers = itertools.count(1)


def invited_panel(pool: Pool, admin: User, experts: int = 7) -> DrawReveal:
    """A GZ activity (panel 3, reserves 2) whose panel has just been invited."""
    _draw, reveal = committed_and_revealed(pool, admin, experts)
    return reveal


def seats(reveal: DrawReveal, role: str) -> list[PanelSeat]:
    return list(
        PanelSeat.objects.filter(reveal=reveal, role=role).select_related("expert", "activity").order_by("position")
    )


def expert_user(seat: PanelSeat) -> User:
    """An account for the seat's expert, linked as an admitted applicant's would be."""
    user = User.objects.create_user(username=f"expert_user{next(_numbers)}", password=None)
    Expert.objects.filter(pk=seat.expert_id).update(user=user)
    seat.expert.user = user
    return user


def client_unit_user(pool: Pool, admin: User) -> User:
    user = User.objects.create_user(username=f"client_user{next(_numbers)}", password=None)
    unit = organisation_get_or_create(name=f"使用单位{next(_numbers)}", uscc="", actor=admin)
    pool_role_grant(actor=admin, user=user, pool=pool, role=Role.CLIENT_UNIT, organisation=unit)
    return user


def reveal_activity(pool: Pool, admin: User, activity: Activity) -> DrawReveal:
    draw = draw_commit(actor=admin, activity=activity, randomness_source=SOURCE, supervisor=make_supervisor(pool))
    return draw_reveal(actor=admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)


def drawn_activity(
    pool: Pool, admin: User, client: User, *, needs: list[tuple[str, int]], days: int
) -> tuple[Activity, DrawReveal]:
    """An activity of ``client`` starting in ``days`` days, drawn and revealed."""
    starts = timezone.now() + datetime.timedelta(days=days)
    activity = activity_create(
        actor=client,
        pool=pool,
        kind=pool.policy.rules.activity_kinds[0].code,
        title=f"评估{next(_numbers)}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        place="会议室",
        panel_size=sum(count for _code, count in needs),
        subjects=[("某化工有限公司", "")],
        category_needs=needs,
    )
    return activity, reveal_activity(pool, admin, activity)
