"""Writing the expert registry. The only writers of the experts app's models."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.audit.services import audit_log, changes
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.core.validators import (
    validate_email,
    validate_id_number,
    validate_id_number_matches,
    validate_phone,
)
from expertpool.experts.models import (
    DISTINCTION_CHOICES,
    Achievement,
    Credential,
    CredentialKind,
    Education,
    Expert,
    ExpertDistinction,
    Membership,
    WorkHistory,
    id_number_digest,
)
from expertpool.experts.records import ExpertRecord, WorkRow
from expertpool.industries.models import IndustryCode
from expertpool.organisations.models import Organisation, normalise_name
from expertpool.organisations.services import organisation_errors, organisation_get_or_create
from expertpool.pools.models import Category, Pool

if TYPE_CHECKING:
    from expertpool.accounts.models import User

FieldErrors = dict[str, list[str]]

# Checked by the registry's own rules below, or not part of the form data.
_NOT_CLEANED = ["id_number_stored", "id_number_digest", "mobile_stored", "email", "employer", "user", "photo"]


def _duplicate_id_number_message() -> str:
    return _("An expert with this resident ID number is already registered.")


def expert_record_errors(*, record: ExpertRecord, pool: Pool, known_expert_ok: bool = False) -> FieldErrors:
    """Check one record against the registry's rules and the pool's policy.

    Returns ``{field: [message, ...]}`` keyed by the record's field names; empty
    when the record may be registered. ``known_expert_ok`` accepts an ID number
    already registered: an expert of one pool may apply to another.
    """
    errors: FieldErrors = {}

    def add(more: FieldErrors) -> None:
        for field, messages in more.items():
            errors.setdefault(field, []).extend(messages)

    if not record.name.strip():
        add({"name": [_("The name is required.")]})
    add(_id_number_errors(record, known_expert_ok=known_expert_ok))
    add(_checked("mobile", validate_phone, record.mobile))
    if record.email:
        add(_checked("email", validate_email, record.email))
    add(_clean_fields(_expert_from_record(record, employer=None), exclude=_not_cleaned(record)))
    if record.employer_name or record.employer_uscc:
        add(organisation_errors(name=record.employer_name, uscc=record.employer_uscc, nature=record.employer_nature))
    add(_row_errors(record))
    add(category_errors(pool=pool, categories=record.categories, industry_codes=record.industry_codes))
    return errors


def _not_cleaned(record: ExpertRecord) -> list[str]:
    # A blank name is reported once, by the message above.
    return [*_NOT_CLEANED, "name"] if not record.name.strip() else _NOT_CLEANED


def _checked(field: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> FieldErrors:
    try:
        func(*args, **kwargs)
    except ValidationError as exc:
        return {field: exc.messages}
    return {}


def _id_number_errors(record: ExpertRecord, *, known_expert_ok: bool) -> FieldErrors:
    try:
        id_number = validate_id_number(record.id_number)
    except ValidationError as exc:
        return {"id_number": exc.messages}
    errors = _checked(
        "id_number", validate_id_number_matches, id_number, birth_date=record.birth_date, gender=record.gender
    )
    if not known_expert_ok and Expert.objects.filter(id_number_digest=id_number_digest(id_number)).exists():
        errors.setdefault("id_number", []).append(_duplicate_id_number_message())
    return errors


def _clean_fields(instance: models.Model, *, exclude: list[str]) -> FieldErrors:
    """The model's own field rules (lengths, choices, required), without saving."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


def _row_errors(record: ExpertRecord) -> FieldErrors:
    """Rows of education, work, credentials and achievements, each by its number."""
    errors: FieldErrors = {}
    groups: list[tuple[str, Sequence[models.Model]]] = [
        ("education", [Education(**vars(row)) for row in record.education]),
        ("work_history", [WorkHistory(**vars(row)) for row in record.work_history]),
        ("credentials", [Credential(**vars(row)) for row in record.credentials]),
        ("achievements", [Achievement(**vars(row)) for row in record.achievements]),
    ]
    for field, rows in groups:
        for number, row in enumerate(rows, start=1):
            for row_field, messages in _row_rule_errors(row).items():
                label = _field_label(row, row_field)
                errors.setdefault(field, []).extend(
                    _("Entry %(number)d, %(field)s: %(message)s")
                    % {"number": number, "field": label, "message": message}
                    for message in messages
                )
    known = {value for value, _label in DISTINCTION_CHOICES}
    unknown = [kind for kind in record.distinctions if kind not in known]
    if unknown:
        errors["distinctions"] = [_("Unknown distinction: %(kinds)s.") % {"kinds": ", ".join(unknown)}]
    elif len(set(record.distinctions)) != len(record.distinctions):
        errors["distinctions"] = [_("A distinction is listed twice.")]
    return errors


