"""Committing and revealing draws; the only writers of the draws app's models (docs/draw.md)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import has_any_role, roles_in_pool
from expertpool.activities.candidates import CANDIDATE_WEIGHT, CandidateReport, candidate_report
from expertpool.activities.models import Activity
from expertpool.activities.services import activity_mark_drawn, activity_panel_size_ok
from expertpool.audit.services import audit_log
from expertpool.core.memory import without_cycle_collection
from expertpool.core.workdays import WorkdayCalendarError, working_days_between
from expertpool.draws import algorithm
from expertpool.draws.bookings import bookings_overlapping, lock_experts
from expertpool.draws.invitations import panel_invite
from expertpool.draws.models import FILLING, REDRAW, TRANSITIONS, Draw, DrawLabelTable, DrawReveal, PanelSeat

if TYPE_CHECKING:
    from expertpool.accounts.models import User
    from expertpool.pools.models import Pool

# The usual sources (docs/draw.md §4): 双色球 red and blue balls, then the supervisor's six digits.
DEFAULT_GROUPS = (
    algorithm.RandomnessGroup("双色球红球", "public", 6, 1, 33, distinct=True, ordered=False),
    algorithm.RandomnessGroup("双色球蓝球", "public", 1, 1, 16, distinct=True, ordered=False),
    algorithm.RandomnessGroup("监督人输入", "supervisor", 1, 0, 999999, distinct=False, ordered=True),
)
DRAWABLE = (Activity.Status.REQUESTED, Activity.Status.DRAWN)
# The record needs a clause for every exclusion; an overlapping booking has none (docs/draw.md §3).
NO_CLAUSE = "(no clause)"


def _require_admin(actor: User, pool: Pool) -> None:
    if not has_any_role(actor, pool, {Role.POOL_ADMIN}):
        raise PermissionDenied(_("Only the pool's admins may run a draw."))


def _check_chain(activity: Activity, previous: Draw | None, reason: str, kind: str) -> None:
    latest = Draw.objects.filter(activity_id=activity.pk).order_by("-pk").first()
    if previous is None and latest is not None:
        raise ValidationError(
            {"previous": [_("This activity has a draw already: a re-draw is chained to the latest one.")]}
        )
    if previous is not None and (latest is None or previous.pk != latest.pk):
        raise ValidationError({"previous": [_("A re-draw is chained to the activity's latest draw.")]})
    if previous is not None and not reason:
        raise ValidationError({"reason": [_("A re-draw needs its reason.")]})
    if previous is None and reason:
        raise ValidationError({"reason": [_("A reason is given only for a re-draw.")]})
    if kind == Draw.Kind.SUPPLEMENTARY:
        _check_supplementary(activity, previous)


def _check_supplementary(activity: Activity, previous: Draw | None) -> None:
    """A supplementary draw follows a revealed draw whose reserves ran out with seats still open."""
    if previous is None or not DrawReveal.objects.filter(draw_id=previous.pk).exists():
        raise ValidationError({"previous": [_("A supplementary draw follows a revealed draw.")]})
    if open_seats(activity) == 0:
        raise ValidationError({"activity": [_("Every seat of the panel is filled: no supplementary draw is needed.")]})
    if reserves_left(activity):
        raise ValidationError(
            {"activity": [_("Reserves are left: they are invited first, before any supplementary draw.")]}
        )


def _check_draw_window(activity: Activity, now: datetime.datetime) -> None:
    """No draw earlier than the policy's working days before the activity, so names cannot leak."""
    days = activity.pool.policy.rules.panel.draw_at_most_working_days_before
    if days is None:
        return
    start = timezone.localdate(activity.starts_at)
    try:
        earliest = earliest_draw_day(start, days)
    except WorkdayCalendarError as error:
        raise ValidationError({"activity": [str(error)]}) from error
    if timezone.localdate(now) < earliest:
        raise ValidationError(
            {
                "activity": [
                    _(
                        "Experts are drawn at most %(days)s working days before the activity (%(clause)s): "
                        "draw on or after %(date)s."
                    )
                    % {"days": days, "clause": _panel_clause(activity), "date": earliest.isoformat()}
                ]
            }
        )


