"""The candidate report and both steps of a draw run with the cycle collector paused
(core.memory): at 100,000 members its collections were a fifth of a draw's time."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from types import CodeType
from typing import Any

import pytest

from expertpool.accounts.models import User
from expertpool.activities.candidates import candidate_report
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.draws.tests.factories import PUBLIC, SOURCE, SUPERVISOR, make_activity, make_experts, make_supervisor
from expertpool.pools.models import Pool

Watch = Callable[[Callable[..., Any]], list[str]]


def _inside(bodies: dict[CodeType, str]) -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code in bodies:
            return bodies[frame.f_code]
        frame = frame.f_back  # type: ignore[assignment]
    return None


@pytest.fixture
def collections_inside() -> Iterator[Watch]:
    """Names of the watched functions each collection started inside, with the collector
    switched on and set off by almost every allocation."""
    was_enabled, threshold = gc.isenabled(), gc.get_threshold()
    bodies: dict[CodeType, str] = {}
    seen: list[str] = []

    def record(phase: str, _info: dict[str, int]) -> None:
        name = _inside(bodies) if phase == "start" else None
        if name is not None:
            seen.append(name)

    def watch(function: Callable[..., Any]) -> list[str]:
        body = getattr(function, "__wrapped__", function)
        while hasattr(body, "__wrapped__"):
            body = body.__wrapped__
        bodies[body.__code__] = function.__name__
        return seen

    gc.enable()
    gc.set_threshold(1)
    gc.callbacks.append(record)
    yield watch
    gc.callbacks.remove(record)
    gc.set_threshold(*threshold)
    if not was_enabled:
        gc.disable()


def test_no_collection_runs_inside_the_report_the_commit_or_the_reveal(
    gz_pool: Pool, gz_admin: User, collections_inside: Watch
) -> None:
    make_experts(gz_pool, 7)
    activity = make_activity(gz_pool, gz_admin)
    supervisor = make_supervisor(gz_pool)
    probe = collections_inside(_allocating)
    _allocating()
    assert "_allocating" in probe  # the watch sees collections where the collector runs
    probe.clear()
    for function in (candidate_report, draw_commit, draw_reveal):
        collections_inside(function)

    candidate_report(activity=activity)
    draw = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, supervisor=supervisor)
    draw_reveal(actor=gz_admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)

    assert probe == []


def _allocating() -> list[list[int]]:
    return [[n] for n in range(1000)]
