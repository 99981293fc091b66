"""Migration draws/0007 fills in why seats released earlier were released, from their audit records."""

from __future__ import annotations

import importlib

from django.apps import apps

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.draws.invitations import invitation_decline
from expertpool.draws.models import PanelSeat
from expertpool.draws.services import draw_commit
from expertpool.draws.tests.factories import SOURCE, make_activity
from expertpool.draws.tests.invitation_factories import invited_panel, reveal_activity, seats
from expertpool.pools.models import Pool

migration = importlib.import_module("expertpool.draws.migrations.0007_seat_release_reason")
WHY = ("release_rule", "release_clause", "release_detail")


def test_seats_released_before_the_migration_get_their_reason_from_the_audit(gz_pool: Pool, gz_admin: User) -> None:
    # A reserve released as booked meanwhile, then a re-draw releasing every seat left.
    reveal = invited_panel(gz_pool, gz_admin, experts=6)
    reveal_activity(gz_pool, gz_admin, make_activity(gz_pool, gz_admin))
    invitation_decline(seat=seats(reveal, PanelSeat.Role.PANEL)[0], reason="illness", via="link")
    activity = Activity.objects.get(pk=reveal.draw.activity_id)
    draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=reveal.draw, reason="监督人缺席")
    released = PanelSeat.objects.filter(activity=activity, status=PanelSeat.Status.RELEASED).order_by("pk")
    expected = list(released.values_list("pk", *WHY))
    assert {rule for _pk, rule, _clause, _detail in expected} == {"overlapping_booking", "redraw"}
    released.update(release_rule="", release_clause="", release_detail="")  # as before the migration

    migration.fill_from_audit(apps, None)

    assert list(released.values_list("pk", *WHY)) == expected
