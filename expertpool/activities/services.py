"""Requesting activities and declaring conflicts; the only writers of the activities app's models."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import client_unit_for, has_any_role, roles_by_pool
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed, DeclaredConflict
from expertpool.audit.services import audit_log
from expertpool.core.validators import validate_uscc
from expertpool.experts.models import Expert, Membership
from expertpool.organisations.models import Organisation
from expertpool.organisations.services import NAME_MAX_LENGTH, organisation_get_or_create
from expertpool.pools.models import Category, Pool

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.pools.policy import Panel

FieldErrors = dict[str, list[str]]
# An organisation as the client unit gives it: (name, unified social credit code or "").
PartyInput = tuple[str, str]
# (category code, number of experts).
NeedInput = tuple[str, int]

_NOT_CLEANED = ["pool", "client_unit", "requested_by", "panel_size_approved_by", "panel_size_approved_at", "status"]


def panel_rule_met(panel: Panel, size: int) -> bool:
    """Whether ``size`` keeps the policy's panel rule (at least ``min_size``, odd if required)."""
    return size >= panel.min_size and not (panel.odd and size % 2 == 0)


def activity_panel_size_ok(activity: Activity) -> bool:
    """Whether experts may be drawn for the panel size: within the rule, or approved."""
    panel = activity.pool.policy.rules.panel
    return panel_rule_met(panel, activity.panel_size) or activity.panel_size_approved_at is not None


def _client_unit(actor: User, pool: Pool) -> Organisation:
    unit = client_unit_for(actor, pool)
    if unit is None:
        raise PermissionDenied(_("Only a client unit of the pool may request an activity."))
    return unit


def _party_errors(field: str, parties: Sequence[PartyInput]) -> FieldErrors:
    messages: list[str] = []
    for number, (name, uscc) in enumerate(parties, start=1):
        if not name.strip():
            messages.append(_("Entry %(number)d: the name is required.") % {"number": number})
        elif len(name.strip()) > NAME_MAX_LENGTH:
            messages.append(
                _("Entry %(number)d: the name has at most %(max)d characters.")
                % {"number": number, "max": NAME_MAX_LENGTH}
            )
        if uscc.strip():
            try:
                validate_uscc(uscc)
            except ValidationError as exc:
                messages.extend(
                    _("Entry %(number)d: %(message)s") % {"number": number, "message": message}
                    for message in exc.messages
                )
    return {field: messages} if messages else {}


def _need_errors(pool: Pool, needs: Sequence[NeedInput], panel_size: int) -> FieldErrors:
    messages: list[str] = []
    codes = [code for code, _count in needs]
    active = set(Category.objects.filter(pool=pool, code__in=codes, is_active=True).values_list("code", flat=True))
    unknown = sorted({code for code in codes if code not in active})
    if unknown:
        messages.append(_("Unknown or inactive category: %(codes)s.") % {"codes": ", ".join(unknown)})
    if len(set(codes)) != len(codes):
        messages.append(_("A category is listed twice."))
    if any(count < 1 for _code, count in needs):
        messages.append(_("Each category needs at least one expert."))
    total = sum(count for _code, count in needs)
    if total > panel_size:
        messages.append(
            _("The categories need %(total)d experts, more than the panel size of %(size)d.")
            % {"total": total, "size": panel_size}
        )
    return {"category_needs": messages} if messages else {}


def _panel_errors(panel: Panel, size: int, reason: str) -> FieldErrors:
    rule = _("at least %(min)d experts") % {"min": panel.min_size}
    if panel.odd:
        rule = _("an odd number, at least %(min)d experts") % {"min": panel.min_size}
    where = {"rule": rule, "clause": panel.clause or _("the pool's policy")}
    if size < 1:
        return {"panel_size": [_("The panel needs at least one expert.")]}
    if panel_rule_met(panel, size):
        if reason.strip():
            return {"panel_size_reason": [_("A reason is given only for a panel size outside the rule.")]}
        return {}
    if not panel.exception_needs_reason:
        return {"panel_size": [_("The panel size must be %(rule)s (%(clause)s).") % where]}
    if not reason.strip():
        return {
            "panel_size_reason": [
                _("A panel size other than %(rule)s needs a reason (%(clause)s).") % where,
            ]
        }
    return {}


