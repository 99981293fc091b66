"""A small GZ activity with enough experts to draw a panel, made through the services."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.models import Activity
from expertpool.activities.services import activity_create
from expertpool.draws.models import Draw, DrawReveal
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

SOURCE = "中国福利彩票双色球第2026135期（2026-11-24开奖）开奖号码；监督人现场输入的六位数"
PUBLIC = [[27, 3, 14, 9, 31, 22], [7]]
SUPERVISOR = [[408215]]
_numbers = itertools.count(1)


def make_experts(pool: Pool, count: int) -> list[int]:
    """Active members in cleaner_production, each at a different employer."""
    return [
        expert_register(
            actor=None,
            pool=pool,
            record=make_expert_record(employer_name=f"专家单位{next(_numbers)}", categories=("cleaner_production",)),
        ).expert_id
        for _ in range(count)
    ]


def make_activity(pool: Pool, admin: User, *, panel_size: int = 3) -> Activity:
    user = User.objects.create_user(username=f"client{next(_numbers)}", password=None)
    unit = organisation_get_or_create(name=f"使用单位{next(_numbers)}", uscc="", actor=admin)
    pool_role_grant(actor=admin, user=user, pool=pool, role=Role.CLIENT_UNIT, organisation=unit)
    starts = timezone.now() + datetime.timedelta(days=30)
    return activity_create(
        actor=user,
        pool=pool,
        kind=pool.policy.rules.activity_kinds[0].code,
        title="清洁生产审核评估",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        place="会议室",
        panel_size=panel_size,
        subjects=[("某化工有限公司", "")],
        category_needs=[("cleaner_production", panel_size)],
    )


def make_supervisor(pool: Pool) -> User:
    user = User.objects.create_user(username=f"supervisor{next(_numbers)}", password=None)
    PoolRole.objects.create(user=user, pool=pool, role=Role.SUPERVISOR)
    return user


def committed_and_revealed(pool: Pool, admin: User, experts: int = 7) -> tuple[Draw, DrawReveal]:
    make_experts(pool, experts)
    activity = make_activity(pool, admin)
    draw = draw_commit(actor=admin, activity=activity, randomness_source=SOURCE, supervisor=make_supervisor(pool))
    return draw, draw_reveal(actor=admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)
