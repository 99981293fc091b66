"""Reads of draws and panels that carry rules of their own: who may see what."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import PoolRole, Role
from expertpool.accounts.permissions import has_any_role
from expertpool.activities.models import ActivityParty, DirectedSelection
from expertpool.audit.services import audit_log
from expertpool.draws.display import release_note
from expertpool.draws.models import Draw, DrawLabelTable, PanelSeat

if TYPE_CHECKING:
    from collections.abc import Iterable

    from expertpool.accounts.models import User
    from expertpool.activities.models import Activity
    from expertpool.pools.models import Pool

SEALED_READERS = frozenset({Role.POOL_ADMIN, Role.SUPERVISOR})
# Who sees the whole panel as drawn, reserves and declines included (GZ 三（五）; UR 第十一条（四）).
PANEL_READERS = SEALED_READERS


def draw_labels(*, user: User, draw: Draw) -> dict[str, int]:
    """Label → expert id of a draw: pool admins and supervisors only (``PermissionDenied``)."""
    if not has_any_role(user, draw.pool, SEALED_READERS):
        raise PermissionDenied(_("Only the pool's admins and supervisors may open the label table."))
    table = DrawLabelTable.objects.filter(draw_id=draw.pk).first()
    return {} if table is None else table.experts_by_label()


@dataclass(frozen=True)
class PanelEntry:
    """One person on (or drawn for) a panel, as a page or endpoint shows them."""

    name: str
    employer: str
    title: str
    role: str  # "panel", "reserve" or "directed"
    position: int
    status: str
    status_display: str
    status_note: str  # why a released seat was released; blank otherwise
    category: str
    directed: bool
    seat_id: int | None
    directed_selection_id: int | None
    expert_id: int | None


@dataclass(frozen=True)
class PanelView:
    entries: tuple[PanelEntry, ...]
    # True for the managing body's view: every seat as drawn; False for the client unit's.
    full: bool


def _is_requesting_unit(viewer: User, activity: Activity) -> bool:
    """A client-unit user of the activity's client unit who is not also a subject of it."""
    organisations = set(
        PoolRole.objects.filter(
            user_id=viewer.pk, pool_id=activity.pool_id, role=Role.CLIENT_UNIT, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    if activity.client_unit_id not in organisations:
        return False
    subjects = ActivityParty.objects.filter(activity_id=activity.pk, role=ActivityParty.Role.SUBJECT)
    # The subject never learns who reviews it, even when it asked for the review itself.
    return not subjects.filter(organisation_id__in=organisations).exists()


def panel_for_viewer(*, activity: Activity, viewer: User) -> PanelView:
    """Who was drawn for ``activity``, as far as ``viewer`` may know (GZ 三（五）; UR 第十一条（四）).

    Pool admins and supervisors see every seat and approved directed selection; the
    requesting client unit sees only experts who accepted and approved directed
    selections; a subject organisation and anyone else get ``PermissionDenied``.
    Every call is audited as ``panel.viewed``, whatever it shows.
    """
    full = has_any_role(viewer, activity.pool, PANEL_READERS)
    if not full and not _is_requesting_unit(viewer, activity):
        raise PermissionDenied(_("Only the managing body and the requesting client unit may see the panel."))
    entries = _seat_entries(activity, full) + _directed_entries(activity)
    audit_log(
        actor=viewer,
        action="panel.viewed",
        target=activity,
        pool=activity.pool,
        clause=activity.pool.policy.rules.confidentiality.clause,
        data={"activity": activity.pk, "full": full, "shown": len(entries)},
    )
    return PanelView(entries=tuple(entries), full=full)


def _seat_entries(activity: Activity, full: bool) -> list[PanelEntry]:
    seats = PanelSeat.objects.filter(activity_id=activity.pk).select_related("expert__employer")
    if not full:
        seats = seats.filter(status=PanelSeat.Status.ACCEPTED)
    seats = seats.order_by("reveal_id", "role", "position")
    return [
        PanelEntry(
            name=seat.expert.name,
            employer=seat.expert.employer.name if seat.expert.employer is not None else "",
            title=seat.expert.position,
            role=seat.role,
            position=seat.position,
            status=seat.status,
            status_display=seat.get_status_display(),
            status_note=release_note(seat.release_rule, seat.release_clause, seat.release_detail),
            category=seat.category,
            directed=False,
            seat_id=seat.pk,
            directed_selection_id=None,
            expert_id=seat.expert_id,
        )
        for seat in seats
    ]


def _directed_entries(activity: Activity) -> list[PanelEntry]:
    approved = DirectedSelection.objects.filter(
        activity_id=activity.pk, status=DirectedSelection.Status.APPROVED
    ).order_by("pk")
    return [
        PanelEntry(
            name=directed.name,
            employer=directed.employer_name,
            title=directed.title,
            role="directed",
            position=number,
            status=directed.status,
            status_display=_("Directed selection"),
            status_note="",
            category="",
            directed=True,
            seat_id=None,
            directed_selection_id=directed.pk,
            expert_id=None,
        )
        for number, directed in enumerate(approved, start=1)
    ]


@dataclass(frozen=True)
class ServiceCounts:
    """How often an expert was drawn, invited and served in a pool."""

    draws: int = 0
    invitations: int = 0
    services: int = 0
    service_days: int = 0


def service_counts(
    *, pool: Pool, expert_ids: Iterable[int], since: datetime.datetime | None = None
) -> dict[int, ServiceCounts]:
    """Per expert: seats drawn, invitations received, invitations accepted and the calendar
    days those activities spanned, in ``pool`` (activities starting at or after ``since``).
    Two queries whatever the number of experts."""
    ids = list(expert_ids)
    seats = PanelSeat.objects.filter(expert_id__in=ids, activity__pool_id=pool.pk)
    if since is not None:
        seats = seats.filter(activity__starts_at__gte=since)
    totals = seats.values("expert_id").annotate(
        draws=Count("pk"),
        invitations=Count("pk", filter=Q(invited_at__isnull=False)),
        services=Count("pk", filter=Q(status=PanelSeat.Status.ACCEPTED)),
    )
    days: dict[int, int] = {}
    accepted = seats.filter(status=PanelSeat.Status.ACCEPTED).values_list(
        "expert_id", F("activity__starts_at"), F("activity__ends_at")
    )
    for expert_id, starts_at, ends_at in accepted:
        days[expert_id] = days.get(expert_id, 0) + _calendar_days(starts_at, ends_at)
    return {
        row["expert_id"]: ServiceCounts(
            draws=row["draws"],
            invitations=row["invitations"],
            services=row["services"],
            service_days=days.get(row["expert_id"], 0),
        )
        for row in totals
    }


def _calendar_days(starts_at: datetime.datetime, ends_at: datetime.datetime) -> int:
    """The calendar days an activity touches, in the local time zone: 09:00–17:00 is one day."""
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at - datetime.timedelta(microseconds=1)).date()
    return (last - first).days + 1
