"""Directed selection (定向选取): an expert from outside the pool, named by the client
unit in a written request and approved by a pool admin (UR 第十二条).

The person is recorded as a ``DirectedSelection`` and only so: never an ``Expert``
nor a pool member, so they cannot reach the registry, the directory or later draws.
GZ's call says nothing about it; the procedure is open to every pool and cites the
policy's panel clause, which is empty where the policy cites none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import Role, User
from expertpool.accounts.permissions import has_any_role
from expertpool.activities.models import Activity, DirectedSelection, DirectedSelectionLetter
from expertpool.activities.selectors_directed import is_requesting_unit
from expertpool.audit.services import audit_log
from expertpool.core.delivery import mail_after_commit
from expertpool.core.masking import mask_phone
from expertpool.core.uploads import (
    CheckedUpload,
    UploadRejected,
    inspect_upload,
    random_storage_name,
    reencode_image,
)
from expertpool.core.validators import validate_email, validate_phone

if TYPE_CHECKING:
    from django.core.files import File
    from django.core.files.uploadedfile import UploadedFile

    from expertpool.pools.models import Pool

FieldErrors = dict[str, list[str]]
LETTER_MAX_MB = 10
LETTER_KIND = "directed_request_letter"
CLOSED = frozenset({Activity.Status.COMPLETED, Activity.Status.CANCELLED})


def directed_clause(pool: Pool) -> str:
    """UR 第十二条 sets both the panel and directed selection; a policy without a panel
    clause (GZ) has no clause for it either."""
    return pool.policy.rules.panel.clause or ""


def _text_errors(values: dict[str, str]) -> FieldErrors:
    errors: FieldErrors = {}
    for field, value in values.items():
        limit = getattr(DirectedSelection._meta.get_field(field), "max_length", None)
        if limit is not None and len(value) > limit:
            errors[field] = [_("At most %(max)d characters.") % {"max": limit}]
    if not values["name"]:
        errors["name"] = [_("Give the expert's name.")]
    if not values["employer_name"]:
        errors["employer_name"] = [_("Give the expert's employer.")]
    return errors


def _contact(mobile: str, email: str, errors: FieldErrors) -> tuple[str, str]:
    """The phone and e-mail normalised; at least one, so the expert can be reached."""
    cleaned = {"mobile": "", "email": ""}
    for field, value, rule in (("mobile", mobile, validate_phone), ("email", email, validate_email)):
        if value:
            try:
                cleaned[field] = rule(value)
            except ValidationError as exc:
                errors[field] = exc.messages
    if not mobile and not email:
        errors["mobile"] = [_("Give a phone number or an e-mail address, so that the expert can be reached.")]
    return cleaned["mobile"], cleaned["email"]


def _letter(letter: UploadedFile | None, errors: FieldErrors) -> CheckedUpload | None:
    """The letter checked by its content (PDF, JPEG or PNG), never by its name."""
    if letter is None:
        errors["letter"] = [_("Attach the written request: a PDF or a scan or photo of the signed letter.")]
        return None
    try:
        return inspect_upload(letter, max_bytes=LETTER_MAX_MB * 1024 * 1024)
    except UploadRejected as exc:
        errors["letter"] = [str(exc.message)]
        return None


def _store_letter(
    actor: User, directed: DirectedSelection, letter: UploadedFile, checked: CheckedUpload
) -> DirectedSelectionLetter:
    """Under a random name; images re-encoded without their metadata (GPS, camera)."""
    content = reencode_image(checked) if checked.kind in {"jpeg", "png"} else checked.data
    stored = DirectedSelectionLetter(
        directed_selection=directed,
        kind=LETTER_KIND,
        original_name=(letter.name or "")[-200:],
        content_type=checked.content_type,
        size=len(content),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    stored.file.save(random_storage_name(checked.kind), ContentFile(content), save=False)
    stored.save()
    return stored


@transaction.atomic
def directed_request(
    *,
    actor: User,
    activity: Activity,
    name: str,
    employer_name: str,
    reason: str,
    letter: UploadedFile | None,
    title: str = "",
    specialty: str = "",
    mobile: str = "",
    email: str = "",
) -> DirectedSelection:
    """The client unit asks for a named expert from outside the pool, with its letter.

    Only a user acting for the client unit that requested ``activity``
    (``PermissionDenied`` otherwise), while the activity is neither completed nor
    cancelled. Raises ``ValidationError`` by field, storing nothing, for a missing
    name, employer or reason, a text too long, a bad phone or e-mail, neither of
    them, or a missing letter or one that is not a sound PDF, JPEG or PNG.
    Audit code: ``directed_selection.requested``; the pool's admins are mailed
    after commit.
    """
    if not is_requesting_unit(actor, activity):
        raise PermissionDenied(_("Only the client unit that requested the activity may ask for a directed selection."))
    locked = Activity.objects.select_for_update().select_related("pool__policy").get(pk=activity.pk)
    if locked.status in CLOSED:
        raise ValidationError(_("The activity is completed or cancelled: no expert can be added."), code="closed")
    texts = {"name": name, "employer_name": employer_name, "title": title, "specialty": specialty}
    texts = {field: value.strip() for field, value in texts.items()}
    errors = _text_errors(texts)
    mobile, email = _contact(mobile.strip(), email.strip(), errors)
    if not reason.strip():
        errors["reason"] = [_("Say why the pool's experts cannot meet the need (the written reason).")]
    checked = _letter(letter, errors)
    if errors or checked is None or letter is None:
        raise ValidationError(errors)
    directed = DirectedSelection.objects.create(
        activity=locked, mobile=mobile, email=email, reason=reason.strip(), requested_by=actor, **texts
    )
    stored = _store_letter(actor, directed, letter, checked)
    pool = locked.pool
    audit_log(
        actor=actor,
        action="directed_selection.requested",
        target=directed,
        pool=pool,
        clause=directed_clause(pool),
        data={
            "activity": locked.pk,
            **texts,
            "mobile": mask_phone(mobile),
            "reason": directed.reason,
            "letter": {"sha256": stored.sha256, "size": stored.size, "content_type": stored.content_type},
        },
    )
    _mail_admins(directed)
    return directed


@transaction.atomic
def directed_approve(*, actor: User, directed: DirectedSelection, reason: str = "") -> DirectedSelection:
    """A pool admin approves the request: the person joins the activity's panel as a
    directed expert, never as a pool member. Only while it is still requested and the
    activity neither completed nor cancelled. Audit code: ``directed_selection.approved``;
    the requester is mailed after commit. Returns the updated row."""
    return _decide(actor=actor, directed=directed, status=DirectedSelection.Status.APPROVED, reason=reason)


@transaction.atomic
def directed_refuse(*, actor: User, directed: DirectedSelection, reason: str) -> DirectedSelection:
    """A pool admin refuses the request, with the reason the client unit is shown.
    Audit code: ``directed_selection.refused``; the requester is mailed after commit."""
    return _decide(actor=actor, directed=directed, status=DirectedSelection.Status.REFUSED, reason=reason)


def _decide(*, actor: User, directed: DirectedSelection, status: str, reason: str) -> DirectedSelection:
    locked = (
        DirectedSelection.objects.select_for_update()
        .select_related("activity__pool__policy", "requested_by")
        .get(pk=directed.pk)
    )
    pool = locked.activity.pool
    if not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may decide on a directed selection."))
    if locked.status != DirectedSelection.Status.REQUESTED:
        raise ValidationError(
            _("This request has been decided already: %(status)s.") % {"status": locked.get_status_display()},
            code="decided",
        )
    reason = reason.strip()
    if status == DirectedSelection.Status.REFUSED and not reason:
        raise ValidationError({"reason": [_("Give the reason for refusing; the client unit is shown it.")]})
    if status == DirectedSelection.Status.APPROVED and locked.activity.status in CLOSED:
        raise ValidationError(_("The activity is completed or cancelled: no expert can be added."), code="closed")
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_log(
        actor=actor,
        action=f"directed_selection.{status}",
        target=locked,
        pool=pool,
        clause=directed_clause(pool),
        data={"activity": locked.activity_id, "name": locked.name, "reason": reason},
    )
    _mail_requester(locked)
    return locked


def directed_letter_open(*, actor: User, directed: DirectedSelection) -> tuple[DirectedSelectionLetter, File[bytes]]:
    """Open the letter for a reader the caller has checked; every opening is recorded,
    as the letter carries personal data. Audit code: ``directed_selection.letter_downloaded``.
    Raises ``FileNotFoundError`` when there is no letter or its file is gone."""
    letter = DirectedSelectionLetter.objects.filter(directed_selection_id=directed.pk).first()
    if letter is None:
        raise FileNotFoundError(directed.pk)
    handle = cast("File[bytes]", letter.file.open("rb"))
    audit_log(
        actor=actor,
        action="directed_selection.letter_downloaded",
        target=directed,
        pool=directed.activity.pool,
        data={"sha256": letter.sha256},
    )
    return letter, handle


def _link(name: str, **kwargs: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _send(template: str, context: dict[str, object], recipients: list[str]) -> None:
    mail_after_commit(
        subject_template=f"activities/{template}_subject.txt",
        body_template=f"activities/{template}.txt",
        context=context,
        recipients=recipients,
    )


def _mail_admins(directed: DirectedSelection) -> None:
    pool = directed.activity.pool
    admins = User.objects.filter(pool_roles__pool=pool, pool_roles__role=Role.POOL_ADMIN, is_active=True)
    recipients = sorted(set(admins.exclude(email="").values_list("email", flat=True)))
    link = _link("console:directed_detail", pool_slug=pool.slug, directed_id=directed.pk)
    _send("directed_email_requested", {"directed": directed, "link": link}, recipients)


def _mail_requester(directed: DirectedSelection) -> None:
    recipients = [directed.requested_by.email] if directed.requested_by.email else []
    link = _link("client:directed_list", activity_id=directed.activity_id)
    _send("directed_email_decided", {"directed": directed, "link": link}, recipients)
