"""The proposed list, its public notice, objections, and admission (GZ 四（四）, UR 第九条)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import has_any_role
from expertpool.applications.models import Application, Objection, PublicNotice
from expertpool.applications.notifications import notify_applicant
from expertpool.applications.review import REVIEW_ROLES
from expertpool.applications.services import application_admit
from expertpool.applications.states import Status
from expertpool.applications.transitions import lock, move
from expertpool.audit.services import audit_log
from expertpool.core.workdays import add_working_days

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool

logger = logging.getLogger(__name__)

# Objections one sender may file per notice and day: enough for a real complaint, not for flooding.
OBJECTIONS_PER_SENDER_PER_DAY = 3


def proposed_list(pool: Pool) -> list[Application]:
    return list(Application.objects.filter(pool=pool, status=Status.APPROVED).order_by("submitted_at", "pk"))


@transaction.atomic
def proposed_list_publish(
    *, actor: User, pool: Pool, title: str = "", published_on: datetime.date | None = None
) -> PublicNotice | None:
    """Publish the proposed list. Under a policy with a notice period, a public notice
    opens whose end date counts working days (Chinese holidays and make-up days
    respected); under one without (UR), the list is admitted at once.
    Audit code: ``public_notice.published`` (or ``application.admitted`` per applicant)."""
    if not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may publish the proposed list."))
    applications = proposed_list(pool)
    if not applications:
        raise ValidationError(_("The proposed list is empty."), code="empty")
    rules = pool.policy.rules
    published_on = published_on or timezone.localdate()
    if rules.public_notice is None:
        for application in applications:
            application_admit(actor=actor, application=application, on_date=published_on)
        return None
    notice = PublicNotice.objects.create(
        pool=pool,
        title=title.strip() or _("Proposed list of %(pool)s") % {"pool": pool.name},
        published_on=published_on,
        ends_on=add_working_days(published_on, rules.public_notice.working_days),
        working_days=rules.public_notice.working_days,
        clause=rules.public_notice.clause or "",
        published_by=actor,
    )
    notice.applications.set(applications)
    audit_log(
        actor=actor,
        action="public_notice.published",
        target=notice,
        pool=pool,
        clause=notice.clause,
        data={"ends_on": notice.ends_on.isoformat(), "applications": [a.pk for a in applications]},
    )
    for application in applications:
        move(
            application=lock(application),
            to=Status.IN_NOTICE,
            actor=actor,
            action="application.in_notice",
            clause=notice.clause,
            data={"notice": notice.pk, "ends_on": notice.ends_on.isoformat()},
        )
        notify_applicant(application, event="in_notice")
    return notice


def sender_digest(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def objection_file(
    *,
    notice: PublicNotice,
    application: Application,
    name: str,
    contact: str,
    text: str,
    sender: str,
    today: datetime.date | None = None,
) -> Objection:
    """Anyone may object during the notice, giving a name and a contact; rate-limited
    per sender. Audit code: ``objection.filed`` (the objector's details stay out of the log)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    for field, value in (("name", name), ("contact", contact), ("text", text)):
        if not value.strip():
            errors[field] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    if notice.state != PublicNotice.State.OPEN or today > notice.ends_on:
        raise ValidationError(_("The public notice has ended; objections are no longer accepted."), code="closed")
    if not notice.applications.filter(pk=application.pk).exists():
        raise ValidationError({"application": [_("This person is not on the notice.")]})
    digest = sender_digest(sender)
    recent = Objection.objects.filter(
        notice=notice, sender_digest=digest, filed_at__gte=timezone.now() - datetime.timedelta(days=1)
    ).count()
    if recent >= OBJECTIONS_PER_SENDER_PER_DAY:
        raise ValidationError(
            _("Too many objections from this address today; try again tomorrow."), code="rate_limited"
        )
    objection = Objection.objects.create(
        notice=notice,
        application=application,
        name=name.strip(),
        contact=contact.strip(),
        text=text.strip(),
        sender_digest=digest,
    )
    audit_log(
        actor=None,
        action="objection.filed",
        target=objection,
        pool=notice.pool,
        clause=notice.clause,
        data={"application": application.pk},
    )
    return objection


@transaction.atomic
def objection_resolve(*, actor: User, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """A reviewer upholds or dismisses an objection, with the reason. Upholding rejects
    the application. Audit codes: ``objection.upheld``, ``objection.dismissed``."""
    objection = Objection.objects.select_for_update().select_related("notice__pool").get(pk=objection.pk)
    pool = objection.notice.pool
    if not has_any_role(actor, pool, REVIEW_ROLES):
        raise PermissionDenied(_("Only the pool's reviewers may resolve objections."))
    if objection.application.applicant_id == actor.pk:
        raise PermissionDenied(_("Nobody may decide on their own application."))
    if objection.state != Objection.State.OPEN:
        raise ValidationError(_("This objection has already been resolved."), code="resolved")
    if not resolution.strip():
        raise ValidationError({"resolution": [_("Give the reason for this decision.")]})
    objection.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution.strip(), actor, timezone.now()
    objection.save()
    audit_log(
        actor=actor,
        action=f"objection.{objection.state}",
        target=objection,
        pool=pool,
        clause=objection.notice.clause,
        data={"application": objection.application_id},
    )
    application = lock(objection.application)
    if upheld and application.status == Status.IN_NOTICE:
        application.decided_at = timezone.now()
        application.save(update_fields=["decided_at", "updated_at"])
        move(
            application=application,
            to=Status.REJECTED,
            actor=actor,
            action="application.rejected",
            reason=resolution.strip(),
            clause=objection.notice.clause,
            data={"objection": objection.pk},
        )
        notify_applicant(application, event="objection_upheld", reason=resolution.strip())
    return objection


def notices_close_due(
    *, actor: User | None = None, pool: Pool | None = None, today: datetime.date | None = None
) -> list[Application]:
    """Admit everyone whose notice has ended with no open objection; close notices with
    nothing left open. Run by the scheduler every few minutes, and by an admin on demand:
    then ``pool`` limits the run to the pool, whose admin ``actor`` must be."""
    if actor is not None and pool is not None and not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may run admission."))
    today = today or timezone.localdate()
    admitted = []
    notices = PublicNotice.objects.filter(state=PublicNotice.State.OPEN, ends_on__lt=today)
    for notice in notices.filter(pool=pool) if pool is not None else notices:
        with transaction.atomic():
            for application in notice.applications.filter(status=Status.IN_NOTICE):
                if application.objections.filter(notice=notice, state=Objection.State.OPEN).exists():
                    continue
                try:
                    admitted.append(application_admit(actor=actor, application=application, on_date=today))
                except ValidationError as exc:
                    # One application the registry refuses (say, its ID number now belongs to a
                    # member) must not hold up the others; it stays in notice for an admin.
                    logger.warning("application %s not admitted: %s", application.pk, "; ".join(exc.messages))
            if not notice.applications.filter(status=Status.IN_NOTICE).exists():
                notice.state, notice.closed_at = PublicNotice.State.CLOSED, timezone.now()
                notice.save(update_fields=["state", "closed_at"])
                audit_log(
                    actor=actor,
                    action="public_notice.closed",
                    target=notice,
                    pool=notice.pool,
                    clause=notice.clause,
                    data={"admitted": [a.pk for a in admitted]},
                )
    return admitted
