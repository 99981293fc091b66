"""Pools and policies over the API: each pool is visible to its own staff only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from expertpool.accounts.models import User
from expertpool.pools.models import Pool


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_staff_list_only_their_own_pools(gz_admin: User, outsider: User, gz_pool: Pool, ur_pool: Pool) -> None:
    gz_slugs = [pool["slug"] for pool in client_for(gz_admin).get("/api/pools/").json()]
    ur_slugs = [pool["slug"] for pool in client_for(outsider).get("/api/pools/").json()]

    assert gz_slugs == [gz_pool.slug]
    assert ur_slugs == [ur_pool.slug]


def test_client_unit_user_lists_no_pools(gz_client: User) -> None:
    assert client_for(gz_client).get("/api/pools/").json() == []


def test_pool_detail_carries_its_policy(gz_reviewer: User, gz_pool: Pool) -> None:
    response = client_for(gz_reviewer).get(f"/api/pools/{gz_pool.slug}/")

    assert response.status_code == 200
    data = response.json()
    assert (data["slug"], data["policy_slug"], data["policy_version"]) == (
        gz_pool.slug,
        gz_pool.policy.slug,
        gz_pool.policy.version,
    )
    assert [c["code"] for c in data["categories"]] == [
        "cleaner_production",
        "energy_saving",
        "environmental_protection",
        "industry",
    ]
    industry = data["categories"][-1]
    assert (industry["requires_industry_codes"], industry["clause"]) == (True, "GZ 二（七）")
    assert data["policy"] == gz_pool.policy.document


@pytest.mark.parametrize("slug", ["gz-cleaner-production", "no-such-pool"])
def test_outsider_gets_not_found_for_other_or_unknown_pool(outsider: User, gz_pool: Pool, slug: str) -> None:
    assert client_for(outsider).get(f"/api/pools/{slug}/").status_code == 404


def test_client_unit_user_gets_not_found_for_pool_detail(gz_client: User, gz_pool: Pool) -> None:
    assert client_for(gz_client).get(f"/api/pools/{gz_pool.slug}/").status_code == 404


def test_anonymous_is_refused(gz_pool: Pool) -> None:
    assert APIClient().get("/api/pools/").status_code in {401, 403}
