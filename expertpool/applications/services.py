"""Entry: every step from a draft to admission. The only writers of this app's models.

Each state change goes through ``transitions.move`` (state check, history row,
audit record) inside one transaction; mail goes out after commit.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.applications.models import Application, ApplicationAttachment, Mode
from expertpool.applications.notifications import notify_applicant
from expertpool.applications.records import record_from_application
from expertpool.applications.review import may_give_unit_opinion
from expertpool.applications.states import EDITABLE, Status
from expertpool.applications.transitions import lock, move
from expertpool.audit.services import audit_log
from expertpool.core.masking import mask_id_number
from expertpool.core.uploads import inspect_upload, random_storage_name, reencode_image
from expertpool.eligibility.engine import evaluate
from expertpool.eligibility.profile import ProfileError, parse_profile
from expertpool.experts.models import Expert, Membership, id_number_digest
from expertpool.experts.services import expert_record_errors, expert_register, membership_create
from expertpool.organisations.services import organisation_get_or_create

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from expertpool.accounts.models import User
    from expertpool.organisations.models import Organisation
    from expertpool.pools.models import Pool

FieldErrors = dict[str, list[str]]
# Form fields kept in ``form_data`` under another name (the registry's).
FORM_DATA_KEYS = {"employer": "employer_name"}


def application_start(
    *, actor: User, pool: Pool, mode: str = Mode.SELF, nominating_unit: Organisation | None = None
) -> Application:
    """Open a draft. One open application per person and pool. Audit code: ``application.started``."""
    if mode not in pool.policy.rules.application.nomination_modes:
        raise ValidationError({"mode": [_("This pool does not accept this way of applying.")]})
    if (
        Application.objects.filter(pool=pool, applicant=actor)
        .exclude(status__in=[Status.ADMITTED, Status.REJECTED, Status.WITHDRAWN])
        .exists()
    ):
        raise ValidationError(_("You already have an open application to this pool."), code="open_application")
    with transaction.atomic():
        application = Application.objects.create(
            pool=pool,
            applicant=actor,
            mode=mode,
            nominating_unit=nominating_unit,
            form_data={"email": actor.email} if actor.email else {},
        )
        audit_log(
            actor=actor,
            action="application.started",
            target=application,
            pool=pool,
            clause=pool.policy.rules.application.clause,
            data={"mode": mode},
        )
    return application


def require_editable(application: Application, actor: User) -> None:
    """Only the applicant, and only while the form is open (draft or returned), may change
    it; shared with ``files.py`` for the photo."""
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant may change the application."))
    if application.status not in EDITABLE:
        raise ValidationError(
            _("The application can no longer be changed: it is “%(status)s”.")
            % {"status": Status(application.status).label},
            code="not_editable",
        )


@transaction.atomic
def application_save_draft(
    *, actor: User, application: Application, form_data: dict[str, Any], id_number: str, mobile: str
) -> Application:
    """Keep whatever was typed, valid or not: nothing is lost on a validation error.
    Audit code: ``application.draft_saved`` (the names of the fields changed)."""
    application = lock(application)
    require_editable(application, actor)
    changed = sorted(
        key
        for key in set(form_data) | set(application.form_data)
        if form_data.get(key) != application.form_data.get(key)
    )
    if id_number.strip().upper() != application.id_number:
        changed.append("id_number")
    if mobile.strip() != application.mobile:
        changed.append("mobile")
    application.form_data = form_data
    application.id_number = id_number.strip().upper()
    application.mobile = mobile.strip()
    application.save()
    if changed:
        audit_log(
            actor=actor,
            action="application.draft_saved",
            target=application,
            pool=application.pool,
            data={"fields": changed},
        )
    return application


def application_form_errors(application: Application) -> FieldErrors:
    """Everything that stops submission, by field: the policy's required fields, the
    registry's rules, attachments and the pledge."""
    rules = application.pool.policy.rules
    errors: FieldErrors = {}
    data = application.form_data
    for form_field in rules.form:
        key = form_field.key.value
        present = (
            getattr(application, key) if key in {"id_number", "mobile"} else data.get(FORM_DATA_KEYS.get(key, key))
        )
        if key == "photo":
            present = application.photo.name
        if key == "title":
            present = any(row.get("kind") == "title" for row in data.get("credentials") or [])
        # 0 years is an answer, not a blank.
        blank = present is None or present is False or present in ("", [])
        if form_field.required and blank and key not in {"employment_status", "qualifications"}:
            errors.setdefault(key, []).append(_("This field is required (%(clause)s).") % {"clause": form_field.clause})
    record, read_errors = record_from_application(application)
    for field, messages in read_errors.items():
        errors.setdefault(field, []).extend(messages)
    if record is not None:
        for field, messages in expert_record_errors(record=record, pool=application.pool, known_expert_ok=True).items():
            errors.setdefault(field, []).extend(messages)
        if Membership.objects.filter(
            pool=application.pool, expert__id_number_digest=id_number_digest(record.id_number)
        ).exists():
            errors.setdefault("id_number", []).append(_("This person is already a member of the pool."))
    for field, messages in _attachment_errors(application).items():
        errors.setdefault(field, []).extend(messages)
    if application.pledge_version != rules.pledge.version or application.pledge_accepted_at is None:
        errors.setdefault("pledge", []).append(
            _("Read and accept the pledge (%(clause)s).") % {"clause": rules.pledge.clause}
        )
    return errors