def earliest_draw_day(start: datetime.date, days: int) -> datetime.date:
    """The first day from which at most ``days`` working days remain up to ``start`` (start included)."""
    day = start
    while working_days_between(day - datetime.timedelta(days=1), start) <= days:
        day -= datetime.timedelta(days=1)
    return day


def _panel_clause(activity: Activity) -> str:
    return activity.pool.policy.rules.panel.clause or ""


def open_seats(activity: Activity) -> int:
    """Seats of the panel not taken by an invited or accepted expert (or a drawn panel seat)."""
    return max(0, activity.panel_size - PanelSeat.objects.filter(FILLING, activity_id=activity.pk).count())


def reserves_left(activity: Activity) -> bool:
    """Whether a drawn reserve is still waiting to be invited."""
    return PanelSeat.objects.filter(
        activity_id=activity.pk, role=PanelSeat.Role.RESERVE, status=PanelSeat.Status.DRAWN
    ).exists()


def _check_supervisor(pool: Pool, supervisor: User | None) -> None:
    if supervisor is not None and Role.SUPERVISOR not in roles_in_pool(supervisor, pool):
        raise ValidationError({"supervisor": [_("The supervisor must hold the supervisor role in the pool.")]})


def _shortfall_error(report: CandidateReport) -> ValidationError:
    counts = "; ".join(f"{name}: {count}" for name, count in report.counts)
    messages = report.shortfall.messages if report.shortfall is not None else ()
    return ValidationError({"candidates": [*messages, _("Counts at each filter: %(counts)s.") % {"counts": counts}]})


def pseudonyms(count: int) -> list[str]:
    """``count`` fresh random labels, 16 hex digits each, all different (docs/draw.md §3).

    Random rather than derived from anything: a label says nothing about who is behind
    it, and only the draw's sealed label table maps it back.
    """
    while True:
        digits = secrets.token_hex(8 * count)
        labels = [digits[start : start + 16] for start in range(0, len(digits), 16)]
        if len(set(labels)) == count:  # a repeat is all but impossible, but would merge two people
            return labels


def _frozen(
    report: CandidateReport,
) -> tuple[list[algorithm.Candidate], dict[str, int], dict[int, str]]:
    """The report's candidates under labels and employer pseudonyms, label → expert, and expert → label
    for the excluded experts."""
    employers = {row.employer_key for row in report.candidates if row.employer_key is not None}
    labels = pseudonyms(len(report.candidates) + len(report.exclusions) + len(employers))
    employer_labels = {key: "E" + labels.pop() for key in employers}
    excluded = {exclusion.expert_id: labels.pop() for exclusion in report.exclusions}
    candidates = [
        algorithm.Candidate(
            label,
            CANDIDATE_WEIGHT,
            row.categories,
            None if row.employer_key is None else employer_labels[row.employer_key],
        )
        for label, row in zip(labels, report.candidates, strict=True)
    ]
    experts = dict(zip(labels, (row.expert_id for row in report.candidates), strict=True))
    return candidates, experts, excluded


