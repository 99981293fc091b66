"""Pausing Python's cycle collector while a draw builds tens of thousands of small objects."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; reference counting still frees memory.

    A draw in a large pool makes tens of thousands of tuples, lists and dicts, none of
    them in a cycle. Each 700 allocations start a collection, and the older generations'
    collections walk every object of the process: about a fifth of a draw's time at
    100,000 members (docs/performance.md). Nested blocks leave the collector as the
    outermost found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_cycle_collection(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` inside ``cycle_collector_paused``."""

    @wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with cycle_collector_paused():
            return function(*args, **kwargs)

    return wrapper
