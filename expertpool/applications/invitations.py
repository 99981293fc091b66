"""Unit nomination (单位推荐, GZ 四（一）, UR 第八条): a nominating unit invites an expert
by e-mail, the expert applies through the signed link, and the unit gives its
preliminary review (初审) with its stamped opinion.

The link carries the invitation's id, signed with a salt of its own and valid for
``INVITATION_VALID_DAYS``; an invitation is used once, by starting an application.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import PoolRole, Role
from expertpool.applications.models import Application, Mode, NominationInvitation, UnitOpinion
from expertpool.applications.review import application_give_unit_opinion, may_give_unit_opinion
from expertpool.applications.services import application_attachment_add, application_start
from expertpool.applications.states import Status
from expertpool.audit.services import audit_log
from expertpool.core.delivery import mail_after_commit

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool

INVITATION_SALT = "expertpool.applications.nomination-invitation"
INVITATION_VALID_DAYS = 14
NAME_MAX_LENGTH = 50
UNIT_OPINION_KIND = "unit_opinion"


def nominating_unit_role(user: User, pool: Pool) -> PoolRole | None:
    """The user's nominating-unit role in ``pool``, if it names the unit they act for."""
    return (
        PoolRole.objects.filter(user_id=user.pk, pool=pool, role=Role.NOMINATING_UNIT, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )


def invitation_expires_at(invitation: NominationInvitation) -> datetime.datetime:
    return invitation.created_at + datetime.timedelta(days=INVITATION_VALID_DAYS)


def invitation_is_pending(invitation: NominationInvitation) -> bool:
    return invitation.application_id is None and timezone.now() < invitation_expires_at(invitation)


def invitation_check_usable(invitation: NominationInvitation) -> None:
    """``ValidationError`` if the invitation was used or is past its validity."""
    if invitation.application_id is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if not invitation_is_pending(invitation):
        raise ValidationError(_("This invitation has expired. Ask the unit to invite you again."), code="expired")


def invitation_token(invitation: NominationInvitation) -> str:
    return signing.dumps({"invitation": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> NominationInvitation:
    """The invitation a link names; ``ValidationError`` for a forged or expired link."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=datetime.timedelta(days=INVITATION_VALID_DAYS))
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This invitation has expired: links are valid for %(days)d days. Ask the unit to invite you again.")
            % {"days": INVITATION_VALID_DAYS},
            code="expired",
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This invitation link is not valid."), code="invalid") from exc
    invitation = (
        NominationInvitation.objects.select_related("pool__policy", "organisation", "application")
        .filter(pk=payload.get("invitation"), email=payload.get("email"))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."), code="invalid")
    return invitation


def _invitation_errors(*, pool: Pool, name: str, email: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if Mode.UNIT not in pool.policy.rules.application.nomination_modes:
        errors["pool"] = [_("This pool does not accept unit nominations.")]
    if not name:
        errors["name"] = [_("The expert's name is required.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("The name has at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    return errors


@transaction.atomic
def nomination_invite(*, actor: User, pool: Pool, name: str, email: str, message: str = "") -> NominationInvitation:
    """A nominating unit invites an expert to apply. The actor must hold the
    nominating-unit role in ``pool`` with its organisation; the pool's policy must
    accept unit nominations; one pending invitation per address, unit and pool.
    Mails the signed link after commit. Audit code: ``nomination.invited``."""
    role = nominating_unit_role(actor, pool)
    if role is None or role.organisation is None:
        raise PermissionDenied(_("Only a nominating unit of this pool may invite experts."))
    name, email = name.strip(), email.strip().lower()
    errors = _invitation_errors(pool=pool, name=name, email=email)
    if errors:
        raise ValidationError(errors)
    earlier = NominationInvitation.objects.filter(
        pool=pool, organisation=role.organisation, email=email, application__isnull=True
    )
    if any(invitation_is_pending(invitation) for invitation in earlier):
        raise ValidationError({"email": [_("An invitation to this address is still pending.")]})
    invitation = NominationInvitation.objects.create(
        pool=pool,
        organisation=role.organisation,
        invited_by=actor,
        email=email,
        name=name,
        message=message.strip(),
    )
    audit_log(
        actor=actor,
        action="nomination.invited",
        target=invitation,
        pool=pool,
        clause=pool.policy.rules.application.clause,
        data={"organisation": role.organisation.pk, "name": name, "email": email},
    )
    _mail_invitation(invitation)
    return invitation


def _mail_invitation(invitation: NominationInvitation) -> None:
    path = reverse("applications:invitation", args=[invitation_token(invitation)])
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL.rstrip("/") + path,
        "valid_days": INVITATION_VALID_DAYS,
    }

    mail_after_commit(
        subject_template="applications/email/invitation_subject.txt",
        body_template="applications/email/invitation.txt",
        context=context,
        recipients=[invitation.email],
    )


@transaction.atomic
def nomination_accept(*, actor: User, invitation: NominationInvitation) -> Application:
    """The invitee, signed in, starts a unit-nominated draft with the inviting unit as
    its nominating unit. A used or expired invitation is refused. Audit code:
    ``nomination.accepted`` (after ``application.started``)."""
    invitation = NominationInvitation.objects.select_for_update().select_related("pool__policy").get(pk=invitation.pk)
    invitation_check_usable(invitation)
    application = application_start(
        actor=actor, pool=invitation.pool, mode=Mode.UNIT, nominating_unit=invitation.organisation
    )
    # The unit already gave the expert's name: the form opens with it.
    application.form_data.setdefault("name", invitation.name)
    application.save(update_fields=["form_data", "updated_at"])
    invitation.application = application
    invitation.save(update_fields=["application"])
    audit_log(
        actor=actor,
        action="nomination.accepted",
        target=invitation,
        pool=invitation.pool,
        clause=invitation.pool.policy.rules.application.clause,
        data={"application": application.pk, "organisation": invitation.organisation_id},
    )
    return application


@transaction.atomic
def application_unit_review(
    *, actor: User, application: Application, recommended: bool, opinion: str, stamped_scan: UploadedFile | None
) -> UnitOpinion:
    """The unit's preliminary review in one step: store the stamped scan (checked by
    content, as every attachment) and record the opinion. Nothing is kept if either
    part is refused. Audit codes: ``application.attachment_added`` and
    ``application.unit_recommended`` / ``application.unit_not_recommended``."""
    if application.nominating_unit_id is None or not may_give_unit_opinion(actor, application):
        raise PermissionDenied(_("Only the nominating unit may give its opinion on this application."))
    if application.status != Status.PRELIMINARY_REVIEW:
        raise ValidationError(
            _("The unit gives its opinion during the preliminary review; this application is “%(status)s”.")
            % {"status": Status(application.status).label},
            code="not_in_preliminary_review",
        )
    if not opinion.strip():
        raise ValidationError({"opinion": [_("Write the unit's opinion.")]})
    if stamped_scan is None:
        raise ValidationError({"stamped_scan": [_("Upload the unit's stamped opinion.")]})
    if not any(a.code == UNIT_OPINION_KIND for a in application.pool.policy.rules.attachments):
        raise ValidationError(
            {"stamped_scan": [_("The pool's policy does not ask for the unit's opinion as an attachment.")]}
        )
    attachment = application_attachment_add(
        actor=actor, application=application, kind=UNIT_OPINION_KIND, file=stamped_scan
    )
    return application_give_unit_opinion(
        actor=actor, application=application, recommended=recommended, opinion=opinion, stamped_scan=attachment
    )