def _attachment_errors(application: Application) -> FieldErrors:
    uploaded = set(application.attachments.filter(superseded=False).values_list("kind", flat=True))
    retired = application.form_data.get("employment_status") == "retired"
    errors: FieldErrors = {}
    for attachment in application.pool.policy.rules.attachments:
        needed = (
            attachment.required == "always" or (attachment.required == "retired" and retired)
            # The unit's stamped opinion comes with its preliminary review, not from the applicant.
        )
        if needed and attachment.code not in uploaded and attachment.code != "unit_opinion":
            errors.setdefault(f"attachment.{attachment.code}", []).append(
                _("Upload the %(name)s (%(clause)s).") % {"name": attachment.name, "clause": attachment.clause}
            )
    return errors


def application_eligibility(application: Application, on_date: datetime.date | None = None) -> dict[str, Any]:
    """The eligibility engine's decision on the form as it stands (live feedback)."""
    data = {**application.form_data, "id_number": application.id_number or None}
    data["title_level"] = _title_level(application.form_data)
    data["qualifications"] = [
        row.get("name", "")
        for row in application.form_data.get("credentials") or []
        if row.get("kind") == "qualification"
    ]
    data["degree"] = _degree(application.form_data)
    data["postdoc"] = any(row.get("is_postdoc") for row in application.form_data.get("education") or [])
    try:
        profile = parse_profile(data, policy=application.pool.policy.rules)
    except ProfileError as exc:
        return {"outcome": "incomplete", "errors": exc.errors}
    decision = evaluate(profile=profile, policy=application.pool.policy.rules, on_date=on_date or timezone.localdate())
    return decision.as_dict()


def _title_level(data: dict[str, Any]) -> str:
    ranks = ["none", "junior", "intermediate", "associate_senior", "full_senior"]
    levels = [row.get("level") for row in data.get("credentials") or [] if row.get("kind") == "title"]
    return max((level for level in levels if level in ranks), key=ranks.index, default="none")


def _degree(data: dict[str, Any]) -> str:
    ranks = ["other", "bachelor", "master", "doctorate"]
    degrees = [row.get("degree") for row in data.get("education") or []]
    return max((degree for degree in degrees if degree in ranks), key=ranks.index, default="other")