def _field_label(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def _row_rule_errors(row: models.Model) -> FieldErrors:
    errors = _clean_fields(row, exclude=["expert"])
    if isinstance(row, Credential) and row.kind == CredentialKind.TITLE and not row.level:
        errors.setdefault("level", []).append(_("A professional title needs its level."))
    start, end = getattr(row, "start_month", None), getattr(row, "end_month", None)
    if start is not None and end is not None and end < start:
        errors.setdefault("end_month", []).append(_("The end is before the start."))
    return errors


def category_errors(*, pool: Pool, categories: tuple[str, ...], industry_codes: tuple[str, ...]) -> FieldErrors:
    """Categories must be the pool's own, within its limit; industry codes must exist,
    be given where a chosen category requires them, and only there."""
    errors: FieldErrors = {}
    rules = pool.policy.rules
    known = {c.code: c for c in rules.categories.items}
    unknown = [code for code in categories if code not in known]
    if unknown:
        errors["categories"] = [_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if not categories:
        errors["categories"] = [_("Choose at least one category.")]
    limit = rules.categories.max_per_expert
    if limit is not None and len(set(categories)) > limit:
        errors.setdefault("categories", []).append(
            _("At most %(limit)d categories may be chosen (%(clause)s).")
            % {"limit": limit, "clause": rules.categories.clause}
        )
    errors.update(_industry_code_errors([known[code] for code in categories if code in known], industry_codes))
    return errors


def _industry_code_errors(chosen: list[Any], industry_codes: tuple[str, ...]) -> FieldErrors:
    messages: list[str] = []
    missing_codes = sorted(
        set(industry_codes) - set(IndustryCode.objects.filter(code__in=industry_codes).values_list("code", flat=True))
    )
    if missing_codes:
        messages.append(_("Unknown GB/T 4754-2017 industry code: %(codes)s.") % {"codes": ", ".join(missing_codes)})
    needing = [category for category in chosen if category.requires_industry_codes]
    if industry_codes and not needing:
        messages.append(_("Industry codes are given only with a category that asks for them."))
    if not industry_codes:
        messages.extend(
            _("The category %(category)s needs at least one industry code (%(clause)s).")
            % {"category": category.name, "clause": category.clause}
            for category in needing
        )
    return {"industry_codes": messages} if messages else {}


def expert_snapshot(expert: Expert) -> dict[str, Any]:
    """What the audit log keeps of an expert: personal numbers masked, never in full."""
    return {
        "name": expert.name,
        "gender": expert.gender,
        "birth_date": expert.birth_date.isoformat(),
        "ethnicity": expert.ethnicity,
        "id_number": mask_id_number(expert.id_number),
        "mobile": mask_phone(expert.mobile),
        "email": expert.email,
        "address": expert.address,
        "employer": expert.employer.name if expert.employer else "",
        "position": expert.position,
        "employment_status": expert.employment_status,
        "current_specialty": expert.current_specialty,
        "field_years": expert.field_years,
    }


def _expert_from_record(record: ExpertRecord, *, employer: Organisation | None) -> Expert:
    return Expert(
        name=record.name.strip(),
        gender=record.gender,
        birth_date=record.birth_date,
        ethnicity=record.ethnicity,
        address=record.address,
        employer=employer,
        position=record.position,
        employment_status=record.employment_status,
        current_specialty=record.current_specialty,
        field_years=record.field_years,
    )


@transaction.atomic
def expert_register(
    *, actor: User | None, pool: Pool, record: ExpertRecord, admitted_on: datetime.date | None = None
) -> Membership:
    """Register an expert and make them an active member of ``pool``.

    Raises ``ValidationError`` (a dict of field errors, see ``expert_record_errors``)
    and changes nothing if any rule fails, including a resident ID number already
    registered. Audit codes: ``expert.created`` (ID number and mobile masked),
    ``organisation.created`` for a new employer, ``membership.created``.
    """
    errors = expert_record_errors(record=record, pool=pool)
    if errors:
        raise ValidationError(errors)
    employer = (
        organisation_get_or_create(
            name=record.employer_name, uscc=record.employer_uscc, nature=record.employer_nature, actor=actor
        )
        if record.employer_name
        else None
    )
    expert = _expert_from_record(record, employer=employer)
    expert.email = validate_email(record.email) if record.email else ""
    expert.id_number = validate_id_number(record.id_number)
    expert.mobile = validate_phone(record.mobile)
    _save_new_expert(expert)
    _create_rows(expert, record)
    audit_log(actor=actor, action="expert.created", target=expert, pool=pool, data=expert_snapshot(expert))
    return membership_create(
        actor=actor,
        pool=pool,
        expert=expert,
        categories=record.categories,
        industry_codes=record.industry_codes,
        admitted_on=admitted_on,
    )


def _save_new_expert(expert: Expert) -> None:
    """Save; a registration of the same person that won a race ends as the usual message."""
    try:
        with transaction.atomic():
            expert.save()
    except IntegrityError as exc:
        if Expert.objects.filter(id_number_digest=expert.id_number_digest).exists():
            raise ValidationError({"id_number": [_duplicate_id_number_message()]}) from exc
        raise


def _create_rows(expert: Expert, record: ExpertRecord) -> None:
    Education.objects.bulk_create(Education(expert=expert, **vars(row)) for row in record.education)
    WorkHistory.objects.bulk_create(_work_history(expert, row) for row in record.work_history)
    Credential.objects.bulk_create(Credential(expert=expert, **vars(row)) for row in record.credentials)
    ExpertDistinction.objects.bulk_create(ExpertDistinction(expert=expert, kind=kind) for kind in record.distinctions)
    Achievement.objects.bulk_create(Achievement(expert=expert, **vars(row)) for row in record.achievements)


def _work_history(expert: Expert, row: WorkRow) -> WorkHistory:
    # The recusal filter matches past employers on the stored normalised name.
    return WorkHistory(expert=expert, employer_normalised=normalise_name(row.employer_name), **vars(row))


@transaction.atomic
def membership_create(
    *,
    actor: User | None,
    pool: Pool,
    expert: Expert,
    categories: tuple[str, ...],
    industry_codes: tuple[str, ...] = (),
    admitted_on: datetime.date | None = None,
) -> Membership:
    """Admit ``expert`` to ``pool`` with a term per the policy (none where it sets none).

    Raises ``ValidationError`` for bad categories or an existing membership.
    Audit code: ``membership.created``, citing the policy's term clause.
    """
    errors = category_errors(pool=pool, categories=categories, industry_codes=industry_codes)
    if errors:
        raise ValidationError(errors)
    if Membership.objects.filter(pool=pool, expert=expert).exists():
        raise ValidationError({"expert": [_("This expert is already a member of the pool.")]})
    admitted_on = admitted_on or timezone.localdate()
    term = pool.policy.rules.term
    membership = Membership.objects.create(
        pool=pool,
        expert=expert,
        admitted_on=admitted_on,
        term_ends_on=term_end(admitted_on, term.years) if term.years else None,
    )
    membership.categories.set(Category.objects.filter(pool=pool, code__in=categories, is_active=True))
    membership.industry_codes.set(IndustryCode.objects.filter(code__in=industry_codes))
    audit_log(
        actor=actor,
        action="membership.created",
        target=membership,
        pool=pool,
        clause=term.clause or "",
        data={
            "expert": expert.pk,
            "categories": sorted(set(categories)),
            "industry_codes": sorted(set(industry_codes)),
            "admitted_on": admitted_on.isoformat(),
            "term_ends_on": membership.term_ends_on.isoformat() if membership.term_ends_on else None,
        },
    )
    return membership


def term_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a term of ``years`` starting on ``start``: the day before the
    anniversary. A term from 29 February ends on 28 February, like one from 1 March."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = datetime.date(start.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


@transaction.atomic
def expert_update_contact(
    *,
    actor: User | None,
    expert: Expert,
    mobile: str | None = None,
    email: str | None = None,
    address: str | None = None,
    employer_name: str | None = None,
    employer_uscc: str = "",
    position: str | None = None,
) -> Expert:
    """Record a change of employer or contact data (GZ 三（七）), keeping the history
    in the audit log as before/after (numbers masked). ``None`` leaves a field as it
    is; an empty employer name clears the employer. Raises ``ValidationError`` with
    every bad field and changes nothing then. Audit code: ``expert.contact_changed``.
    """
    errors = _contact_errors(
        mobile=mobile,
        email=email,
        address=address,
        position=position,
        employer_name=employer_name,
        employer_uscc=employer_uscc,
    )
    if errors:
        raise ValidationError(errors)
    before = expert_snapshot(expert)
    if mobile is not None:
        expert.mobile = validate_phone(mobile)
    if email is not None:
        expert.email = validate_email(email) if email else ""
    if address is not None:
        expert.address = address.strip()
    if position is not None:
        expert.position = position.strip()
    if employer_name is not None:
        expert.employer = (
            organisation_get_or_create(name=employer_name, uscc=employer_uscc, actor=actor) if employer_name else None
        )
    expert.save()
    diff = changes(before, expert_snapshot(expert))
    if diff:
        audit_log(actor=actor, action="expert.contact_changed", target=expert, data=diff)
    return expert


def _contact_errors(
    *,
    mobile: str | None,
    email: str | None,
    address: str | None,
    position: str | None,
    employer_name: str | None,
    employer_uscc: str,
) -> FieldErrors:
    errors: FieldErrors = {}
    if mobile is not None:
        errors.update(_checked("mobile", validate_phone, mobile))
    if email:
        errors.update(_checked("email", validate_email, email))
    for field, value in (("address", address), ("position", position)):
        model_field = Expert._meta.get_field(field)
        limit = model_field.max_length if isinstance(model_field, models.Field) else None
        if value is not None and limit is not None and len(value.strip()) > limit:
            errors[field] = [_("At most %(max)d characters.") % {"max": limit}]
    if employer_name:
        errors.update(organisation_errors(name=employer_name, uscc=employer_uscc))
    return errors