@without_cycle_collection
@transaction.atomic
def draw_commit(
    *,
    actor: User,
    activity: Activity,
    randomness_source: str,
    groups: Sequence[algorithm.RandomnessGroup] = DEFAULT_GROUPS,
    supervisor: User | None = None,
    previous: Draw | None = None,
    reason: str = "",
    supplementary: bool = False,
) -> Draw:
    """Freeze the candidates, exclusions, panel rule and named randomness of a draw (docs/draw.md §3).

    Pool admins only (``PermissionDenied``). Raises ``ValidationError`` by field,
    storing nothing, when the panel size is outside the rule and not approved,
    the activity is not open for a draw, it is earlier than the policy's draw
    window allows, the chain is broken (a second draw must name the latest as
    ``previous``, with a reason), the supervisor holds no supervisor role in the
    pool, the source is not named, or too few candidates remain (the message gives
    the counts at each filter). A re-draw of a revealed draw releases the seats
    that reveal made. A ``supplementary`` draw follows a revealed draw whose
    reserves ran out and draws only the open seats. Labels and employer pseudonyms
    are fresh random values in every draw. Audit code: ``draw.committed``.
    """
    pool = activity.pool
    _require_admin(actor, pool)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in DRAWABLE:
        raise ValidationError({"activity": [_("Experts are drawn only for an activity not yet staffed.")]})
    locked.pool = pool
    if not activity_panel_size_ok(locked):
        raise ValidationError({"panel_size": [_("The panel size is outside the rule and not approved yet.")]})
    now = timezone.now()
    _check_draw_window(locked, now)
    reason = reason.strip()
    kind = _kind(previous, supplementary)
    if kind == Draw.Kind.SUPPLEMENTARY and not reason:
        reason = _("Supplementary draw: the reserves ran out with seats still open.")
    _check_chain(locked, previous, reason, kind)
    _check_supervisor(pool, supervisor)
    if not randomness_source.strip():
        raise ValidationError({"randomness_source": [_("Name the source of the randomness.")]})
    if kind == Draw.Kind.REDRAW and previous is not None:
        _release_seats(actor=actor, draw=previous, reason=reason)
    report = candidate_report(activity=locked)
    if report.shortfall is not None:
        raise _shortfall_error(report)
    candidates, experts, excluded = _frozen(report)
    secret = algorithm.new_server_secret()
    rules = pool.policy.rules
    needs = [(need.code, need.count) for need in report.open_needs]
    _check_needs(report.seats_to_fill, needs)
    try:
        commitment = algorithm.commit(
            pool=pool.slug,
            activity=f"A-{locked.pk}",
            committed_at=timezone.localtime(now).isoformat(timespec="seconds"),
            candidates=candidates,
            exclusions=[
                algorithm.Exclusion(excluded[e.expert_id], e.rule, e.clause or NO_CLAUSE) for e in report.exclusions
            ],
            panel=_panel_rule(locked, report.seats_to_fill, needs),
            randomness=algorithm.RandomnessInputs(randomness_source.strip(), tuple(groups)),
            server_commitment=algorithm.server_commitment_of(secret),
            previous=None if previous is None else algorithm.Previous(previous.commitment_hash, reason),
        )
    except algorithm.DrawInputError as error:
        problem = _("The draw's inputs break a rule of docs/draw.md: %(problem)s") % {"problem": str(error)}
        raise ValidationError({error.field: [problem]}) from error
    draw = Draw.objects.create(
        kind=kind,
        pool=pool,
        activity=locked,
        previous=previous,
        reason=reason,
        commitment_text=commitment.canonical,
        commitment_summary=commitment.summary(),
        commitment_hash=commitment.hash,
        committed_at=now,
        committed_by=actor,
        supervisor=supervisor,
        server_secret=secret,
        filter_counts=[[name, count] for name, count in report.counts],
    )
    columns = algorithm.candidate_columns(commitment.candidates)
    columns["experts"] = [experts[label] for label in columns["labels"]]
    DrawLabelTable.objects.create(
        draw=draw, candidates=columns, excluded={label: expert_id for expert_id, label in excluded.items()}
    )
    audit_log(
        actor=actor,
        action="draw.committed",
        target=draw,
        pool=pool,
        clause=rules.panel.clause or "",
        data={
            "activity": locked.pk,
            "commitment_hash": commitment.hash,
            "candidates": len(candidates),
            "exclusions": len(report.exclusions),
            "randomness_source": commitment.randomness.source,
            "supervisor": supervisor.get_username() if supervisor is not None else None,
            "previous": previous.pk if previous is not None else None,
            "kind": kind,
            "seats": report.seats_to_fill,
            "reason": reason,
        },
    )
    return draw


def _kind(previous: Draw | None, supplementary: bool) -> Draw.Kind:
    if supplementary:
        return Draw.Kind.SUPPLEMENTARY
    return Draw.Kind.INITIAL if previous is None else Draw.Kind.REDRAW


