"""Preliminary review by the nominating unit and qualification review by the pool's
reviewers (GZ 四（一）（三）, UR 第八条)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import PoolRole, Role
from expertpool.accounts.permissions import has_any_role
from expertpool.applications.models import (
    Application,
    ApplicationAttachment,
    ReviewDecision,
    ReviewMeeting,
    UnitOpinion,
)
from expertpool.applications.notifications import notify_applicant
from expertpool.applications.states import Status
from expertpool.applications.transitions import lock, move
from expertpool.audit.services import audit_log

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool

REVIEW_ROLES = frozenset({Role.POOL_ADMIN, Role.REVIEWER})


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for this decision.")]})
    return reason.strip()


def may_give_unit_opinion(actor: User, application: Application) -> bool:
    """The application's unit gives its opinion; a pool admin may record it on behalf
    of a unit that has no account, from the stamped paper the unit sent."""
    if has_any_role(actor, application.pool, {Role.POOL_ADMIN}):
        return True
    if application.nominating_unit_id is None:
        return False
    return PoolRole.objects.filter(
        user=actor, pool=application.pool, role=Role.NOMINATING_UNIT, organisation_id=application.nominating_unit_id
    ).exists()


@transaction.atomic
def application_give_unit_opinion(
    *,
    actor: User,
    application: Application,
    recommended: bool,
    opinion: str,
    stamped_scan: ApplicationAttachment | None,
) -> UnitOpinion:
    """The unit's preliminary review (初审) with its stamped opinion. Recommended goes on
    to qualification review; not recommended returns the application to the applicant.
    Audit codes: ``application.unit_recommended`` / ``application.unit_not_recommended``."""
    application = lock(application)
    if application.nominating_unit is None or not may_give_unit_opinion(actor, application):
        raise PermissionDenied(_("Only the nominating unit may give its opinion on this application."))
    if application.status != Status.PRELIMINARY_REVIEW:
        # The workflow table alone would let an opinion push a draft into qualification review.
        raise ValidationError(
            _("The unit gives its opinion during the preliminary review; this application is “%(status)s”.")
            % {"status": Status(application.status).label},
            code="not_in_preliminary_review",
        )
    if stamped_scan is None or stamped_scan.application_id != application.pk:
        raise ValidationError({"stamped_scan": [_("Upload the unit's stamped opinion.")]})
    unit_opinion = UnitOpinion.objects.create(
        application=application,
        organisation=application.nominating_unit,
        outcome=(UnitOpinion.Outcome.RECOMMENDED if recommended else UnitOpinion.Outcome.NOT_RECOMMENDED),
        opinion=_reason(opinion),
        stamped_scan=stamped_scan,
        given_by=actor,
    )
    clause = application.pool.policy.rules.application.clause
    if recommended:
        move(
            application=application,
            to=Status.QUALIFICATION_REVIEW,
            actor=actor,
            action="application.unit_recommended",
            reason=opinion,
            clause=clause,
        )
    else:
        move(
            application=application,
            to=Status.RETURNED,
            actor=actor,
            action="application.unit_not_recommended",
            reason=opinion,
            clause=clause,
        )
    notify_applicant(application, event="unit_opinion", reason=opinion)
    return unit_opinion


@transaction.atomic
def review_meeting_create(
    *, actor: User, pool: Pool, title: str, held_on: datetime.date, participants: list[User], notes: str = ""
) -> ReviewMeeting:
    """Record a review meeting (批次) and who took part: the collective decision.
    Audit code: ``review_meeting.created``."""
    if not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may convene a review meeting."))
    if not participants:
        raise ValidationError({"participants": [_("Name who took part in the meeting.")]})
    meeting = ReviewMeeting.objects.create(
        pool=pool, title=title.strip() or str(held_on), held_on=held_on, notes=notes, created_by=actor
    )
    meeting.participants.set(participants)
    audit_log(
        actor=actor,
        action="review_meeting.created",
        target=meeting,
        pool=pool,
        clause=pool.policy.rules.application.clause,
        data={"held_on": held_on.isoformat(), "participants": sorted(u.get_username() for u in participants)},
    )
    return meeting


@transaction.atomic
def application_review(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reason: str = "",
    confirmed_declarations: list[str] | None = None,
    meeting: ReviewMeeting | None = None,
) -> ReviewDecision:
    """A reviewer approves (onto the proposed list), rejects, or returns for correction.
    Approval needs every declaration confirmed; rejecting and returning need a reason.
    Audit codes: ``application.approved``, ``application.rejected``, ``application.returned``."""
    application = lock(application)
    pool = application.pool
    if not has_any_role(actor, pool, REVIEW_ROLES):
        raise PermissionDenied(_("Only the pool's reviewers may decide on applications."))
    if application.applicant_id == actor.pk:
        raise PermissionDenied(_("Nobody may decide on their own application."))
    if application.status != Status.QUALIFICATION_REVIEW:
        # The table alone would let a reviewer "return" an application still with its unit.
        raise ValidationError(
            _("Reviewers decide during the qualification review; this application is “%(status)s”.")
            % {"status": Status(application.status).label},
            code="not_in_qualification_review",
        )
    if meeting is not None and meeting.pool_id != pool.pk:
        raise ValidationError({"meeting": [_("The meeting belongs to another pool.")]})
    rules = pool.policy.rules
    confirmed = sorted(set(confirmed_declarations or []))
    targets = {
        ReviewDecision.Outcome.APPROVE: (Status.APPROVED, "application.approved"),
        ReviewDecision.Outcome.REJECT: (Status.REJECTED, "application.rejected"),
        ReviewDecision.Outcome.RETURN: (Status.RETURNED, "application.returned"),
    }
    if outcome not in targets:
        raise ValidationError({"outcome": [_("Choose approve, reject or return.")]})
    if outcome == ReviewDecision.Outcome.APPROVE:
        missing = [d.code for d in rules.declarations if d.code not in confirmed]
        if missing:
            raise ValidationError(
                {
                    "confirmed_declarations": [
                        _("Confirm every declaration before approving: %(codes)s.") % {"codes": ", ".join(missing)}
                    ]
                }
            )
    else:
        reason = _reason(reason)
    decision = ReviewDecision.objects.create(
        application=application,
        meeting=meeting,
        reviewer=actor,
        outcome=outcome,
        reason=reason,
        confirmed_declarations=confirmed,
    )
    to, action = targets[ReviewDecision.Outcome(outcome)]
    if to == Status.REJECTED:
        application.decided_at = timezone.now()
        application.save(update_fields=["decided_at", "updated_at"])
    move(
        application=application,
        to=to,
        actor=actor,
        action=action,
        reason=reason,
        clause=rules.application.clause,
        data={"meeting": meeting.pk if meeting else None, "confirmed_declarations": confirmed},
    )
    notify_applicant(application, event=outcome, reason=reason)
    return decision
