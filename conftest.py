"""Shared fixtures: the two shipped pools and the people who use them.

Personas follow the healthchecks habit: each pool has its staff, and there is
always an outsider from the other pool who must be refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.core import sms
from expertpool.experts.records import ExpertRecord
from expertpool.experts.tests.factories import make_expert_record
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool
from expertpool.pools.policy import shipped_policy_path
from expertpool.pools.services import pool_create

PASSWORD = "correct horse battery staple"  # noqa: S105 (test accounts only)


def _pool(slug: str) -> Pool:
    return pool_create(actor=None, policy_text=shipped_policy_path(slug).read_text(encoding="utf-8"))


@pytest.fixture
def gz_pool(db: None) -> Pool:
    return _pool("gz-cleaner-production")


@pytest.fixture
def ur_pool(db: None) -> Pool:
    return _pool("urumqi-eco-environment")


def make_user(username: str, pool: Pool | None = None, role: str = "") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.cn")
    if pool is not None:
        PoolRole.objects.create(user=user, pool=pool, role=role)
    return user


@pytest.fixture
def gz_admin(gz_pool: Pool) -> User:
    return make_user("gz_admin", gz_pool, Role.POOL_ADMIN)


@pytest.fixture
def gz_reviewer(gz_pool: Pool) -> User:
    return make_user("gz_reviewer", gz_pool, Role.REVIEWER)


@pytest.fixture
def gz_client(gz_pool: Pool) -> User:
    return make_user("gz_client", gz_pool, Role.CLIENT_UNIT)


@pytest.fixture
def ur_admin(ur_pool: Pool) -> User:
    return make_user("ur_admin", ur_pool, Role.POOL_ADMIN)


@pytest.fixture
def outsider(ur_pool: Pool) -> User:
    """Pool admin of the Urumqi pool: has no business in the Guangzhou pool."""
    return make_user("outsider", ur_pool, Role.POOL_ADMIN)


@pytest.fixture
def expert_record() -> Callable[..., ExpertRecord]:
    return make_expert_record


@pytest.fixture
def password() -> str:
    return PASSWORD


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    on_postgres = str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if "postgres_only" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hashing passwords properly costs a quarter of a second each; tests need no secrecy."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def messages_in_english() -> Iterator[None]:
    """Code outside a request (services, commands) speaks English in tests, so that
    tests compare stable msgids; requests still default to Chinese (LANGUAGE_CODE)."""
    with translation.override("en"):
        yield


@pytest.fixture
def english(settings: Any) -> None:
    """Requests in English too, for tests that compare the text of a page."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def copper_smelting(db: None) -> IndustryCode:
    """3211 铜冶炼, the GZ form's own example of an industry code (loaded by migration)."""
    return IndustryCode.objects.get(code="3211")


@pytest.fixture
def sms_outbox(settings: Any) -> list[sms.SmsMessage]:
    """Text messages kept in memory instead of printed, emptied for each test."""
    settings.SMS_BACKEND = "expertpool.core.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox
