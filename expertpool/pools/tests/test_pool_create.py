"""Creating a pool from a policy file: the pool, its categories and the audit trail, or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.audit.verification import verify_chain
from expertpool.pools.models import Category, Policy, Pool
from expertpool.pools.policy import PolicyError
from expertpool.pools.services import pool_create
from expertpool.pools.tests.policies import new_policy, policy_text

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def operator() -> User:
    return User.objects.create_superuser(username="operator", password=None, email="operator@example.cn")


def test_pool_is_created_with_its_categories_and_audit_records(operator: User) -> None:
    pool = pool_create(actor=operator, policy_text=policy_text(new_policy()))

    assert (pool.slug, pool.name, pool.managing_body) == (
        "gz-second",
        "第二个清洁生产专家库",
        "广州市循环经济清洁生产协会",
    )
    assert pool.policy.rules.slug == "gz-second"
    categories = list(Category.objects.filter(pool=pool).order_by("position"))
    assert [(c.code, c.clause, c.requires_industry_codes) for c in categories] == [
        ("cleaner_production", "GZ 二（八）", False),
        ("energy_saving", "GZ 二（五）", False),
        ("environmental_protection", "GZ 二（六）", False),
        ("industry", "GZ 二（七）", True),
    ]
    stored, created = AuditRecord.objects.order_by("sequence")
    assert (stored.action, stored.actor, stored.object_id) == ("policy.stored", operator, str(pool.policy.pk))
    assert (created.action, created.actor, created.pool) == ("pool.created", operator, pool)
    assert created.data["categories"] == [c.code for c in categories]
    assert verify_chain() == []


def test_pool_slug_and_names_can_be_given(operator: User) -> None:
    pool = pool_create(
        actor=operator, policy_text=policy_text(new_policy()), slug="gz-north", name="北区库", name_en="North"
    )
    assert (pool.slug, pool.name, pool.name_en) == ("gz-north", "北区库", "North")


def test_a_second_pool_under_the_same_policy_version_shares_it(operator: User) -> None:
    first = pool_create(actor=operator, policy_text=policy_text(new_policy()))
    second = pool_create(actor=operator, policy_text=policy_text(new_policy()), slug="gz-third")
    assert first.policy == second.policy
    assert AuditRecord.objects.filter(action="policy.stored").count() == 1


def test_a_bad_file_creates_nothing(operator: User) -> None:
    data = new_policy()
    data["eligibility"][2]["max_age"] = 5
    with pytest.raises(PolicyError) as excinfo:
        pool_create(actor=operator, policy_text=policy_text(data))
    assert excinfo.value.problems == [
        ("eligibility.2.age_limit.max_age", "Input should be greater than or equal to 18")
    ]
    assert not Pool.objects.exists()
    assert not AuditRecord.objects.exists()


def test_a_taken_slug_is_refused(operator: User, gz_pool: Pool) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pool_create(actor=operator, policy_text=policy_text(new_policy()), slug=gz_pool.slug)
    assert excinfo.value.message_dict == {"slug": [f"A pool with the slug {gz_pool.slug} already exists."]}


@pytest.mark.parametrize("slug", ["Has Capitals", "under_score", "-leading", "a" * 51])
def test_a_malformed_slug_is_refused(operator: User, slug: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pool_create(actor=operator, policy_text=policy_text(new_policy()), slug=slug)
    assert list(excinfo.value.message_dict) == ["slug"]
    assert not Pool.objects.exists()


def test_a_changed_file_under_a_stored_version_is_refused(operator: User) -> None:
    pool_create(actor=operator, policy_text=policy_text(new_policy()))
    changed = new_policy()
    changed["panel"]["reserves"] = 4
    before = AuditRecord.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        pool_create(actor=operator, policy_text=policy_text(changed), slug="gz-third")

    assert "version" in excinfo.value.message_dict
    assert "already exists with different content" in excinfo.value.message_dict["version"][0]
    assert Pool.objects.count() == 1
    assert Policy.objects.count() == 1
    assert AuditRecord.objects.count() == before


def test_the_changed_file_under_a_new_version_is_stored_beside_the_old(operator: User) -> None:
    pool_create(actor=operator, policy_text=policy_text(new_policy()))
    changed = new_policy(version="2")
    changed["panel"]["reserves"] = 4
    pool = pool_create(actor=operator, policy_text=policy_text(changed), slug="gz-third")
    assert pool.policy.version == "2"
    assert pool.policy.rules.panel.reserves == 4
    assert Policy.objects.filter(slug="gz-second").count() == 2