def _activity_errors(
    activity: Activity,
    *,
    subjects: Sequence[PartyInput],
    consultants: Sequence[PartyInput],
    category_needs: Sequence[NeedInput],
) -> FieldErrors:
    errors: FieldErrors = {}

    def add(more: FieldErrors) -> None:
        for field, messages in more.items():
            errors.setdefault(field, []).extend(messages)

    rules = activity.pool.policy.rules
    try:
        activity.clean_fields(exclude=_NOT_CLEANED)
    except ValidationError as exc:
        add(dict(exc.message_dict))
    kinds = [kind.code for kind in rules.activity_kinds]
    if activity.kind and activity.kind not in kinds:
        add({"kind": [_("Unknown kind of activity: %(kind)s.") % {"kind": activity.kind}]})
    if activity.ends_at <= activity.starts_at:
        add({"ends_at": [_("The activity must end after it starts.")]})
    if not subjects:
        add({"subjects": [_("Name at least one subject organisation.")]})
    add(_party_errors("subjects", subjects))
    add(_party_errors("consultants", consultants))
    add(_need_errors(activity.pool, category_needs, activity.panel_size))
    add(_panel_errors(rules.panel, activity.panel_size, activity.panel_size_reason))
    return errors


@transaction.atomic
def activity_create(
    *,
    actor: User,
    pool: Pool,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    panel_size: int,
    subjects: Sequence[PartyInput],
    consultants: Sequence[PartyInput] = (),
    category_needs: Sequence[NeedInput] = (),
    panel_size_reason: str = "",
    notes: str = "",
) -> Activity:
    """A client unit requests experts for an activity (UR 第十二条; GZ 三（四）).

    The actor must hold the client-unit role in ``pool`` with its organisation,
    which becomes the client unit (``PermissionDenied`` otherwise). Raises
    ``ValidationError`` by field, changing nothing, for an unknown kind, an end not
    after the start, no subject, a bad name or USCC, an unknown, inactive or
    repeated category, needs beyond the panel size, or a panel size outside the
    policy's rule without a reason. Such a size waits for a pool admin's approval.
    Audit code: ``activity.requested``, citing the panel rule's clause; new
    organisations are audited by ``organisation_get_or_create``.
    """
    client_unit = _client_unit(actor, pool)
    activity = Activity(
        pool=pool,
        client_unit=client_unit,
        requested_by=actor,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        notes=notes.strip(),
        panel_size=panel_size,
        panel_size_reason=panel_size_reason.strip(),
    )
    errors = _activity_errors(activity, subjects=subjects, consultants=consultants, category_needs=category_needs)
    if errors:
        raise ValidationError(errors)
    activity.save()
    parties = _create_parties(actor, activity, ActivityParty.Role.SUBJECT, subjects)
    parties += _create_parties(actor, activity, ActivityParty.Role.CONSULTANT, consultants)
    categories = {c.code: c for c in Category.objects.filter(pool=pool, code__in=[code for code, _n in category_needs])}
    CategoryNeed.objects.bulk_create(
        CategoryNeed(activity=activity, category=categories[code], count=count, position=position)
        for position, (code, count) in enumerate(category_needs)
    )
    panel = pool.policy.rules.panel
    audit_log(
        actor=actor,
        action="activity.requested",
        target=activity,
        pool=pool,
        clause=panel.clause or "",
        data={
            "client_unit": client_unit.pk,
            "kind": activity.kind,
            "title": activity.title,
            "starts_at": activity.starts_at.isoformat(),
            "ends_at": activity.ends_at.isoformat(),
            "place": activity.place,
            "panel_size": activity.panel_size,
            "panel_rule_met": panel_rule_met(panel, activity.panel_size),
            "panel_size_reason": activity.panel_size_reason,
            "parties": parties,
            "category_needs": [[code, count] for code, count in category_needs],
        },
    )
    return activity


