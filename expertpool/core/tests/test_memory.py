from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from expertpool.core.memory import cycle_collector_paused, without_cycle_collection


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_collector_is_paused_inside_and_back_after_an_error() -> None:
    @without_cycle_collection
    def failing() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_nested_blocks_leave_the_collector_as_the_outermost_found_it() -> None:
    with cycle_collector_paused():
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()

    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_decorated_function_runs_with_the_collector_paused() -> None:
    @without_cycle_collection
    def collector_state(value: int) -> tuple[int, bool]:
        return value, gc.isenabled()

    assert collector_state(3) == (3, False)
    assert gc.isenabled()
