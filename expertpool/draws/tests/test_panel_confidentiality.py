"""Who was drawn is seen by the managing body, by the client unit once confirmed, never by the subject."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.activities.models import Activity, ActivityParty, DirectedSelection
from expertpool.audit.models import AuditRecord
from expertpool.draws.models import PanelSeat
from expertpool.draws.selectors import panel_for_viewer, service_counts
from expertpool.draws.tests.factories import committed_and_revealed, make_supervisor
from expertpool.pools.models import Pool


def _revealed_activity(pool: Pool, admin: User) -> Activity:
    draw, _reveal = committed_and_revealed(pool, admin)
    return Activity.objects.select_related("pool").get(pk=draw.activity_id)


def _client_of(activity: Activity) -> User:
    role = PoolRole.objects.get(pool=activity.pool, role=Role.CLIENT_UNIT, organisation=activity.client_unit)
    return role.user


def test_pool_admin_and_supervisor_see_every_seat(gz_pool: Pool, gz_admin: User) -> None:
    activity = _revealed_activity(gz_pool, gz_admin)
    seats = PanelSeat.objects.filter(activity=activity).count()

    for viewer in (gz_admin, make_supervisor(gz_pool)):
        view = panel_for_viewer(activity=activity, viewer=viewer)
        assert view.full
        assert len(view.entries) == seats
        assert {e.role for e in view.entries} == {"panel", "reserve"}


def test_client_unit_sees_only_confirmed_experts_and_approved_directed(gz_pool: Pool, gz_admin: User) -> None:
    activity = _revealed_activity(gz_pool, gz_admin)
    client = _client_of(activity)
    assert panel_for_viewer(activity=activity, viewer=client).entries == ()

    accepted = PanelSeat.objects.filter(activity=activity, role="panel").order_by("position").first()
    assert accepted is not None
    accepted.status = PanelSeat.Status.ACCEPTED
    accepted.save()
    DirectedSelection.objects.create(
        activity=activity, name="外聘专家", employer_name="某研究院", reason="特殊专业", requested_by=client
    )
    approved = DirectedSelection.objects.create(
        activity=activity,
        name="定向专家",
        employer_name="某大学",
        reason="特殊专业",
        requested_by=client,
        status=DirectedSelection.Status.APPROVED,
    )

    view = panel_for_viewer(activity=activity, viewer=client)

    assert not view.full
    assert [(e.seat_id, e.directed_selection_id, e.directed) for e in view.entries] == [
        (accepted.pk, None, False),
        (None, approved.pk, True),
    ]


def test_subject_organisation_and_outsiders_are_refused(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, outsider: User
) -> None:
    activity = _revealed_activity(gz_pool, gz_admin)
    client = _client_of(activity)
    # The client unit is also a subject of this activity: it must not learn who reviews it.
    ActivityParty.objects.create(activity=activity, role=ActivityParty.Role.SUBJECT, organisation=activity.client_unit)
    other_client = User.objects.create_user(username="other_client", password=None)
    PoolRole.objects.create(user=other_client, pool=gz_pool, role=Role.CLIENT_UNIT)

    for viewer in (client, gz_reviewer, outsider, other_client):
        with pytest.raises(PermissionDenied):
            panel_for_viewer(activity=activity, viewer=viewer)


def test_every_view_is_audited_with_the_confidentiality_clause(gz_pool: Pool, gz_admin: User) -> None:
    activity = _revealed_activity(gz_pool, gz_admin)
    before = AuditRecord.objects.filter(action="panel.viewed").count()

    panel_for_viewer(activity=activity, viewer=gz_admin)
    panel_for_viewer(activity=activity, viewer=_client_of(activity))

    records = list(AuditRecord.objects.filter(action="panel.viewed").order_by("pk"))[before:]
    assert [(r.actor_id, r.clause, r.data["full"]) for r in records] == [
        (gz_admin.pk, "GZ 三（五）", True),
        (_client_of(activity).pk, "GZ 三（五）", False),
    ]


def test_service_counts_per_expert(gz_pool: Pool, gz_admin: User) -> None:
    activity = _revealed_activity(gz_pool, gz_admin)
    seats = list(PanelSeat.objects.filter(activity=activity).order_by("role", "position"))
    seats[0].status = PanelSeat.Status.ACCEPTED
    seats[0].invited_at = activity.starts_at
    seats[0].save()

    counts = service_counts(pool=gz_pool, expert_ids=[s.expert_id for s in seats])

    assert counts[seats[0].expert_id].draws == 1
    assert counts[seats[0].expert_id].invitations == 1
    assert counts[seats[0].expert_id].services == 1
    assert counts[seats[0].expert_id].service_days == 1  # four hours on one day
    assert counts[seats[-1].expert_id].services == 0