def _release_seats(*, actor: User, draw: Draw, reason: str) -> None:
    """A re-draw replaces the earlier result: the seats its reveal made stop booking anyone."""
    seats = list(
        PanelSeat.objects.select_for_update()
        .filter(reveal__draw_id=draw.pk)
        .exclude(status__in=[s for s, moves in TRANSITIONS.items() if PanelSeat.Status.RELEASED not in moves])
        .order_by("pk")
    )
    clause = _panel_clause(draw.activity)
    for seat in seats:
        before = seat.status
        seat.status = PanelSeat.Status.RELEASED
        seat.release_rule, seat.release_clause, seat.release_detail = REDRAW, clause, reason
        seat.save(update_fields=["status", "release_rule", "release_clause", "release_detail"])
        audit_log(
            actor=actor,
            action="panel.seat_released",
            target=seat,
            pool=draw.pool,
            clause=clause,
            data={"activity": draw.activity_id, "draw": draw.pk, "from": before, "reason": reason},
        )


def _check_needs(seats: int, needs: list[tuple[str, int]]) -> None:
    """Category counts must fill the panel: the walk has no rule for seats left to any category."""
    total = sum(count for _code, count in needs)
    if needs and total != seats:
        raise ValidationError(
            {
                "category_needs": [
                    _("The category counts add up to %(total)s, not to the panel size %(size)s (docs/draw.md §3).")
                    % {"total": total, "size": seats}
                ]
            }
        )


def _panel_rule(activity: Activity, seats: int, needs: list[tuple[str, int]]) -> algorithm.PanelRule:
    rules = activity.pool.policy.rules
    counts = tuple(algorithm.CategoryCount(code, count) for code, count in needs)
    return algorithm.PanelRule(
        size=seats,
        reserves=rules.panel.reserves,
        category_counts=counts,
        one_per_employer=any(rule.kind == "one_per_employer" for rule in rules.recusal),
    )


def _values(
    groups: Sequence[algorithm.RandomnessGroup],
    public_numbers: Sequence[Sequence[int]],
    supervisor_inputs: Sequence[Sequence[int]],
) -> list[list[int]]:
    """The numbers in the groups' order: public groups from ``public_numbers``, the others from the supervisor's."""
    given = {"public": list(public_numbers), "supervisor": list(supervisor_inputs)}
    wanted = {kind: sum(g.kind == kind for g in groups) for kind in given}
    for kind, field in (("public", "public_numbers"), ("supervisor", "supervisor_inputs")):
        if len(given[kind]) != wanted[kind]:
            raise ValidationError(
                {
                    field: [
                        _("%(wanted)s groups of numbers are declared, %(given)s given.")
                        % {"wanted": wanted[kind], "given": len(given[kind])}
                    ]
                }
            )
    return [[int(n) for n in given[group.kind].pop(0)] for group in groups]


