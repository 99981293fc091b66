"""Who may be drawn for an activity: the candidates, the exclusions and the counts.

Pure reads, set-based: the whole report takes a fixed number of queries whatever
the pool's size (one per kind of data, fetched with ``values_list``), and the
recusal rules run in Python over dicts. See docs/activities.md, "Who may be drawn".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from expertpool.accounts.models import STAFF_ROLES, PoolRole, Role
from expertpool.activities.models import Activity, ActivityParty, CategoryNeed, DeclaredConflict
from expertpool.core.memory import without_cycle_collection
from expertpool.draws.models import BLOCKING, FILLING, SERVED, PanelSeat
from expertpool.experts.models import EmploymentStatus, Expert, Membership, MembershipStatus, WorkHistory
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool
from expertpool.pools.policy import RecusalRule, ServiceCap

EMPLOYER_RULES = {"employer_is_subject": "subject", "employer_is_consultant": "consultant"}
SERVED_RECENTLY = "served_subject_recently"
# Not policy rules (no clause): an expert cannot sit on two panels at once, and is
# asked at most once for one activity (a supplementary draw skips who declined).
OVERLAPPING = "overlapping_booking"
ALREADY_ASKED = "already_asked"
SERVICE_CAP = "service_cap"
ONE_PER_EMPLOYER = "one_per_employer"
# A drawn reserve whose membership stopped being active, or no longer holds a needed category.
NOT_A_CANDIDATE = "not_an_active_member"
# Every candidate weighs the same until preference weights exist (docs/draw.md §6).
CANDIDATE_WEIGHT = 1


@dataclass(frozen=True)
class Exclusion:
    expert_id: int
    rule: str
    clause: str
    detail: str


@dataclass(frozen=True)
class ReviewNote:
    """Something a person must check, e.g. a conflict with a person, which no data can match."""

    expert_id: int
    rule: str
    clause: str
    detail: str


@dataclass(frozen=True)
class NotChecked:
    rule: str
    clause: str
    detail: str


class CandidateRow(NamedTuple):
    """A candidate of the report; a named tuple, as a large pool makes tens of thousands."""

    expert_id: int
    categories: tuple[str, ...]  # the needed categories held, in the need order
    # The employer's organisation id; None for retirees and the unemployed (docs/draw.md §3).
    employer_key: int | None


@dataclass(frozen=True)
class NeedShortfall:
    category: str
    needed: int
    available: int

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.available)


@dataclass(frozen=True)
class Shortfall:
    needed: int
    available: int
    categories: tuple[NeedShortfall, ...]
    messages: tuple[str, ...]

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.available)


@dataclass(frozen=True)
class OpenNeed:
    """A category still to fill, and how many of it."""

    code: str
    count: int


@dataclass(frozen=True)
class CandidateReport:
    # The seats a draw must fill now: the panel size, less the seats already filled
    # (invited or accepted) after an earlier draw; and the category counts among them.
    seats_to_fill: int
    open_needs: tuple[OpenNeed, ...]
    counts: tuple[tuple[str, int], ...]
    exclusions: tuple[Exclusion, ...]
    needs_review: tuple[ReviewNote, ...]
    not_yet_checked: tuple[NotChecked, ...]
    candidates: tuple[CandidateRow, ...]
    shortfall: Shortfall | None  # None: enough remain; otherwise the draw draws nothing


@dataclass(frozen=True)
class _Need:
    category_id: int
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class _Members:
    """The pool's active members in the needed categories, as plain dicts keyed by expert id:
    a large pool has tens of thousands, so there is no object per member."""

    categories: dict[int, list[int]]  # the needed category ids held
    employers: dict[int, int | None]  # the employer's organisation id
    retired: set[int]

    def employer_key(self, expert_id: int) -> int | None:
        return None if expert_id in self.retired else self.employers[expert_id]


@dataclass(frozen=True)
class _Party:
    role: str
    uscc: str | None
    normalised: str
    name: str


class _Parties:
    """Match an organisation to a party: by USCC where both have one, else by normalised name."""

    def __init__(self, parties: Iterable[_Party]) -> None:
        self.by_uscc: dict[str, _Party] = {}
        self.by_name: dict[str, _Party] = {}
        self.uncoded_by_name: dict[str, _Party] = {}
        for party in parties:
            self.by_name.setdefault(party.normalised, party)
            if party.uscc:
                self.by_uscc.setdefault(party.uscc, party)
            else:
                self.uncoded_by_name.setdefault(party.normalised, party)

    def match(self, uscc: str | None, normalised: str | None) -> _Party | None:
        if uscc:
            found = self.by_uscc.get(uscc)
            return found or (self.uncoded_by_name.get(normalised) if normalised else None)
        return self.by_name.get(normalised) if normalised else None

    def __bool__(self) -> bool:
        return bool(self.by_name)


@dataclass(frozen=True)
class _Filled:
    """A seat of this activity that is taken: invited, or accepted."""

    expert_id: int
    category: str
    employer_key: int | None


@dataclass(frozen=True)
class _Context:
    pool: Pool
    activity: Activity
    on_date: datetime.date
    needs: list[_Need]
    members: _Members  # every active member in a needed category, or the few asked about
    parties: list[_Party]
    # (id, USCC, normalised name) of every organisation sharing a code or name with a party.
    organisations: list[tuple[int, str | None, str]]
    filled: list[_Filled]


@without_cycle_collection  # tens of thousands of acyclic rows in a large pool (core.memory)
def candidate_report(*, activity: Activity, on_date: datetime.date | None = None) -> CandidateReport:
    """Who may be drawn for ``activity`` on ``on_date`` (today by default), and why others may not.

    Starts from the pool's active members in the needed categories, drops who was
    asked for this activity already and who is booked elsewhere at the time, then
    applies one filter per recusal rule of the policy, in the policy's order, and
    the policy's service cap; an expert is excluded once, by the first rule that
    applies. When seats are filled already (a supplementary draw), the report is
    for the open seats only. Writes nothing.
    """
    context = _context(activity, on_date)
    needs = context.needs
    remaining = set(context.members.categories)
    counts: list[tuple[str, int]] = [(_("active members in the needed categories"), len(remaining))]
    exclusions: list[Exclusion] = []
    notes: list[ReviewNote] = []

    def run(excluded: list[Exclusion], label: str) -> None:
        exclusions.extend(excluded)
        remaining.difference_update(e.expert_id for e in excluded)
        counts.append((label, len(remaining)))

    if context.filled:
        run(_asked_filter(context, remaining), _("after %(rule)s") % {"rule": ALREADY_ASKED})
    run(_overlap_filter(context, remaining), _("after %(rule)s") % {"rule": OVERLAPPING})
    for label, apply in _policy_filters(context, notes):
        run(apply(remaining), label)
    open_needs = _open_needs(needs, context.filled)
    seats = activity.panel_size - len(context.filled)
    candidates = _candidates(context.members, needs, remaining)
    return CandidateReport(
        seats_to_fill=seats,
        open_needs=open_needs,
        counts=tuple(counts),
        exclusions=tuple(exclusions),
        needs_review=tuple(n for n in notes if n.expert_id in remaining),
        not_yet_checked=(),
        candidates=candidates,
        shortfall=_shortfall(seats, needs, open_needs, candidates),
    )


def reserve_recusal(*, activity: Activity, expert_id: int, on_date: datetime.date | None = None) -> Exclusion | None:
    """Why a drawn reserve may no longer be invited for ``activity``, or None if they may.

    Days can pass between the draw and a reserve's turn: the membership may be
    suspended or ended, a conflict declared, the service cap reached, or a colleague
    seated meanwhile. The first of the report's policy rules that now excludes the
    expert, in the policy's order, after the membership itself. Bookings are not
    checked here: the invitation checks them with the expert's row locked.
    """
    context = _context(activity, on_date, experts=[expert_id])
    if expert_id not in context.members.categories:
        detail = _("is no longer an active member of the pool holding a needed category")
        return Exclusion(expert_id, NOT_A_CANDIDATE, "", detail)
    for _label, apply in _policy_filters(context, notes=[]):
        excluded = apply({expert_id})
        if excluded:
            return excluded[0]
    return None


Filter = Callable[[set[int]], list[Exclusion]]


def _policy_filters(context: _Context, notes: list[ReviewNote]) -> Iterator[tuple[str, Filter]]:
    """The policy's recusal rules, in its order, then its service cap: each with the label
    of the count after it. One per employer is a panel constraint of the draw walk, and a
    filter only when seats are taken already (a supplementary draw, a reserve's turn)."""
    rules = context.pool.policy.rules
    for rule in rules.recusal:
        if rule.kind != ONE_PER_EMPLOYER:
            yield _after(rule.kind, rule.clause), partial(_apply, rule, context, notes=notes)
        elif context.filled:
            yield _after(rule.kind, rule.clause), partial(_seated_employer_filter, rule, context)
    if rules.service_cap is not None:
        yield _after(SERVICE_CAP, rules.service_cap.clause), partial(_service_cap_filter, rules.service_cap, context)


def _context(activity: Activity, on_date: datetime.date | None, experts: list[int] | None = None) -> _Context:
    pool = Pool.objects.select_related("policy").get(pk=activity.pool_id)
    needs = _needs(activity)
    parties = _parties(activity)
    return _Context(
        pool=pool,
        activity=activity,
        on_date=on_date or timezone.localdate(),
        needs=needs,
        members=_members(pool.pk, needs, experts),
        parties=parties,
        organisations=_namesakes(parties),
        filled=_filled(activity),
    )


def _after(rule: str, clause: str) -> str:
    return _("after %(rule)s (%(clause)s)") % {"rule": rule, "clause": clause}


# --- fetching (one query each) ------------------------------------------------------


def _needs(activity: Activity) -> list[_Need]:
    rows = (
        CategoryNeed.objects.filter(activity_id=activity.pk)
        .order_by("position", "pk")
        .values_list("category_id", "category__code", "category__name", "count")
    )
    return [_Need(category_id=c, code=code, name=name, count=count) for c, code, name, count in rows]


def _members(pool_id: int, needs: list[_Need], experts: list[int] | None = None) -> _Members:
    """One row per (member, needed category held), or per member when any category will do;
    of every active member, or of ``experts`` only.

    The employer's id, not its code or name: the organisations table stays out of the
    largest query of a draw, and the employer rules match the few units that are parties.
    """
    members = _Members(categories={}, employers={}, retired=set())
    rows: Iterable[tuple[int, int | None, int | None, str]]
    if needs:
        holding = Membership.categories.through.objects.filter(
            membership__pool_id=pool_id,
            membership__status=MembershipStatus.ACTIVE,
            category_id__in=[need.category_id for need in needs],
        )
        if experts is not None:
            holding = holding.filter(membership__expert_id__in=experts)
        rows = holding.values_list(
            "membership__expert_id",
            "category_id",
            "membership__expert__employer_id",
            "membership__expert__employment_status",
        )
    else:
        active = Membership.objects.filter(pool_id=pool_id, status=MembershipStatus.ACTIVE)
        if experts is not None:
            active = active.filter(expert_id__in=experts)
        fields = active.values_list("expert_id", "expert__employer_id", "expert__employment_status")
        rows = ((expert_id, None, employer_id, status) for expert_id, employer_id, status in fields)
    categories, employers = members.categories, members.employers
    for expert_id, category_id, employer_id, status in rows:
        held = categories.get(expert_id)
        if held is None:
            held = categories[expert_id] = []
            employers[expert_id] = employer_id
            if status == EmploymentStatus.RETIRED:
                members.retired.add(expert_id)
        if category_id is not None:
            held.append(category_id)
    return members


def _filled(activity: Activity) -> list[_Filled]:
    """The activity's taken seats, with the seated experts' employer keys."""
    rows = PanelSeat.objects.filter(FILLING, activity_id=activity.pk).values_list(
        "expert_id", "category", "expert__employer_id", "expert__employment_status"
    )
    return [
        _Filled(expert_id, category, None if status == EmploymentStatus.RETIRED else employer_id)
        for expert_id, category, employer_id, status in rows
    ]


def _open_needs(needs: list[_Need], filled: list[_Filled]) -> tuple[OpenNeed, ...]:
    taken: defaultdict[str, int] = defaultdict(int)
    for seat in filled:
        taken[seat.category] += 1
    return tuple(OpenNeed(n.code, n.count - taken[n.code]) for n in needs if n.count > taken[n.code])


def _parties(activity: Activity) -> list[_Party]:
    rows = ActivityParty.objects.filter(activity_id=activity.pk).values_list(
        "role", "organisation__uscc", "organisation__normalised_name", "organisation__name"
    )
    return [_Party(role=role, uscc=uscc, normalised=normalised, name=name) for role, uscc, normalised, name in rows]


def _namesakes(parties: list[_Party]) -> list[tuple[int, str | None, str]]:
    """The organisations sharing a USCC or a normalised name with a party: the few an employer
    or a declared conflict can match (``_party_organisations`` decides which do)."""
    if not parties:
        return []
    usccs = [party.uscc for party in parties if party.uscc]
    names = [party.normalised for party in parties]
    rows = Organisation.objects.filter(Q(uscc__in=usccs) | Q(normalised_name__in=names))
    return list(rows.values_list("pk", "uscc", "normalised_name"))


# --- filters ------------------------------------------------------------------------


def _apply(rule: RecusalRule, context: _Context, remaining: set[int], *, notes: list[ReviewNote]) -> list[Exclusion]:
    if rule.kind in EMPLOYER_RULES:
        return _employer_filter(rule, context, remaining)
    if rule.kind == "declared_conflict":
        return _conflict_filter(rule, context, remaining, notes)
    if rule.kind == SERVED_RECENTLY:
        return _served_filter(rule, context, remaining)
    return _staff_filter(rule, context, remaining)


def _employer_filter(rule: RecusalRule, context: _Context, remaining: set[int]) -> list[Exclusion]:
    role = EMPLOYER_RULES[rule.kind]
    parties = _Parties(p for p in context.parties if p.role == role)
    if not parties:
        return []
    role_label = str(ActivityParty.Role(role).label)
    matched = _party_organisations(parties, context)
    found: dict[int, str] = {}
    # The few experts employed by a party, by the employer index, not a pass over every member.
    employed = Expert.objects.filter(employer_id__in=list(matched)).values_list("pk", "employer_id")
    for expert_id, employer_id in employed:
        if expert_id in remaining:
            found[expert_id] = _("current employer %(organisation)s is the activity's %(role)s") % {
                "organisation": matched[employer_id].name,
                "role": role_label,
            }
    if rule.lookback_years is not None:
        cutoff = years_before(context.activity.starts_at, rule.lookback_years)
        for expert_id, detail in _past_employers(context, parties, remaining - found.keys(), cutoff, rule):
            found.setdefault(expert_id, detail)
    return [Exclusion(expert_id, rule.kind, rule.clause, found[expert_id]) for expert_id in sorted(found)]


def _party_organisations(parties: _Parties, context: _Context) -> dict[int, _Party]:
    """The organisations that are one of ``parties``: by USCC, or by normalised name where no USCC is known."""
    matched = {pk: parties.match(uscc, normalised) for pk, uscc, normalised in context.organisations}
    return {pk: party for pk, party in matched.items() if party is not None}


def _past_employers(
    context: _Context, parties: _Parties, remaining: set[int], cutoff: datetime.date, rule: RecusalRule
) -> Iterable[tuple[int, str]]:
    """Work-history rows naming a party, ended on or after ``cutoff`` or open-ended."""
    rows = (
        WorkHistory.objects.filter(
            expert__memberships__pool_id=context.pool.pk, expert__memberships__status=MembershipStatus.ACTIVE
        )
        .filter(employer_normalised__in=list(parties.by_name))
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=cutoff))
        .values_list(
            "expert_id",
            "employer_normalised",
            "end_month",
            "expert__employer__uscc",
            "expert__employer__normalised_name",
        )
    )
    for expert_id, normalised, end_month, current_uscc, current_name in rows:
        if expert_id not in remaining:
            continue
        # The current employer, when coded, was already decided by its USCC above.
        if current_uscc and normalised == current_name:
            continue
        party = parties.by_name.get(normalised)
        if party is None:
            continue
        if end_month is None:
            yield expert_id, _("works at %(organisation)s (work history with no end)") % {"organisation": party.name}
        else:
            yield (
                expert_id,
                _("worked at %(organisation)s until %(end)s, within %(years)s years of the activity")
                % {"organisation": party.name, "end": end_month.isoformat(), "years": rule.lookback_years},
            )