def _create_parties(actor: User, activity: Activity, role: str, parties: Sequence[PartyInput]) -> list[dict[str, Any]]:
    """Each party once per role, however often it was listed (a name and its code may
    both name the same unit)."""
    recorded: list[dict[str, Any]] = []
    seen: set[int] = set()
    for name, uscc in parties:
        organisation = organisation_get_or_create(name=name, uscc=uscc, actor=actor)
        if organisation.pk in seen:
            continue
        seen.add(organisation.pk)
        ActivityParty.objects.create(activity=activity, role=role, organisation=organisation)
        recorded.append({"role": role, "organisation": organisation.pk, "name": organisation.name})
    return recorded


@transaction.atomic
def activity_approve_panel_size(*, actor: User, activity: Activity) -> Activity:
    """A pool admin approves a panel size outside the policy's rule.

    Raises ``PermissionDenied`` unless the actor administers the activity's pool,
    and ``ValidationError`` when no reason was recorded (the size needs no
    approval) or it is approved already. Audit code: ``activity.panel_size_approved``.
    """
    pool = activity.pool
    if not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may approve a panel size."))
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if not locked.panel_size_reason:
        raise ValidationError({"panel_size": [_("This panel size keeps the rule and needs no approval.")]})
    if locked.panel_size_approved_at is not None:
        raise ValidationError({"panel_size": [_("This panel size is approved already.")]})
    locked.panel_size_approved_by = actor
    locked.panel_size_approved_at = timezone.now()
    locked.save(update_fields=["panel_size_approved_by", "panel_size_approved_at"])
    audit_log(
        actor=actor,
        action="activity.panel_size_approved",
        target=locked,
        pool=pool,
        clause=pool.policy.rules.panel.clause or "",
        data={"panel_size": locked.panel_size, "panel_size_reason": locked.panel_size_reason},
    )
    activity.panel_size_approved_by = locked.panel_size_approved_by
    activity.panel_size_approved_at = locked.panel_size_approved_at
    return activity


def activity_mark_drawn(*, actor: User, activity: Activity) -> Activity:
    """A revealed draw filled the panel: the activity has its experts drawn. Called by
    the draw service inside its transaction. Audit code: ``activity.drawn``."""
    if activity.status not in {Activity.Status.REQUESTED, Activity.Status.DRAWN}:
        raise ValidationError(_("Experts can no longer be drawn for this activity."), code="activity_closed")
    if activity.status != Activity.Status.DRAWN:
        activity.status = Activity.Status.DRAWN
        activity.save(update_fields=["status"])
        audit_log(actor=actor, action="activity.drawn", target=activity, pool=activity.pool)
    return activity


def _expert_pools(expert: Expert) -> list[Pool]:
    memberships = Membership.objects.filter(expert=expert).select_related("pool__policy").order_by("pool_id")
    return [membership.pool for membership in memberships]


def _check_conflict_actor(actor: User, expert: Expert, pools: list[Pool]) -> None:
    """The expert themself, or an admin of a pool the expert belongs to."""
    if expert.user_id is not None and expert.user_id == actor.pk:
        return
    if actor.is_superuser:
        return
    held = roles_by_pool(actor)
    if any(Role.POOL_ADMIN in held.get(pool.pk, set()) for pool in pools):
        return
    raise PermissionDenied(_("Only the expert or an admin of the expert's pool may record a conflict."))


def _conflict_clause(pools: list[Pool]) -> str:
    """The ``declared_conflict`` recusal clauses of the expert's pools' policies."""
    clauses = {rule.clause for pool in pools for rule in pool.policy.rules.recusal if rule.kind == "declared_conflict"}
    return "; ".join(sorted(clauses))


