"""Fixtures of the directed-selection tests: a client unit of the GZ pool, its activity and request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from expertpool.accounts.models import User
from expertpool.activities.models import Activity, DirectedSelection
from expertpool.activities.tests.directed_helpers import make_activity, make_request, make_unit
from expertpool.pools.models import Pool


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded letters go to a temporary directory, never the real media root."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def gz_unit(gz_pool: Pool) -> User:
    return make_unit(gz_pool, "gz_unit")


@pytest.fixture
def activity(gz_unit: User, gz_pool: Pool) -> Activity:
    return make_activity(gz_unit, gz_pool)


@pytest.fixture
def directed(gz_unit: User, activity: Activity) -> DirectedSelection:
    return make_request(gz_unit, activity)
