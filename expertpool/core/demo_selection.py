"""Demo activities for a seeded pool: one waiting for its draw, one drawn with answers given.

So that every selection page has something to show right after ``make run``: the
client unit's requests, the admin's draw page (before and after a draw), the
supervisor's list with a verified draw, and a panel where one expert accepted
and one declined, with the first reserve invited.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.activities.services import activity_create
from expertpool.core.identifiers import make_uscc
from expertpool.core.workdays import add_working_days
from expertpool.draws.invitations import invitation_accept, invitation_decline
from expertpool.draws.models import PanelSeat
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.pools.models import Pool

SOURCE = "中国福利彩票双色球下一期开奖号码（开奖后录入）；监督人现场输入的六位数"
PUBLIC = [[3, 8, 15, 21, 27, 32], [11]]
SUPERVISOR = [[520131]]
# Subjects' USCC sequence numbers: far above the demo employers'.
SUBJECT_SEQUENCE = 900_000


def seed_selection(
    pool: Pool,
    *,
    admin: User,
    client: User,
    supervisor: User,
    area_code: str,
    activities: tuple[tuple[str, str], tuple[str, str]],
) -> None:
    """Two activities in ``pool``, made through the services, so audited like real ones."""
    (waiting_subject, waiting_title), (drawn_subject, drawn_title) = activities
    _activity(pool, client, waiting_subject, waiting_title, area_code=area_code, number=1, working_days=4)
    drawn = _activity(pool, client, drawn_subject, drawn_title, area_code=area_code, number=2, working_days=3)
    draw = draw_commit(actor=admin, activity=drawn, randomness_source=SOURCE, supervisor=supervisor)
    reveal = draw_reveal(actor=admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)
    first, second = PanelSeat.objects.filter(reveal=reveal, role=PanelSeat.Role.PANEL).order_by("position")[:2]
    invitation_accept(seat=first, via="link")
    invitation_decline(seat=second, reason=PanelSeat.DeclineReason.SCHEDULE, via="link")


def _activity(
    pool: Pool, client: User, subject: str, title: str, *, area_code: str, number: int, working_days: int
) -> Activity:
    rules = pool.policy.rules
    day = add_working_days(timezone.localdate(), working_days)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    return activity_create(
        actor=client,
        pool=pool,
        kind=rules.activity_kinds[0].code,
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        place="管理单位三楼会议室",
        panel_size=rules.panel.min_size,
        subjects=[(subject, make_uscc(area_code=area_code, sequence=SUBJECT_SEQUENCE + number))],
        category_needs=[(rules.categories.items[0].code, rules.panel.min_size)],
    )
