"""A synthetic Urumqi pool of any size, written with bulk inserts (COPY on PostgreSQL).

The pool runs under the shipped UR policy, so every recusal rule of the draw runs.
About 1,000 active members who hold a needed category are recused for each
activity the benchmark requests: employees (current or within three years) of its
subject or consultant, declared conflicts with the subject, and pool staff.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Field, Max, Model
from django.utils import timezone

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.activities.models import DeclaredConflict
from expertpool.core.demo import GIVEN, SURNAMES
from expertpool.core.identifiers import make_uscc
from expertpool.experts.models import EmploymentStatus, Expert, Membership, MembershipStatus, WorkHistory
from expertpool.experts.models import id_number_digest as digest_of
from expertpool.organisations.models import Nature, Organisation, normalise_name
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Category, Pool
from expertpool.pools.policy import shipped_policy_path
from expertpool.pools.services import pool_create

POLICY = "urumqi-eco-environment"
# The category filter of every benchmark activity: 3 + 2 seats, about 40% of members hold one.
NEEDS = (("environmental_engineering", 3), ("environmental_impact_assessment", 2))
FIRST_CATEGORY_WEIGHTS = {"environmental_engineering": 15.0, "environmental_impact_assessment": 10.0}
OTHER_CATEGORY_WEIGHT = 8.0
STATUS_WEIGHTS = {
    MembershipStatus.ACTIVE: 95,
    MembershipStatus.SUSPENDED: 2,
    MembershipStatus.EXPIRED: 2,
    MembershipStatus.REMOVED: 1,
}
RETIRED_SHARE = 0.1
MEMBERS_PER_ORGANISATION = 50
UNCODED_SHARE = 0.3  # public bodies without a USCC, matched by name
# Who is recused for each benchmark activity, by the rule that catches them first; 1,000 in all.
RECUSALS = {
    "subject_employee": 400,
    "consultant_employee": 250,
    "declared_conflict": 180,
    "past_subject_employee": 150,
    "pool_staff": 20,
}
NOISE_CONFLICT_SHARE = 0.02  # conflicts with organisations that are never a party
PERSON_CONFLICTS = 50  # conflicts with a person: review notes, not exclusions
ENDED_CONFLICTS = 50  # conflicts with the subject that ended before the activity
BATCH = 50_000


@dataclass(frozen=True)
class Party:
    name: str
    uscc: str


SUBJECT = Party("新疆准东煤化工集团有限公司", make_uscc(area_code="650109", sequence=990_001))
CONSULTANT = Party("乌鲁木齐天山环评咨询有限公司", make_uscc(area_code="650104", sequence=990_002))
CLIENT_UNIT = "乌鲁木齐市生态环境局"


@dataclass(frozen=True)
class SyntheticPool:
    pool: Pool
    admin: User
    supervisor: User
    client: User
    members: int
    rows: dict[str, int]
    seconds: float


@dataclass
class _Plan:
    """Per expert (by index): employer id, membership status, category ids; plus the recused."""

    employer: list[int]
    status: list[str]
    categories: list[tuple[int, ...]]
    retired: list[bool]
    staff_user: dict[int, int] = field(default_factory=dict)
    past_subject: set[int] = field(default_factory=set)
    conflict: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Organisations:
    first_id: int
    names: list[str]  # by id - first_id
    subject_id: int
    consultant_id: int
    cum_weights: list[float]  # random employers: a few large units, many small ones


def build_pool(*, members: int, seed: int) -> SyntheticPool:
    """Create the pool, its people and ``members`` experts; returns what the draws need."""
    started = time.perf_counter()
    rng = random.Random(seed)
    with _fast_writes(), transaction.atomic():
        _skip_constraint_triggers()
        pool = pool_create(actor=None, policy_text=shipped_policy_path(POLICY).read_text(encoding="utf-8"))
        admin, supervisor, client, staff = _people(pool)
        rows: dict[str, int] = {}
        organisations = _write_organisations(rng, members, rows)
        plan = _plan(rng, members, pool, organisations, staff)
        first_expert = (Expert.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        _write_experts(rng, plan, orgs=organisations, pool_id=pool.pk, first=first_expert, rows=rows)
        _reset_sequences([Organisation, Expert, Membership])
    _analyze()
    seconds = time.perf_counter() - started
    return SyntheticPool(pool, admin, supervisor, client, members, rows, seconds)


# --- people and organisations -------------------------------------------------------


def _people(pool: Pool) -> tuple[User, User, User, list[int]]:
    admin = User.objects.create_user(username="bench_admin", password=None)
    supervisor = User.objects.create_user(username="bench_supervisor", password=None)
    client = User.objects.create_user(username="bench_client", password=None)
    unit = organisation_get_or_create(name=CLIENT_UNIT, nature=Nature.GOVERNMENT_AGENCY, actor=None)
    PoolRole.objects.create(user=admin, pool=pool, role=Role.POOL_ADMIN)
    PoolRole.objects.create(user=supervisor, pool=pool, role=Role.SUPERVISOR)
    PoolRole.objects.create(user=client, pool=pool, role=Role.CLIENT_UNIT, organisation=unit)
    staff = [User(username=f"bench_staff_{n}") for n in range(RECUSALS["pool_staff"])]
    for user in staff:
        user.set_unusable_password()
    User.objects.bulk_create(staff)
    PoolRole.objects.bulk_create(PoolRole(user=user, pool=pool, role=Role.REVIEWER) for user in staff)
    return admin, supervisor, client, [user.pk for user in staff]


def _write_organisations(rng: random.Random, members: int, rows: dict[str, int]) -> _Organisations:
    count = max(200, members // MEMBERS_PER_ORGANISATION)
    first_id = (Organisation.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    names = [f"新疆{n:05d}号环保科技有限公司" for n in range(count)] + [SUBJECT.name, CONSULTANT.name]
    usccs: list[str | None] = [
        None if rng.random() < UNCODED_SHARE else make_uscc(area_code="650102", sequence=n) for n in range(count)
    ] + [SUBJECT.uscc, CONSULTANT.uscc]
    created = _stamp()
    natures = (Nature.PRIVATE_ENTERPRISE, Nature.STATE_OWNED_ENTERPRISE, Nature.RESEARCH_INSTITUTE)
    rows["organisation"] = _insert(
        Organisation,
        ("id", "name", "normalised_name", "uscc", "nature", "created_at"),
        (
            (first_id + n, name, normalise_name(name), usccs[n], natures[n % len(natures)], created)
            for n, name in enumerate(names)
        ),
    )
    weights = accumulate(1 / (rank + 1) ** 0.5 for rank in range(count))
    return _Organisations(first_id, names, first_id + count, first_id + count + 1, list(weights))


# --- the plan: who holds what, who is recused ----------------------------------------


def _plan(rng: random.Random, members: int, pool: Pool, orgs: _Organisations, staff: list[int]) -> _Plan:
    category_ids = dict(Category.objects.filter(pool=pool).values_list("code", "pk"))
    codes = list(category_ids)
    weights = [FIRST_CATEGORY_WEIGHTS.get(code, OTHER_CATEGORY_WEIGHT) for code in codes]
    firsts = rng.choices(codes, weights=weights, k=members)
    categories = [
        tuple(sorted({category_ids[first]} | {category_ids[c] for c in rng.sample(codes, k=rng.randint(0, 2))}))
        for first in firsts
    ]
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=members)
    employer_ids = range(orgs.first_id, orgs.subject_id)
    employer = rng.choices(employer_ids, cum_weights=orgs.cum_weights, k=members)
    retired = [rng.random() < RETIRED_SHARE for _ in range(members)]
    plan = _Plan(employer, [str(s) for s in status], categories, retired)
    _recuse(rng, plan, {category_ids[code] for code, _count in NEEDS}, orgs, staff)
    return plan


def _recuse(rng: random.Random, plan: _Plan, needed: set[int], orgs: _Organisations, staff: list[int]) -> None:
    """Pick the recused among active members holding a needed category, so each draw loses them all."""
    eligible = [
        n
        for n, held in enumerate(plan.categories)
        if plan.status[n] == MembershipStatus.ACTIVE and needed.intersection(held)
    ]
    picked = iter(rng.sample(eligible, k=min(len(eligible), sum(RECUSALS.values()))))

    def take(kind: str) -> list[int]:
        return list(islice(picked, RECUSALS[kind]))

    for n in take("subject_employee"):
        plan.employer[n], plan.retired[n] = orgs.subject_id, False
    for n in take("consultant_employee"):
        plan.employer[n], plan.retired[n] = orgs.consultant_id, False
    plan.conflict.update(take("declared_conflict"))
    plan.past_subject.update(take("past_subject_employee"))
    plan.staff_user.update(zip(take("pool_staff"), staff, strict=False))


# --- experts and what hangs off them --------------------------------------------------


def _write_experts(
    rng: random.Random, plan: _Plan, *, orgs: _Organisations, pool_id: int, first: int, rows: dict[str, int]
) -> None:
    members = len(plan.employer)
    today = timezone.localdate()
    created = _stamp()
    birth_dates = [(datetime.date(1955, 1, 1) + datetime.timedelta(days=d)).isoformat() for d in range(0, 13_000)]
    rows["expert"] = _insert(
        Expert,
        _EXPERT_FIELDS,
        (
            _expert_row(rng, plan, n=n, pk=first + n, birth=rng.choice(birth_dates), created=created)
            for n in range(members)
        ),
    )
    admitted = [(today - datetime.timedelta(days=d)).isoformat() for d in range(30, 1_100)]
    rows["membership"] = _insert(
        Membership,
        ("id", "pool", "expert", "status", "admitted_on", "created_at"),
        ((first + n, pool_id, first + n, plan.status[n], rng.choice(admitted), created) for n in range(members)),
    )
    through = Membership.categories.through
    rows["membership_category"] = _insert(
        through,
        ("membership", "category"),
        ((first + n, category) for n in range(members) for category in plan.categories[n]),
    )
    rows["work_history"] = _insert(
        WorkHistory,
        ("expert", "start_month", "end_month", "employer_name", "employer_normalised", "position"),
        _work_rows(rng, plan, orgs, first, today),
    )
    rows["declared_conflict"] = _insert(
        DeclaredConflict,
        ("expert", "organisation", "person_name", "relation", "declared_at", "ended_on"),
        _conflict_rows(rng, plan, orgs, first, today),
    )


_EXPERT_FIELDS = (
    "id",
    "user",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "id_number_stored",
    "id_number_digest",
    "mobile_stored",
    "email",
    "address",
    "photo",
    "employer",
    "position",
    "employment_status",
    "current_specialty",
    "field_years",
    "created_at",
    "updated_at",
)


def _expert_row(rng: random.Random, plan: _Plan, *, n: int, pk: int, birth: str, created: Any) -> tuple[Any, ...]:
    gender = "male" if rng.random() < 0.72 else "female"
    name = rng.choice(SURNAMES) + rng.choice(GIVEN[gender]) + rng.choice(GIVEN[gender])
    # Not a resident ID number (no valid check digit): the draw never reads it; the digest must be unique.
    id_number = f"BENCH{pk:013d}"
    status = EmploymentStatus.RETIRED if plan.retired[n] else EmploymentStatus.IN_SERVICE
    return (
        pk,
        plan.staff_user.get(n),
        name,
        gender,
        birth,
        "汉族",
        id_number,
        digest_of(id_number),
        f"139{pk:08d}",
        f"expert{pk}@example.cn",
        "",
        "",
        plan.employer[n],
        "高级工程师",
        str(status),
        "",
        rng.randint(5, 35),
        created,
        created,
    )


def _work_rows(
    rng: random.Random, plan: _Plan, orgs: _Organisations, first: int, today: datetime.date
) -> Iterator[tuple[Any, ...]]:
    """Each expert: the current job (open-ended) and one earlier job, ended 1 to 15 years ago."""
    count = len(orgs.names) - 2
    for n, employer in enumerate(plan.employer):
        start = datetime.date(rng.randint(1985, 2015), 7, 1)
        current = orgs.names[employer - orgs.first_id]
        yield first + n, start.isoformat(), None, current, normalise_name(current), ""
        earlier = SUBJECT.name if n in plan.past_subject else orgs.names[rng.randrange(count)]
        years = 1 if n in plan.past_subject else rng.randint(1, 15)
        ended = today.replace(year=today.year - years, month=6, day=1)
        began = ended.replace(year=ended.year - 5)
        yield first + n, began.isoformat(), ended.isoformat(), earlier, normalise_name(earlier), ""


def _conflict_rows(
    rng: random.Random, plan: _Plan, orgs: _Organisations, first: int, today: datetime.date
) -> Iterator[tuple[Any, ...]]:
    members = len(plan.employer)
    declared = _stamp()
    for n in sorted(plan.conflict):
        yield first + n, orgs.subject_id, "", "配偶在该单位任职", declared, None
    for n in rng.sample(range(members), k=int(members * NOISE_CONFLICT_SHARE)):
        yield first + n, orgs.first_id + rng.randrange(len(orgs.names) - 2), "", "曾承担该单位项目", declared, None
    for n in rng.sample(range(members), k=min(members, PERSON_CONFLICTS)):
        yield first + n, None, "某某", "亲属", declared, None
    ended = (today - datetime.timedelta(days=30)).isoformat()
    for n in rng.sample(range(members), k=min(members, ENDED_CONFLICTS)):
        yield first + n, orgs.subject_id, "", "曾在该单位兼职", declared, ended


# --- writing fast ---------------------------------------------------------------------


def _insert(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY on PostgreSQL, executemany on SQLite; values are already in the database's form."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(model, name)) for name in names)
    raw: Any = connection.connection
    written = 0
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    # Table and column names come from the models, never from input.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
    cursor = raw.cursor()
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        cursor.executemany(sql, batch)
        written += len(batch)
    return written


def _stamp() -> Any:
    """Now, as the backend stores a datetime (text in UTC on SQLite)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _column(model: type[Model], name: str) -> str:
    found = model._meta.get_field(name)
    if not isinstance(found, Field) or found.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return found.column


@contextmanager
def _fast_writes() -> Iterator[None]:
    """SQLite: no journal, no fsync, no foreign-key checks while building (data is consistent by construction)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000"):
            cursor.execute(f"PRAGMA {pragma}")
    checks_off = connection.disable_constraint_checking()
    try:
        yield
    finally:
        if checks_off:
            connection.enable_constraint_checking()
        # Back to SQLite's defaults, which the app runs with, before anything is timed.
        with connection.cursor() as cursor:
            for pragma in ("journal_mode = DELETE", "synchronous = FULL", "cache_size = -2000"):
                cursor.execute(f"PRAGMA {pragma}")


def _skip_constraint_triggers() -> None:
    """PostgreSQL: no foreign-key triggers and no commit flush for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")


def _reset_sequences(models: list[type[Model]]) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _analyze() -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` (SQLite) would keep them."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
