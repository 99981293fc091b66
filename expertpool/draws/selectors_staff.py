"""Reading a pool's draws as its staff see them, each with its verification status.

Verification recomputes a revealed draw from its stored commitment and inputs with
the published algorithm, exactly as ``verify_draw`` does with an exported record:
a stored row changed behind the services' back shows up as "differs".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from expertpool.accounts.permissions import can_view_registry
from expertpool.draws import algorithm
from expertpool.draws.models import Draw, DrawReveal

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser
    from expertpool.activities.models import Activity
    from expertpool.pools.models import Pool

VerificationState = Literal["verified", "differs", "not_revealed"]


@dataclass(frozen=True)
class Verification:
    state: VerificationState
    differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrawRow:
    """A draw with its reveal (None before it) and what recomputing it gives."""

    draw: Draw
    reveal: DrawReveal | None
    # The kind of the draw chained to this one ("redraw" supersedes it), or "".
    next_kind: str
    verification: Verification

    @property
    def superseded(self) -> bool:
        return self.next_kind == Draw.Kind.REDRAW

    @property
    def status(self) -> str:
        """committed (not revealed yet), drawn or insufficient."""
        return "committed" if self.reveal is None else str(self.reveal.result.get("status", ""))


def _with_people(draws: QuerySet[Draw]) -> QuerySet[Draw]:
    """Everything a row shows in one query: the reverse one-to-one reveal joins like a foreign key."""
    return draws.select_related("activity", "committed_by", "supervisor", "reveal", "reveal__revealed_by").annotate(
        next_kind=Subquery(Draw.objects.filter(previous_id=OuterRef("pk")).values("kind")[:1])
    )


def pool_draws(*, pool: Pool) -> QuerySet[Draw]:
    """Every draw of the pool, latest first."""
    return _with_people(Draw.objects.filter(pool=pool)).order_by("-committed_at", "-pk")


def activity_draws(*, activity: Activity) -> QuerySet[Draw]:
    """The chain of an activity's draws, first to latest."""
    return _with_people(Draw.objects.filter(activity_id=activity.pk)).order_by("pk")


def get_draw_for_staff(user: AnyUser, pool: Pool, draw_id: int) -> Draw:
    """One of the pool's draws for its staff; "not found" alike for missing and forbidden."""
    if not can_view_registry(user, pool):
        raise Http404
    draw = _with_people(Draw.objects.filter(pool=pool, pk=draw_id)).select_related("pool__policy").first()
    if draw is None:
        raise Http404
    return draw


def get_draw_for_user(user: AnyUser, draw_id: int) -> Draw:
    """A draw for the staff of its pool, whichever pool that is; "not found" for anyone else."""
    draw = _with_people(Draw.objects.filter(pk=draw_id)).select_related("pool__policy").first()
    if draw is None or not can_view_registry(user, draw.pool):
        raise Http404
    return draw


def reveal_of(draw: Draw) -> DrawReveal | None:
    """The draw's reveal from the joined row, without a query when ``_with_people`` fetched it."""
    try:
        return draw.reveal
    except DrawReveal.DoesNotExist:
        return None


def verification(draw: Draw, reveal: DrawReveal | None) -> Verification:
    """Recompute the draw from its stored commitment and revealed inputs (docs/draw.md §10)."""
    if reveal is None:
        return Verification("not_revealed")
    record: dict[str, Any] = {
        "format": algorithm.RECORD_FORMAT,
        "commitment": draw.commitment,
        "commitment_hash": draw.commitment_hash,
        "reveal": {"values": reveal.randomness.get("values"), "server_secret": draw.server_secret},
        "seed": reveal.seed,
        "result": reveal.result,
    }
    differences = algorithm.verify(record)
    return Verification("differs" if differences else "verified", tuple(differences))


def draw_rows(draws: QuerySet[Draw] | list[Draw]) -> list[DrawRow]:
    """Rows for draws fetched by ``pool_draws`` or ``activity_draws``: no query per draw."""
    rows = []
    for draw in draws:
        reveal = reveal_of(draw)
        next_kind = str(getattr(draw, "next_kind", None) or "")
        rows.append(DrawRow(draw, reveal, next_kind, verification(draw, reveal)))
    return rows