def _conflict_filter(
    rule: RecusalRule, context: _Context, remaining: set[int], notes: list[ReviewNote]
) -> list[Exclusion]:
    parties = _Parties(context.parties)
    matched = _party_organisations(parties, context)
    rows = (
        DeclaredConflict.objects.filter(
            expert__memberships__pool_id=context.pool.pk, expert__memberships__status=MembershipStatus.ACTIVE
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=context.on_date))
        # Conflicts with a person, and with an organisation that is one of the parties.
        .filter(Q(organisation_id__isnull=True) | Q(organisation_id__in=list(matched)))
        .order_by("pk")
        .values_list("expert_id", "organisation_id", "person_name", "relation")
    )
    found: dict[int, str] = {}
    for expert_id, organisation_id, person, relation in rows:
        if expert_id not in remaining:
            continue
        if organisation_id is None:
            detail = _("declared a conflict with a person, %(person)s (%(relation)s): check it by hand")
            notes.append(
                ReviewNote(expert_id, rule.kind, rule.clause, detail % {"person": person, "relation": relation})
            )
        elif expert_id not in found:
            found[expert_id] = _("declared a conflict with %(organisation)s (%(relation)s)") % {
                "organisation": matched[organisation_id].name,
                "relation": relation,
            }
    return [Exclusion(expert_id, rule.kind, rule.clause, found[expert_id]) for expert_id in sorted(found)]