@without_cycle_collection
@transaction.atomic
def draw_reveal(
    *,
    actor: User,
    draw: Draw,
    public_numbers: Sequence[Sequence[int]],
    supervisor_inputs: Sequence[Sequence[int]],
) -> DrawReveal:
    """Enter the revealed randomness, compute the seed and the result (docs/draw.md §5–§7).

    Pool admins only (``PermissionDenied``). Raises ``ValidationError`` when the
    draw is revealed already or superseded by a re-draw, or the numbers do not fit
    the declared groups. A drawn result sets the activity to drawn; the result
    keeps the algorithm's warnings (low entropy, reserves short) or its shortfall.
    Creates one ``PanelSeat`` per panel member and reserve, in the result's order.
    Refuses the reveal, storing nothing, when a panel member was booked for an
    overlapping activity after the commit: the admin then commits a re-draw chained
    to this draw. Audit code: ``draw.revealed``.
    """
    _require_admin(actor, draw.pool)
    # The full text is not needed here: the summary and the sealed columns are (docs/performance.md).
    locked = Draw.objects.select_for_update().defer("commitment_text").get(pk=draw.pk)
    if DrawReveal.objects.filter(draw_id=locked.pk).exists():
        raise ValidationError({"draw": [_("This draw has been revealed already.")]})
    if Draw.objects.filter(previous_id=locked.pk).exists():
        raise ValidationError({"draw": [_("This draw was superseded by a re-draw.")]})
    table = DrawLabelTable.objects.get(draw_id=locked.pk)
    commitment = algorithm.commitment_from_stored(locked.commitment_summary, table.candidates, locked.commitment_hash)
    values = _values(commitment.randomness.groups, public_numbers, supervisor_inputs)
    try:
        result = algorithm.draw(commitment, values, locked.server_secret)
    except algorithm.DrawInputError as error:
        raise ValidationError(
            {"randomness": [_("The numbers do not fit the declared sources: %(problem)s") % {"problem": str(error)}]}
        ) from error
    activity = Activity.objects.get(pk=locked.activity_id)
    experts = _seat_experts(table, result)
    lock_experts(list(experts.values()))
    _check_not_booked(activity, [experts[seat.label] for seat in result.panel])
    reveal = DrawReveal.objects.create(
        draw=locked,
        randomness={
            "public": [list(v) for v in public_numbers],
            "supervisor": [list(v) for v in supervisor_inputs],
            "values": values,
        },
        seed=result.seed.hex(),
        result=result.result_document(),
        revealed_at=timezone.now(),
        revealed_by=actor,
    )
    if result.status == "drawn":
        _create_seats(reveal, activity, result, experts)
        panel_invite(actor=actor, reveal=reveal)
        if activity.status == Activity.Status.REQUESTED:
            activity_mark_drawn(actor=actor, activity=Activity.objects.select_for_update().get(pk=locked.activity_id))
    audit_log(
        actor=actor,
        action="draw.revealed",
        target=locked,
        pool=draw.pool,
        clause=draw.pool.policy.rules.panel.clause or "",
        data={
            "commitment_hash": locked.commitment_hash,
            "seed": reveal.seed,
            "status": result.status,
            "panel": [seat.label for seat in result.panel],
            "reserves": [reserve.label for reserve in result.reserves],
            "warnings": [warning.code for warning in result.warnings],
        },
    )
    return reveal


def _seat_experts(table: DrawLabelTable, result: algorithm.DrawResult) -> dict[str, int]:
    """Label → expert id for the panel and the reserves, from the draw's sealed table."""
    experts = table.experts_by_label()
    drawn = [seat.label for seat in result.panel] + [reserve.label for reserve in result.reserves]
    return {label: experts[label] for label in drawn}


def _check_not_booked(activity: Activity, expert_ids: list[int]) -> None:
    """Refuse when a panel member holds a blocking seat overlapping the activity (locks held)."""
    count = len(bookings_overlapping(activity, expert_ids))
    if count:
        raise ValidationError(
            {
                "draw": [
                    _(
                        "%(count)s of the drawn panel members were booked for an overlapping activity after this "
                        "draw was committed: nothing was revealed. Commit a re-draw chained to this draw."
                    )
                    % {"count": count}
                ]
            }
        )


def _create_seats(
    reveal: DrawReveal, activity: Activity, result: algorithm.DrawResult, experts: dict[str, int]
) -> None:
    seats = [(PanelSeat.Role.PANEL, seat.label, seat.category or "") for seat in result.panel]
    seats += [(PanelSeat.Role.RESERVE, reserve.label, "") for reserve in result.reserves]
    positions = {PanelSeat.Role.PANEL: 0, PanelSeat.Role.RESERVE: 0}
    rows = []
    for role, label, category in seats:
        positions[role] += 1
        rows.append(
            PanelSeat(
                reveal=reveal,
                activity=activity,
                expert_id=experts[label],
                role=role,
                position=positions[role],
                category=category,
                booked_from=activity.starts_at,
                booked_until=activity.ends_at,
            )
        )
    PanelSeat.objects.bulk_create(rows)