@transaction.atomic
def application_attachment_add(
    *, actor: User, application: Application, kind: str, file: UploadedFile
) -> ApplicationAttachment:
    """Store a document the policy asks for, checked by content; images are re-encoded
    without metadata. A second file of the same kind supersedes the first (kept).
    Raises ``UploadRejected`` and changes nothing for a wrong file.
    Audit code: ``application.attachment_added``."""
    application = lock(application)
    definition = next((a for a in application.pool.policy.rules.attachments if a.code == kind), None)
    if definition is None:
        raise ValidationError({"kind": [_("This pool does not ask for this document.")]})
    if kind == "unit_opinion" and application.status == Status.PRELIMINARY_REVIEW:
        # The stamped opinion comes from the unit (or a pool admin on its behalf) with its review.
        if not may_give_unit_opinion(actor, application):
            raise PermissionDenied(_("Only the nominating unit may upload its opinion."))
    else:
        require_editable(application, actor)
    checked = inspect_upload(file, max_bytes=definition.max_size_mb * 1024 * 1024)
    content = reencode_image(checked) if checked.kind in {"jpeg", "png"} else checked.data
    application.attachments.filter(kind=kind, superseded=False).update(superseded=True)
    attachment = ApplicationAttachment(
        application=application,
        kind=kind,
        original_name=file.name or "",
        content_type=checked.content_type,
        size=len(content),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(random_storage_name(checked.kind), ContentFile(content), save=False)
    attachment.save()
    audit_log(
        actor=actor,
        action="application.attachment_added",
        target=application,
        pool=application.pool,
        clause=definition.clause,
        data={"kind": kind, "sha256": checked.sha256, "size": len(content)},
    )
    return attachment


@transaction.atomic
def application_accept_pledge(*, actor: User, application: Application, version: str) -> Application:
    """Record that the applicant accepted the pool's pledge, with the time and the
    text's version. Audit code: ``application.pledge_accepted``."""
    application = lock(application)
    require_editable(application, actor)
    pledge = application.pool.policy.rules.pledge
    if version != pledge.version:
        raise ValidationError({"pledge": [_("The pledge text has changed; read it again and accept it.")]})
    application.pledge_version = version
    application.pledge_accepted_at = timezone.now()
    application.save(update_fields=["pledge_version", "pledge_accepted_at", "updated_at"])
    audit_log(
        actor=actor,
        action="application.pledge_accepted",
        target=application,
        pool=application.pool,
        clause=pledge.clause,
        data={"version": version},
    )
    return application


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    """Submit (or resubmit after correction). Goes to the nominating unit's preliminary
    review when there is one to give, else to qualification review. The eligibility
    decision at this moment is kept for the reviewers. Audit code: ``application.submitted``."""
    application = lock(application)
    require_editable(application, actor)
    errors = application_form_errors(application)
    if errors:
        raise ValidationError(errors)
    rules = application.pool.policy.rules
    needs_unit = application.mode == Mode.UNIT or rules.application.unit_opinion == "always"
    has_opinion = application.unit_opinions.filter(outcome="recommended").exists()
    to = Status.PRELIMINARY_REVIEW if needs_unit and not has_opinion else Status.QUALIFICATION_REVIEW
    if needs_unit and application.nominating_unit is None:
        # A self-nominated applicant's unit opinion comes from the employer named on the form.
        application.nominating_unit = organisation_get_or_create(
            name=str(application.form_data.get("employer_name", "")),
            uscc=str(application.form_data.get("employer_uscc", "")),
            nature=str(application.form_data.get("employer_nature", "")),
            actor=actor,
        )
    application.eligibility = application_eligibility(application)
    application.submitted_at = timezone.now()
    application.save(update_fields=["nominating_unit", "eligibility", "submitted_at", "updated_at"])
    move(
        application=application,
        to=to,
        actor=actor,
        action="application.submitted",
        clause=rules.application.clause,
        data={
            "eligibility": application.eligibility.get("outcome"),
            "id_number": mask_id_number(application.id_number),
        },
    )
    notify_applicant(application, event="submitted")
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """The applicant withdraws (UR 第十条（一）: joining is voluntary). Audit code: ``application.withdrawn``."""
    application = lock(application)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant may withdraw the application."))
    move(
        application=application,
        to=Status.WITHDRAWN,
        actor=actor,
        action="application.withdrawn",
        reason=reason,
        clause="",
    )
    notify_applicant(application, event="withdrawn", reason=reason)
    return application


@transaction.atomic
def application_admit(
    *, actor: User | None, application: Application, on_date: datetime.date | None = None
) -> Application:
    """Admit: register the expert (or reuse the one already in the registry for another
    pool) and open a membership with the policy's term. Audit code: ``application.admitted``."""
    application = lock(application)
    rules = application.pool.policy.rules
    # Where the policy has a public notice, nobody is admitted without passing through it.
    ready = Status.IN_NOTICE if rules.public_notice else Status.APPROVED
    if application.status != ready:
        raise ValidationError(
            _("Only an application that is “%(ready)s” can be admitted; this one is “%(status)s”.")
            % {"ready": ready.label, "status": Status(application.status).label},
            code="not_ready_for_admission",
        )
    record, errors = record_from_application(application)
    if record is None:
        raise ValidationError(errors)
    admitted_on = on_date or timezone.localdate()
    expert = Expert.objects.filter(id_number_digest=id_number_digest(record.id_number)).first()
    if expert is None:
        membership = expert_register(actor=actor, pool=application.pool, record=record, admitted_on=admitted_on)
        if membership.expert.user_id is None:
            membership.expert.user = application.applicant
            membership.expert.save(update_fields=["user"])
    else:
        membership = membership_create(
            actor=actor,
            pool=application.pool,
            expert=expert,
            categories=record.categories,
            industry_codes=record.industry_codes,
            admitted_on=admitted_on,
        )
    application.membership = membership
    application.decided_at = timezone.now()
    application.save(update_fields=["membership", "decided_at", "updated_at"])
    # The rule that admits: the term (UR 第九条), else admission after notice (GZ 四（四）).
    clause = rules.term.clause or (rules.public_notice.clause if rules.public_notice else None)
    move(
        application=application,
        to=Status.ADMITTED,
        actor=actor,
        action="application.admitted",
        clause=clause or rules.application.clause,
        data={"membership": membership.pk, "expert": membership.expert_id},
    )
    notify_applicant(application, event="admitted")
    return application