def _staff_filter(rule: RecusalRule, context: _Context, remaining: set[int]) -> list[Exclusion]:
    roles: dict[int, str] = {}
    staff = PoolRole.objects.filter(pool_id=context.pool.pk, role__in=STAFF_ROLES).order_by("pk")
    for staff_user, role in staff.values_list("user_id", "role"):
        roles.setdefault(staff_user, role)
    experts = Expert.objects.filter(user_id__in=list(roles)).values_list("pk", "user_id")
    excluded = []
    for expert_id, user_id in sorted(experts):
        if expert_id in remaining:
            detail = _("holds the %(role)s role in this pool") % {"role": str(Role(roles[user_id]).label)}
            excluded.append(Exclusion(expert_id, rule.kind, rule.clause, detail))
    return excluded


def _asked_filter(context: _Context, remaining: set[int]) -> list[Exclusion]:
    """Experts who hold or held a seat on this activity (released seats of a re-drawn draw aside)."""
    asked = set(
        PanelSeat.objects.filter(activity_id=context.activity.pk)
        .exclude(status=PanelSeat.Status.RELEASED)
        .values_list("expert_id", flat=True)
    )
    detail = _("was drawn for this activity already")
    return [Exclusion(expert_id, ALREADY_ASKED, "", detail) for expert_id in sorted(asked & remaining)]


