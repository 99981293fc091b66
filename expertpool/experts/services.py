"""Writing the expert registry. The only writers of the experts app's models."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
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
    Achievement,
    Credential,
    Education,
    Expert,
    ExpertDistinction,
    Membership,
    WorkHistory,
    id_number_digest,
)
from expertpool.experts.records import ExpertRecord
from expertpool.industries.models import IndustryCode
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Category, Pool

if TYPE_CHECKING:
    from expertpool.accounts.models import User

FieldErrors = dict[str, list[str]]


def expert_record_errors(*, record: ExpertRecord, pool: Pool) -> FieldErrors:
    """Check one record against the registry's rules and the pool's policy.

    Returns ``{field: [message, ...]}``; empty when the record may be registered.
    """
    errors: FieldErrors = {}

    def check(field: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return None

    if not record.name.strip():
        errors["name"] = [_("The name is required.")]
    id_number = check("id_number", validate_id_number, record.id_number)
    if id_number:
        check(
            "id_number", validate_id_number_matches, id_number, birth_date=record.birth_date, gender=record.gender
        )
        if Expert.objects.filter(id_number_digest=id_number_digest(id_number)).exists():
            errors.setdefault("id_number", []).append(
                _("An expert with this resident ID number is already registered.")
            )
    check("mobile", validate_phone, record.mobile)
    if record.email:
        check("email", validate_email, record.email)
    for field, messages in category_errors(pool=pool, categories=record.categories,
                                           industry_codes=record.industry_codes).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def category_errors(*, pool: Pool, categories: tuple[str, ...], industry_codes: tuple[str, ...]) -> FieldErrors:
    """Categories must be the pool's own, within its limit; industry codes must exist
    and be given where a chosen category requires them."""
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
    missing_codes = sorted(set(industry_codes) - set(
        IndustryCode.objects.filter(code__in=industry_codes).values_list("code", flat=True)
    ))
    if missing_codes:
        errors["industry_codes"] = [
            _("Unknown GB/T 4754-2017 industry code: %(codes)s.") % {"codes": ", ".join(missing_codes)}
        ]
    for code in categories:
        category = known.get(code)
        if category is not None and category.requires_industry_codes and not industry_codes:
            errors.setdefault("industry_codes", []).append(
                _("The category %(category)s needs at least one industry code (%(clause)s).")
                % {"category": category.name, "clause": category.clause}
            )
    return errors


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


@transaction.atomic
def expert_register(
    *, actor: User | None, pool: Pool, record: ExpertRecord, admitted_on: datetime.date | None = None
) -> Membership:
    """Register an expert and make them an active member of ``pool``.

    Raises ``ValidationError`` (a dict of field errors) and changes nothing if
    any rule fails. Audit codes: ``expert.created``, ``membership.created``.
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
    expert = Expert(
        name=record.name.strip(),
        gender=record.gender,
        birth_date=record.birth_date,
        ethnicity=record.ethnicity,
        email=validate_email(record.email) if record.email else "",
        address=record.address,
        employer=employer,
        position=record.position,
        employment_status=record.employment_status,
        current_specialty=record.current_specialty,
        field_years=record.field_years,
    )
    expert.id_number = validate_id_number(record.id_number)
    expert.mobile = validate_phone(record.mobile)
    expert.save()
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


def _create_rows(expert: Expert, record: ExpertRecord) -> None:
    Education.objects.bulk_create(Education(expert=expert, **vars(row)) for row in record.education)
    WorkHistory.objects.bulk_create(WorkHistory(expert=expert, **vars(row)) for row in record.work_history)
    Credential.objects.bulk_create(Credential(expert=expert, **vars(row)) for row in record.credentials)
    ExpertDistinction.objects.bulk_create(ExpertDistinction(expert=expert, kind=kind) for kind in record.distinctions)
    Achievement.objects.bulk_create(Achievement(expert=expert, **vars(row)) for row in record.achievements)


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
    """Admit ``expert`` to ``pool`` with a term per the policy. Audit code: ``membership.created``."""
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
        term_ends_on=_term_end(admitted_on, term.years) if term.years else None,
    )
    membership.categories.set(Category.objects.filter(pool=pool, code__in=categories))
    membership.industry_codes.set(IndustryCode.objects.filter(code__in=industry_codes))
    audit_log(
        actor=actor,
        action="membership.created",
        target=membership,
        pool=pool,
        clause=term.clause or "",
        data={
            "expert": expert.pk,
            "categories": sorted(categories),
            "industry_codes": sorted(industry_codes),
            "admitted_on": admitted_on.isoformat(),
            "term_ends_on": membership.term_ends_on.isoformat() if membership.term_ends_on else None,
        },
    )
    return membership


def _term_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a term of ``years`` starting on ``start`` (29 Feb folds to 28 Feb)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = start.replace(year=start.year + years, day=28)
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
    in the audit log. Audit code: ``expert.contact_changed``."""
    before = expert_snapshot(expert)
    if mobile is not None:
        expert.mobile = validate_phone(mobile)
    if email is not None:
        expert.email = validate_email(email) if email else ""
    if address is not None:
        expert.address = address
    if position is not None:
        expert.position = position
    if employer_name is not None:
        expert.employer = (
            organisation_get_or_create(name=employer_name, uscc=employer_uscc, actor=actor) if employer_name else None
        )
    expert.save()
    diff = changes(before, expert_snapshot(expert))
    if diff:
        audit_log(actor=actor, action="expert.contact_changed", target=expert, data=diff)
    return expert