def _conflict_errors(*, relation: str, organisation_name: str, organisation_uscc: str, person_name: str) -> FieldErrors:
    errors: FieldErrors = {}
    field_limits = {
        "relation": (relation, DeclaredConflict._meta.get_field("relation")),
        "person_name": (person_name, DeclaredConflict._meta.get_field("person_name")),
    }
    for name, (value, model_field) in field_limits.items():
        limit = getattr(model_field, "max_length", None)
        if limit is not None and len(value) > limit:
            errors[name] = [_("At most %(max)d characters.") % {"max": limit}]
    if not relation:
        errors["relation"] = [_("Say what the relation is.")]
    if organisation_uscc and not organisation_name:
        errors["organisation_name"] = [_("Give the organisation's name with its code.")]
    elif not organisation_name and not person_name:
        errors["organisation_name"] = [_("Name the organisation or the person the conflict is with.")]
    if organisation_name:
        errors.update(_party_errors("organisation_name", [(organisation_name, "")]))
    if organisation_uscc:
        try:
            validate_uscc(organisation_uscc)
        except ValidationError as exc:
            errors["organisation_uscc"] = exc.messages
    return errors


@transaction.atomic
def conflict_declare(
    *,
    actor: User,
    expert: Expert,
    relation: str,
    organisation_name: str = "",
    organisation_uscc: str = "",
    person_name: str = "",
) -> DeclaredConflict:
    """Record a conflict of interest with an organisation and/or a person
    (UR 第十一条（三）; GZ 三（四）). Later draws exclude the expert for it.

    The actor is the expert themself or an admin of a pool the expert belongs to
    (``PermissionDenied`` otherwise). Raises ``ValidationError`` by field when
    neither organisation nor person is named, the relation is missing, or a name
    or code is bad. Audit code: ``conflict.declared``, citing the pools'
    ``declared_conflict`` recusal clause where their policies have one.
    """
    pools = _expert_pools(expert)
    _check_conflict_actor(actor, expert, pools)
    relation, organisation_name, person_name = relation.strip(), organisation_name.strip(), person_name.strip()
    organisation_uscc = organisation_uscc.strip()
    errors = _conflict_errors(
        relation=relation,
        organisation_name=organisation_name,
        organisation_uscc=organisation_uscc,
        person_name=person_name,
    )
    if errors:
        raise ValidationError(errors)
    organisation = (
        organisation_get_or_create(name=organisation_name, uscc=organisation_uscc, actor=actor)
        if organisation_name
        else None
    )
    conflict = DeclaredConflict.objects.create(
        expert=expert, organisation=organisation, person_name=person_name, relation=relation
    )
    audit_log(
        actor=actor,
        action="conflict.declared",
        target=conflict,
        clause=_conflict_clause(pools),
        data={
            "expert": expert.pk,
            "organisation": organisation.pk if organisation else None,
            "person_name": person_name,
            "relation": relation,
            "pools": [pool.pk for pool in pools],
        },
    )
    return conflict


@transaction.atomic
def conflict_end(*, actor: User, conflict: DeclaredConflict, ended_on: datetime.date) -> DeclaredConflict:
    """Record that a declared conflict no longer holds from ``ended_on``; it is kept,
    never deleted, so past draws stay explicable.

    Same actors as ``conflict_declare``. Raises ``ValidationError`` when it has
    ended already or ``ended_on`` is before it was declared. Audit code: ``conflict.ended``.
    """
    locked = DeclaredConflict.objects.select_for_update().select_related("expert").get(pk=conflict.pk)
    pools = _expert_pools(locked.expert)
    _check_conflict_actor(actor, locked.expert, pools)
    if locked.ended_on is not None:
        raise ValidationError({"ended_on": [_("This conflict has ended already.")]})
    declared_on = timezone.localdate(locked.declared_at)
    if ended_on < declared_on:
        raise ValidationError(
            {"ended_on": [_("The end is before the declaration (%(date)s).") % {"date": declared_on.isoformat()}]}
        )
    locked.ended_on = ended_on
    locked.save(update_fields=["ended_on"])
    audit_log(
        actor=actor,
        action="conflict.ended",
        target=locked,
        clause=_conflict_clause(pools),
        data={"expert": locked.expert_id, "ended_on": ended_on.isoformat()},
    )
    conflict.ended_on = ended_on
    return conflict
