"""The exportable draw record (docs/draw.md §10), with who ran the draw and who supervised it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from expertpool.draws import algorithm
from expertpool.draws.models import Draw, DrawReveal

if TYPE_CHECKING:
    from expertpool.accounts.models import User


def _person(user: User | None) -> dict[str, str] | None:
    return None if user is None else {"username": user.get_username(), "name": str(user)}


def draw_record(draw: Draw) -> dict[str, Any]:
    """The record ``algorithm.verify`` and docs/draw_verify.py accept, plus the people and times.

    Before the reveal it holds the commitment only: the server secret, the seed
    and the result do not exist for anyone outside the platform yet.
    """
    record: dict[str, Any] = {
        "format": algorithm.RECORD_FORMAT,
        "commitment": draw.commitment,
        "commitment_hash": draw.commitment_hash,
        "committed_by": _person(draw.committed_by),
        "supervisor": _person(draw.supervisor),
        "previous_draw": draw.previous_id,
        "reason": draw.reason,
    }
    reveal = DrawReveal.objects.select_related("revealed_by").filter(draw_id=draw.pk).first()
    if reveal is None:
        return record
    record.update(
        {
            "reveal": {"values": reveal.randomness["values"], "server_secret": draw.server_secret},
            "seed": reveal.seed,
            "result": reveal.result,
            "revealed_by": _person(reveal.revealed_by),
            "revealed_at": reveal.revealed_at.isoformat(),
        }
    )
    return record