def _seated_employer_filter(rule: RecusalRule, context: _Context, remaining: set[int]) -> list[Exclusion]:
    """At most one expert per employer on a panel: the open seats skip the seated experts' employers."""
    seated = {seat.employer_key for seat in context.filled if seat.employer_key is not None}
    detail = _("an expert from the same employer already holds a seat on this panel")
    return [
        Exclusion(expert_id, rule.kind, rule.clause, detail)
        for expert_id in sorted(remaining)
        if context.members.employer_key(expert_id) in seated
    ]


def _service_cap_filter(cap: ServiceCap, context: _Context, remaining: set[int]) -> list[Exclusion]:
    """Experts who accepted ``max_services`` invitations for the pool's activities starting in the period."""
    activity = context.activity
    since = activity.starts_at - datetime.timedelta(days=cap.period_days)
    served = (
        PanelSeat.objects.filter(SERVED, activity__pool_id=context.pool.pk)
        .filter(activity__starts_at__gte=since, activity__starts_at__lt=activity.starts_at)
        .exclude(activity_id=activity.pk)
        .values("expert_id")
        .annotate(services=Count("pk"))
        .filter(services__gte=cap.max_services)
        .values_list("expert_id", "services")
    )
    found = {expert_id: services for expert_id, services in served if expert_id in remaining}
    return [
        Exclusion(
            expert_id,
            SERVICE_CAP,
            cap.clause,
            _("served %(count)s times in the %(days)s days before this activity (at most %(max)s)")
            % {"count": found[expert_id], "days": cap.period_days, "max": cap.max_services},
        )
        for expert_id in sorted(found)
    ]


