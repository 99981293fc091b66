"""Invitations and reserves: every move of a panel seat after the reveal (docs/invitations.md).

Each service locks the seat, checks the move against ``TRANSITIONS``, writes an
``invitation.*`` audit record citing the policy's invitation clause (or its panel
clause), all in one transaction; mail and text messages go out after commit.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import has_any_role
from expertpool.activities.candidates import OVERLAPPING, Exclusion, reserve_recusal
from expertpool.activities.models import Activity, ActivityParty, DeclaredConflict
from expertpool.audit.services import audit_log
from expertpool.draws.bookings import bookings_overlapping, lock_experts
from expertpool.draws.invitation_links import answer_window, check_answerable
from expertpool.draws.invitation_notices import notify_invited, notify_panel_confirmed, notify_reserves_exhausted
from expertpool.draws.models import TRANSITIONS, DrawReveal, PanelSeat

if TYPE_CHECKING:
    import datetime

    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool

VIA = ("link", "account")
NOTE_MAX_LENGTH = 2000
RELATION_MAX_LENGTH = 100
# An activity whose panel is still being formed (staffed has every place accepted).
OPEN = (Activity.Status.DRAWN, Activity.Status.STAFFED)


def invitation_clause(pool: Pool) -> str:
    rules = pool.policy.rules
    return rules.invitations.clause or rules.panel.clause or ""


def _conflict_clause(pool: Pool) -> str:
    clauses = sorted({rule.clause for rule in pool.policy.rules.recusal if rule.kind == "declared_conflict"})
    return "; ".join(clauses)


def _require_admin(actor: User, pool: Pool) -> None:
    if not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may invite experts."))


def _locked(seat_id: int) -> PanelSeat:
    # Only the seat's row is locked; the joined rows are read for the messages.
    return (
        PanelSeat.objects.select_for_update(of=("self",))
        .select_related("activity__pool__policy", "expert", "reveal")
        .get(pk=seat_id)
    )


def _move(seat: PanelSeat, to: PanelSeat.Status) -> None:
    if to not in TRANSITIONS[seat.status]:
        names = {"status": PanelSeat.Status(seat.status).label, "to": to.label}
        raise ValidationError({"seat": [_("A seat in status “%(status)s” cannot become “%(to)s”.") % names]})
    seat.status = to


def _audit(actor: User | None, action: str, seat: PanelSeat, *, clause: str = "", **data: Any) -> None:
    """An ``invitation.*`` record citing ``clause``, or the policy's invitation clause."""
    pool = seat.activity.pool
    audit_log(
        actor=actor,
        action=action,
        target=seat,
        pool=pool,
        clause=clause or invitation_clause(pool),
        data={"activity": seat.activity_id, "expert": seat.expert_id, "role": seat.role, **data},
    )


def _invite(actor: User | None, seat: PanelSeat, now: datetime.datetime) -> None:
    """Invite a locked seat: the answer window starts, a fresh nonce kills older links."""
    _move(seat, PanelSeat.Status.INVITED)
    seat.invited_at = now
    seat.answer_due_at = now + answer_window(seat)
    seat.invitation_nonce = secrets.token_hex(16)
    seat.save(update_fields=["status", "invited_at", "answer_due_at", "invitation_nonce"])
    channels = notify_invited(seat)
    _audit(
        actor,
        "invitation.sent",
        seat,
        position=seat.position,
        category=seat.category,
        replaces=seat.replaces_id,
        answer_due_at=seat.answer_due_at.isoformat(),
        channels=channels,
    )


@transaction.atomic
def seat_invite(*, actor: User, seat: PanelSeat) -> PanelSeat:
    """Invite one drawn seat (drawn → invited) by e-mail and text message.

    Pool admins only (``PermissionDenied``); ``ValidationError`` unless the seat is
    drawn. Audit code: ``invitation.sent``.
    """
    locked = _locked(seat.pk)
    _require_admin(actor, locked.activity.pool)
    _invite(actor, locked, timezone.now())
    return locked


