"""Reading applications, review meetings and public notices for a pool's staff.

Every ``get_*_for_staff`` checks the reader's pool first and answers "not found"
alike for another pool's rows and missing ones. Drafts are the applicant's own
work until submitted: staff never see them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from expertpool.accounts.models import STAFF_ROLES, User
from expertpool.accounts.permissions import can_view_registry
from expertpool.applications.models import (
    Application,
    ApplicationAttachment,
    Objection,
    PublicNotice,
    ReviewDecision,
    ReviewMeeting,
    StatusChange,
    UnitOpinion,
)
from expertpool.applications.states import Status

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser
    from expertpool.pools.models import Pool

# What staff may list and open: everything that has been submitted at least once.
STAFF_VISIBLE = [status for status in Status if status != Status.DRAFT]


def _visible(pool: Pool) -> QuerySet[Application]:
    return Application.objects.filter(pool=pool, status__in=STAFF_VISIBLE)


def application_list(*, pool: Pool, status: str = "", search: str = "") -> QuerySet[Application]:
    """The pool's submitted applications, oldest submission first (the review queue)."""
    applications = _visible(pool).select_related("applicant", "nominating_unit").order_by("submitted_at", "pk")
    if status:
        applications = applications.filter(status=status)
    if search:
        applications = applications.filter(form_data__name__icontains=search)
    return applications


def application_status_counts(pool: Pool) -> dict[str, int]:
    """Applications per status, in one query."""
    rows = _visible(pool).values_list("status").annotate(n=Count("pk")).order_by()
    return dict(rows)


def get_application_for_staff(user: AnyUser, pool: Pool, pk: int) -> Application:
    """One application of ``pool`` with everything its review page shows."""
    if not can_view_registry(user, pool):
        raise Http404
    application = (
        _visible(pool)
        .filter(pk=pk)
        .select_related("pool__policy", "applicant", "nominating_unit", "membership")
        .prefetch_related(
            Prefetch("attachments", queryset=ApplicationAttachment.objects.order_by("kind", "uploaded_at", "pk")),
            Prefetch(
                "unit_opinions",
                queryset=UnitOpinion.objects.select_related("organisation", "given_by", "stamped_scan"),
            ),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
            Prefetch("review_decisions", queryset=ReviewDecision.objects.select_related("reviewer", "meeting")),
        )
        .first()
    )
    if application is None:
        raise Http404
    return application


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an application's history: a move, a review decision or a unit's opinion."""

    at: datetime.datetime
    kind: str  # "status", "decision" or "unit_opinion"
    actor: User | None
    status_change: StatusChange | None = None
    decision: ReviewDecision | None = None
    unit_opinion: UnitOpinion | None = None


def application_history(application: Application) -> list[HistoryEntry]:
    """Moves, decisions and unit opinions in the order they happened (uses the prefetches)."""
    entries = [
        *(
            HistoryEntry(at=change.created_at, kind="status", actor=change.actor, status_change=change)
            for change in application.status_changes.all()
        ),
        *(
            HistoryEntry(at=decision.created_at, kind="decision", actor=decision.reviewer, decision=decision)
            for decision in application.review_decisions.all()
        ),
        *(
            HistoryEntry(at=opinion.given_at, kind="unit_opinion", actor=opinion.given_by, unit_opinion=opinion)
            for opinion in application.unit_opinions.all()
        ),
    ]
    # A decision and the move it causes share a moment: show the decision first.
    order = {"unit_opinion": 0, "decision": 1, "status": 2}
    return sorted(entries, key=lambda entry: (entry.at, order[entry.kind]))


def pool_staff(pool: Pool) -> QuerySet[User]:
    """The managing body's people in ``pool``: who may take part in a review meeting."""
    return (
        User.objects.filter(pool_roles__pool=pool, pool_roles__role__in=list(STAFF_ROLES))
        .distinct()
        .order_by("display_name", "username")
    )


def meeting_list(pool: Pool) -> QuerySet[ReviewMeeting]:
    return (
        ReviewMeeting.objects.filter(pool=pool)
        .select_related("created_by")
        .prefetch_related(Prefetch("participants", queryset=User.objects.order_by("display_name", "username")))
        .annotate(decision_count=Count("decisions"))
    )


def get_meeting_for_staff(user: AnyUser, pool: Pool, pk: int) -> ReviewMeeting:
    if not can_view_registry(user, pool):
        raise Http404
    meeting = meeting_list(pool).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_decisions(meeting: ReviewMeeting) -> QuerySet[ReviewDecision]:
    return meeting.decisions.select_related("application", "reviewer").order_by("created_at", "pk")


def notice_list(pool: Pool) -> QuerySet[PublicNotice]:
    return (
        PublicNotice.objects.filter(pool=pool)
        .select_related("published_by")
        .annotate(
            application_count=Count("applications", distinct=True),
            open_objections=Count("objections", filter=Q(objections__state=Objection.State.OPEN), distinct=True),
        )
    )


def get_notice_for_staff(user: AnyUser, pool: Pool, pk: int) -> PublicNotice:
    if not can_view_registry(user, pool):
        raise Http404
    notice = notice_list(pool).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def notice_applications(notice: PublicNotice) -> QuerySet[Application]:
    return notice.applications.order_by("submitted_at", "pk")


def notice_objections(notice: PublicNotice) -> QuerySet[Objection]:
    return notice.objections.select_related("application", "resolved_by").order_by("filed_at", "pk")


def get_objection_for_staff(user: AnyUser, notice: PublicNotice, pk: int) -> Objection:
    if not can_view_registry(user, notice.pool):
        raise Http404
    objection = notice.objections.filter(pk=pk).first()
    if objection is None:
        raise Http404
    return objection