def _overlap_filter(context: _Context, remaining: set[int]) -> list[Exclusion]:
    """Experts holding a blocking seat whose booked times overlap the activity's (half-open)."""
    activity = context.activity
    rows = (
        PanelSeat.objects.filter(BLOCKING, booked_from__lt=activity.ends_at, booked_until__gt=activity.starts_at)
        .order_by("booked_from", "pk")
        .values_list("expert_id", "activity_id", "booked_from", "booked_until")
    )
    found: dict[int, str] = {}
    for expert_id, other, booked_from, booked_until in rows:
        if expert_id in remaining and expert_id not in found:
            found[expert_id] = _("holds a seat on activity %(activity)s from %(start)s to %(end)s") % {
                "activity": other,
                "start": timezone.localtime(booked_from).isoformat(timespec="minutes"),
                "end": timezone.localtime(booked_until).isoformat(timespec="minutes"),
            }
    return [Exclusion(expert_id, OVERLAPPING, "", found[expert_id]) for expert_id in sorted(found)]


def _served_filter(rule: RecusalRule, context: _Context, remaining: set[int]) -> list[Exclusion]:
    """Experts who served an earlier activity with the same subject, starting on or after the cutoff date."""
    subjects = _Parties(p for p in context.parties if p.role == ActivityParty.Role.SUBJECT)
    if not subjects:
        return []
    activity = context.activity
    seats = PanelSeat.objects.filter(SERVED, activity__starts_at__lt=activity.starts_at).exclude(
        activity_id=activity.pk
    )
    if rule.lookback_years is not None:
        cutoff = years_before(activity.starts_at, rule.lookback_years)
        start_of_day = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        seats = seats.filter(activity__starts_at__gte=start_of_day)
    rows = seats.filter(activity__parties__role=ActivityParty.Role.SUBJECT).values_list(
        "expert_id",
        "activity_id",
        "activity__starts_at",
        "activity__parties__role",
        "activity__parties__organisation__uscc",
        "activity__parties__organisation__normalised_name",
    )
    found: dict[int, str] = {}
    for expert_id, other, starts_at, role, uscc, normalised in rows:
        if expert_id not in remaining or expert_id in found or role != ActivityParty.Role.SUBJECT:
            continue
        party = subjects.match(uscc, normalised)
        if party is not None:
            found[expert_id] = _("served activity %(activity)s for %(organisation)s on %(date)s") % {
                "activity": other,
                "organisation": party.name,
                "date": timezone.localdate(starts_at).isoformat(),
            }
    return [Exclusion(expert_id, rule.kind, rule.clause, found[expert_id]) for expert_id in sorted(found)]