@transaction.atomic
def panel_invite(*, actor: User, reveal: DrawReveal) -> list[PanelSeat]:
    """Invite every panel seat of a fresh reveal; called by ``draw_reveal``.

    Pool admins only (``PermissionDenied``). Seats no longer drawn are left alone.
    Audit code: ``invitation.sent`` for each seat.
    """
    seats = list(
        PanelSeat.objects.select_for_update(of=("self",))
        .select_related("activity__pool__policy", "expert")
        .filter(reveal_id=reveal.pk, role=PanelSeat.Role.PANEL, status=PanelSeat.Status.DRAWN)
        .order_by("position")
    )
    if seats:
        _require_admin(actor, seats[0].activity.pool)
    now = timezone.now()
    for seat in seats:
        _invite(actor, seat, now)
    return seats


def _check_answerer(seat: PanelSeat, actor: User | None, via: str) -> None:
    """The link is the credential; in the account, only the expert's own user answers."""
    if via not in VIA:
        raise ValidationError({"via": [_("Answer through the link or the account.")]})
    if via == "account" and actor is None:
        raise PermissionDenied(_("Sign in to answer in your account."))
    if actor is not None and seat.expert.user_id != actor.pk:
        raise PermissionDenied(_("Only the invited expert may answer this invitation."))


def _answerable(seat: PanelSeat, actor: User | None, via: str) -> PanelSeat:
    locked = _locked(seat.pk)
    _check_answerer(locked, actor, via)
    check_answerable(locked)
    if locked.activity.status not in OPEN:
        raise ValidationError({"seat": [_("This activity is no longer open: the invitation cannot be answered.")]})
    return locked


@transaction.atomic
def invitation_accept(*, seat: PanelSeat, actor: User | None = None, via: str) -> PanelSeat:
    """The invited expert accepts (invited → accepted).

    ``via`` is ``"link"`` (the signed link, no sign-in: ``actor`` may be None) or
    ``"account"`` (``actor`` must be the expert's user; ``PermissionDenied``
    otherwise). ``ValidationError`` when the seat was answered already, its window
    has passed or it is no longer open. When every panel place is accepted the
    activity becomes staffed (``activity_mark_staffed``). Audit code: ``invitation.accepted``.
    """
    locked = _answerable(seat, actor, via)
    _move(locked, PanelSeat.Status.ACCEPTED)
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_at"])
    _audit(actor, "invitation.accepted", locked, via=via, position=locked.position, category=locked.category)
    activity = Activity.objects.select_for_update().select_related("pool__policy").get(pk=locked.activity_id)
    accepted = PanelSeat.objects.filter(activity_id=activity.pk, status=PanelSeat.Status.ACCEPTED).count()
    if accepted >= activity.panel_size and activity.status == Activity.Status.DRAWN:
        activity_mark_staffed(actor=actor, activity=activity)
    return locked


