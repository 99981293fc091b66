"""Two reveals for overlapping activities at the same moment never book one expert twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from expertpool.accounts.models import User
from expertpool.draws.models import BLOCKING, Draw, DrawReveal, PanelSeat
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.draws.tests.factories import PUBLIC, SOURCE, SUPERVISOR, make_activity, make_experts
from expertpool.pools.models import Pool


# Real commits in each thread are the point; serialized_rollback restores data migrations afterwards.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reveals_of_overlapping_activities_book_each_expert_once(gz_pool: Pool, gz_admin: User) -> None:
    make_experts(gz_pool, 4)
    # Both committed before either reveal: each sees all 4 experts, so any two panels of 3 share 2.
    draws = [
        draw_commit(actor=gz_admin, activity=make_activity(gz_pool, gz_admin), randomness_source=SOURCE)
        for _ in range(2)
    ]
    start = threading.Barrier(len(draws))
    refused: list[str] = []
    failures: list[BaseException] = []

    def reveal(draw: Draw) -> None:
        # The active language is per thread: these threads do not inherit the test's English.
        translation.activate("en")
        try:
            start.wait()
            draw_reveal(actor=gz_admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)
        except ValidationError as error:
            refused.extend(error.message_dict["draw"])
        except BaseException as error:  # reported to the main thread
            failures.append(error)
        finally:
            translation.deactivate()
            connection.close()

    threads = [threading.Thread(target=reveal, args=(draw,)) for draw in draws]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert len(refused) == 1
    assert "booked for an overlapping activity" in refused[0]
    assert DrawReveal.objects.count() == 1
    blocking = Counter(PanelSeat.objects.filter(BLOCKING).values_list("expert_id", flat=True))
    assert sum(blocking.values()) == 3
    assert max(blocking.values()) == 1