# --- result -------------------------------------------------------------------------


def _candidates(members: _Members, needs: list[_Need], remaining: set[int]) -> tuple[CandidateRow, ...]:
    """The remaining members by expert id, with their needed categories in the need order."""
    in_need_order: dict[tuple[int, ...], tuple[str, ...]] = {}  # few distinct sets: map each once
    rows = []
    for expert_id in sorted(remaining):
        held = tuple(members.categories[expert_id])
        codes = in_need_order.get(held)
        if codes is None:
            codes = in_need_order[held] = tuple([need.code for need in needs if need.category_id in held])
        rows.append(CandidateRow(expert_id, codes, members.employer_key(expert_id)))
    return tuple(rows)


def _shortfall(
    panel_size: int, needs: list[_Need], open_needs: tuple[OpenNeed, ...], candidates: tuple[CandidateRow, ...]
) -> Shortfall | None:
    holders: defaultdict[str, int] = defaultdict(int)
    for row in candidates:
        for code in row.categories:
            holders[code] += 1
    short = tuple(
        NeedShortfall(need.code, need.count, holders[need.code])
        for need in open_needs
        if holders[need.code] < need.count
    )
    if len(candidates) >= panel_size and not short:
        return None
    messages = [
        _("Category %(category)s needs %(needed)s experts; only %(available)s remain after recusal.")
        % {
            "category": next(n.name for n in needs if n.code == s.category),
            "needed": s.needed,
            "available": s.available,
        }
        for s in short
    ]
    if len(candidates) < panel_size:
        messages.insert(
            0,
            _("The panel needs %(needed)s experts; only %(available)s remain after recusal.")
            % {"needed": panel_size, "available": len(candidates)},
        )
    messages.append(_("Too few experts remain: nothing will be drawn."))
    return Shortfall(panel_size, len(candidates), short, tuple(messages))


def years_before(moment: datetime.datetime, years: int) -> datetime.date:
    """The local date ``years`` calendar years before ``moment`` (29 February becomes 28 February)."""
    day = timezone.localdate(moment)
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