def _decline_errors(reason: str, note: str) -> dict[str, list[str]]:
    if reason not in PanelSeat.DeclineReason.values:
        return {"reason": [_("Choose a reason for declining from the list.")]}
    if reason == PanelSeat.DeclineReason.OTHER and not note:
        return {"note": [_("Details: say why you decline; they are required when the reason is “other”.")]}
    if len(note) > NOTE_MAX_LENGTH:
        return {"note": [_("Details: at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}]}
    return {}


@transaction.atomic
def invitation_decline(
    *, seat: PanelSeat, reason: str, note: str = "", actor: User | None = None, via: str
) -> PanelSeat:
    """The invited expert declines (invited → declined), with a reason from the list.

    Same answerers and refusals as ``invitation_accept``; ``ValidationError`` by
    field, changing nothing, for a reason not in ``PanelSeat.DeclineReason`` or
    "other" without the ``note``. A conflict of interest becomes a recusal record
    (``DeclaredConflict``) with each subject of the activity. The next reserve is
    then invited (``reserve_invite_next``). Audit codes: ``invitation.declined``,
    ``conflict.declared``, then those of the reserve step.
    """
    note = note.strip()
    errors = _decline_errors(reason, note)
    if errors:
        raise ValidationError(errors)
    locked = _answerable(seat, actor, via)
    _move(locked, PanelSeat.Status.DECLINED)
    locked.answered_at = timezone.now()
    locked.decline_reason = reason
    locked.decline_note = note
    locked.save(update_fields=["status", "answered_at", "decline_reason", "decline_note"])
    # The note may name a relative or a disease: the audit keeps only that there is one.
    _audit(actor, "invitation.declined", locked, via=via, reason=reason, has_note=bool(note))
    if reason == PanelSeat.DeclineReason.CONFLICT_OF_INTEREST:
        _record_conflict(actor, locked, note)
    _replace(locked)
    return locked


def _record_conflict(actor: User | None, seat: PanelSeat, note: str) -> None:
    """The declined activity's subjects become declared conflicts of the expert, so later
    draws recuse them; written here because the link answers without an account."""
    relation = note[:RELATION_MAX_LENGTH] or _("Declared a conflict of interest when invited to activity %(id)s") % {
        "id": seat.activity_id
    }
    subjects = ActivityParty.objects.filter(activity_id=seat.activity_id, role=ActivityParty.Role.SUBJECT)
    held = DeclaredConflict.objects.filter(
        expert_id=seat.expert_id, organisation_id__isnull=False, ended_on__isnull=True
    )
    pool = seat.activity.pool
    for organisation_id in subjects.exclude(organisation_id__in=held.values("organisation_id")).values_list(
        "organisation_id", flat=True
    ):
        conflict = DeclaredConflict.objects.create(
            expert_id=seat.expert_id, organisation_id=organisation_id, relation=relation
        )
        audit_log(
            actor=actor,
            action="conflict.declared",
            target=conflict,
            pool=pool,
            clause=_conflict_clause(pool),
            data={
                "expert": seat.expert_id,
                "organisation": organisation_id,
                "person_name": "",
                "relation": relation,
                "pools": [pool.pk],
                "source": "invitation_declined",
                "seat": seat.pk,
            },
        )


def _reserve_categories(reserve: PanelSeat) -> list[str]:
    """The categories the reveal says the reserve can fill (docs/draw.md §7)."""
    entries = reserve.reveal.result.get("reserves", [])
    if reserve.position > len(entries):
        return []
    return list(entries[reserve.position - 1].get("categories", []))


def _seat_category(seat: PanelSeat) -> str:
    if seat.category or seat.role != PanelSeat.Role.PANEL:
        return seat.category
    entries = seat.reveal.result.get("panel", [])
    if seat.position > len(entries):
        return ""
    return str(entries[seat.position - 1].get("category") or "")


def _release(reserve: PanelSeat, why: Exclusion) -> None:
    """A reserve who may no longer be invited leaves the order, citing the rule's clause, or the
    policy's invitation clause for a rule that has none (a booking, the membership)."""
    _move(reserve, PanelSeat.Status.RELEASED)
    clause = why.clause or invitation_clause(reserve.activity.pool)
    reserve.release_rule, reserve.release_clause, reserve.release_detail = why.rule, clause, why.detail
    reserve.save(update_fields=["status", "release_rule", "release_clause", "release_detail"])
    _audit(
        None,
        "invitation.reserve_released",
        reserve,
        clause=clause,
        position=reserve.position,
        reason=why.rule,
        detail=why.detail,
    )


def _unavailable(reserve: PanelSeat, activity: Activity) -> Exclusion | None:
    """Why a drawn reserve may not be invited now: booked meanwhile, or a rule of the report."""
    lock_experts([reserve.expert_id])  # as draw_reveal does, so no reveal books them meanwhile
    booking = bookings_overlapping(activity, [reserve.expert_id], except_seat=reserve.pk).get(reserve.expert_id)
    if booking is not None:
        detail = _("holds a seat on activity %(activity)s at an overlapping time") % {"activity": booking}
        return Exclusion(reserve.expert_id, OVERLAPPING, "", detail)
    return reserve_recusal(activity=activity, expert_id=reserve.expert_id)


def _next_reserve(seat: PanelSeat, category: str) -> PanelSeat | None:
    """The first drawn reserve of the activity's reveal chain, in order, that can fill
    ``category`` and is free; a booked one is released on the way."""
    activity = seat.activity
    waiting = PanelSeat.objects.filter(
        activity_id=activity.pk, role=PanelSeat.Role.RESERVE, status=PanelSeat.Status.DRAWN
    ).order_by("reveal_id", "position")
    for reserve_id in list(waiting.values_list("pk", flat=True)):
        reserve = _locked(reserve_id)
        if reserve.status != PanelSeat.Status.DRAWN:
            continue
        if category and category not in _reserve_categories(reserve):
            continue
        unavailable = _unavailable(reserve, activity)
        if unavailable is not None:
            _release(reserve, unavailable)
            continue
        return reserve
    return None


def _replace(seat: PanelSeat) -> PanelSeat | None:
    """Invite the next reserve for a declined or unanswered seat (locked), or report
    that the reserves ran out. The system acts here, by the policy: no actor."""
    if seat.activity.status not in OPEN:
        return None
    category = _seat_category(seat)
    reserve = _next_reserve(seat, category)
    if reserve is None:
        activity = seat.activity
        open_places = (
            activity.panel_size
            - PanelSeat.objects.filter(
                activity_id=activity.pk, status__in=[PanelSeat.Status.INVITED, PanelSeat.Status.ACCEPTED]
            ).count()
        )
        _audit(None, "invitation.reserves_exhausted", seat, category=category, open_seats=open_places)
        notify_reserves_exhausted(activity, open_places)
        return None
    _move(seat, PanelSeat.Status.REPLACED)
    seat.save(update_fields=["status"])
    reserve.category = category
    reserve.replaces = seat
    reserve.save(update_fields=["category", "replaces"])
    _audit(None, "invitation.replaced", seat, by_seat=reserve.pk, by_expert=reserve.expert_id, category=category)
    _invite(None, reserve, timezone.now())
    return reserve


@transaction.atomic
def reserve_invite_next(*, actor: User | None, seat: PanelSeat) -> PanelSeat | None:
    """Invite the next reserve in place of a declined or unanswered seat.

    ``actor`` is None when the system acts (decline, expiry) or a pool admin
    (``PermissionDenied`` otherwise). Walks the drawn reserves of the activity in
    draw order; one that cannot fill the seat's category is passed over; one booked
    meanwhile for an overlapping activity, or whom a rule of the candidate report now
    excludes (``reserve_recusal``: membership no longer active, a conflict declared,
    the service cap reached...), is released with that rule and clause, kept on the
    seat. The reserve takes the seat's category and ``replaces`` it; the seat becomes
    replaced. Returns the invited reserve, or None when none is left: then the pool
    admins are mailed that a supplementary draw is needed. Audit codes: ``invitation.replaced``,
    ``invitation.sent``, ``invitation.reserve_released``, ``invitation.reserves_exhausted``.
    """
    locked = _locked(seat.pk)
    if actor is not None:
        _require_admin(actor, locked.activity.pool)
    if locked.status not in {PanelSeat.Status.DECLINED, PanelSeat.Status.NO_ANSWER}:
        raise ValidationError({"seat": [_("Only a declined or unanswered seat is replaced by a reserve.")]})
    return _replace(locked)


def invitations_expire(*, now: datetime.datetime | None = None) -> list[int]:
    """Every invitation past its answer window: invited → no answer, then the next
    reserve is invited. One transaction per seat, so one failure stops no other.
    Returns the expired seats' ids. Audit code: ``invitation.no_answer``."""
    now = now or timezone.now()
    due = PanelSeat.objects.filter(status=PanelSeat.Status.INVITED, answer_due_at__lte=now).order_by("answer_due_at")
    expired = []
    for seat_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            seat = _locked(seat_id)
            if seat.status != PanelSeat.Status.INVITED or seat.answer_due_at is None or seat.answer_due_at > now:
                continue
            _move(seat, PanelSeat.Status.NO_ANSWER)
            seat.save(update_fields=["status"])
            _audit(None, "invitation.no_answer", seat, answer_due_at=seat.answer_due_at.isoformat())
            _replace(seat)
        expired.append(seat_id)
    return expired


def activity_mark_staffed(*, actor: User | None, activity: Activity) -> Activity:
    """Every panel place is accepted: the activity's panel is confirmed (drawn → staffed),
    and the client unit's users are mailed. Called inside the accepting transaction,
    with the activity locked. Audit code: ``activity.staffed``."""
    if activity.status != Activity.Status.DRAWN:
        raise ValidationError({"activity": [_("Only an activity with its experts drawn can be staffed.")]})
    activity.status = Activity.Status.STAFFED
    activity.save(update_fields=["status"])
    audit_log(
        actor=actor,
        action="activity.staffed",
        target=activity,
        pool=activity.pool,
        clause=invitation_clause(activity.pool),
        data={"panel_size": activity.panel_size},
    )
    notify_panel_confirmed(activity)
    return activity
