"""Who is booked when: the one check against double booking, under row locks (issue 4 point 5).

``draw_reveal`` and the reserve step both lock the experts' rows first, then look for
blocking seats; a concurrent reveal that drew the same expert waits for the lock and
then sees the seats written here. The PostgreSQL exclusion constraint on panel seats
(migration ``draws/0002``) backs this up in the database.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from expertpool.draws.models import BLOCKING, PanelSeat
from expertpool.experts.models import Expert

if TYPE_CHECKING:
    from expertpool.activities.models import Activity


def lock_experts(expert_ids: Collection[int]) -> None:
    """Lock the experts' rows, in id order, until the transaction ends.

    Locking everyone a transaction will book at once and in one order leaves no row to
    be locked later in another order: two reveals cannot deadlock. NO KEY UPDATE still
    lets other tables insert rows that refer to the expert meanwhile.
    """
    if expert_ids:
        locked = Expert.objects.select_for_update(no_key=True).filter(pk__in=expert_ids).order_by("pk")
        list(locked.values_list("pk", flat=True))


def bookings_overlapping(
    activity: Activity, expert_ids: Collection[int], *, except_seat: int | None = None
) -> dict[int, int]:
    """Expert → the activity of a blocking seat of theirs overlapping ``activity`` (half-open times).

    Call with the experts locked (``lock_experts``). ``except_seat`` is the seat being
    decided, which does not count against itself.
    """
    seats = PanelSeat.objects.filter(BLOCKING, expert_id__in=expert_ids).filter(
        booked_from__lt=activity.ends_at, booked_until__gt=activity.starts_at
    )
    if except_seat is not None:
        seats = seats.exclude(pk=except_seat)
    return dict(seats.order_by("-booked_from", "-pk").values_list("expert_id", "activity_id"))
