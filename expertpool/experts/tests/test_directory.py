"""The public directory (page and API): active members, filters, no personal data."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.core.testing import english_client
from expertpool.experts.models import Membership, MembershipStatus
from expertpool.experts.records import CredentialRow, ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool

RecordFactory = Callable[..., ExpertRecord]
PERSONAL_KEYS = {"id", "id_number", "mobile", "email", "birth_date", "address", "ethnicity"}


def register(pool: Pool, record: ExpertRecord) -> Membership:
    return expert_register(actor=None, pool=pool, record=record, admitted_on=datetime.date(2025, 6, 5))


@pytest.fixture
def members(gz_pool: Pool, expert_record: RecordFactory, copper_smelting: IndustryCode) -> list[Membership]:
    """Three active members of the Guangzhou pool and one suspended."""
    return [
        register(gz_pool, expert_record(name="张三", employer_name="广州市环境技术中心")),
        register(
            gz_pool,
            expert_record(
                name="李四",
                employer_name="华南理工大学",
                categories=("industry",),
                industry_codes=(copper_smelting.code,),
                credentials=(CredentialRow(kind="title", name="教授级高级工程师", level="full_senior"),),
            ),
        ),
        register(gz_pool, expert_record(name="王五", employer_name="广州能源研究所", categories=("energy_saving",))),
    ]


@pytest.fixture
def suspended(gz_pool: Pool, expert_record: RecordFactory) -> Membership:
    membership = register(gz_pool, expert_record(name="赵停", employer_name="广州市环境技术中心"))
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.SUSPENDED)
    return membership


def page_url(pool: Pool, **query: str) -> str:
    url = reverse("public:directory", kwargs={"pool_slug": pool.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def api_url(pool: Pool) -> str:
    return reverse("api-public-directory", kwargs={"slug": pool.slug})


def names(response: Any) -> list[str]:
    return [row.name for row in response.context["rows"]]


def test_directory_lists_active_members_without_login(
    gz_pool: Pool, members: list[Membership], suspended: Membership
) -> None:
    response = english_client().get(page_url(gz_pool))
    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == sorted(["张三", "李四", "王五"])
    assert suspended.expert.name not in html
    assert "华南理工大学" in html
    assert "Full senior (正高级)" in html
    assert "3211 铜冶炼" in html  # GZ shows industry codes
    assert "Cleaner production" in html


def test_directory_shows_no_personal_data(gz_pool: Pool, members: list[Membership]) -> None:
    html = english_client().get(page_url(gz_pool)).content.decode()
    for membership in members:
        expert = membership.expert
        assert expert.id_number not in html
        assert expert.id_number[-4:] not in html  # not even masked
        assert expert.mobile not in html
        assert expert.mobile[-4:] not in html
        assert expert.email not in html
        assert expert.birth_date.isoformat() not in html


def test_directory_filters_by_category_and_industry_code(gz_pool: Pool, members: list[Membership]) -> None:
    client = english_client()
    assert names(client.get(page_url(gz_pool, category="energy_saving"))) == ["王五"]
    assert names(client.get(page_url(gz_pool, industry_code="32"))) == ["李四"]
    assert names(client.get(page_url(gz_pool, industry_code="3211"))) == ["李四"]
    assert names(client.get(page_url(gz_pool, industry_code="33"))) == []


def test_directory_searches_name_and_employer(gz_pool: Pool, members: list[Membership]) -> None:
    client = english_client()
    assert names(client.get(page_url(gz_pool, search="王"))) == ["王五"]
    assert names(client.get(page_url(gz_pool, search="华南理工"))) == ["李四"]


def test_directory_reports_a_bad_filter_and_leaves_it_out(gz_pool: Pool, members: list[Membership]) -> None:
    response = english_client().get(page_url(gz_pool, industry_code="3$"))
    assert "Enter up to 4 letters or digits of a GB/T 4754 code." in response.content.decode()
    assert len(names(response)) == 3


def test_directory_is_paginated_by_25(gz_pool: Pool, expert_record: RecordFactory) -> None:
    for _ in range(27):
        register(gz_pool, expert_record())
    client = english_client()
    first, second = client.get(page_url(gz_pool)), client.get(page_url(gz_pool, page="2"))
    assert len(names(first)) == 25
    assert len(names(second)) == 2
    assert "Page 2 of 2" in second.content.decode()
    assert not set(names(first)) & set(names(second))


def test_directory_of_a_pool_without_industry_codes_has_no_such_column(
    ur_pool: Pool, expert_record: RecordFactory
) -> None:
    register(ur_pool, expert_record(categories=("environmental_engineering",)))
    html = english_client().get(page_url(ur_pool)).content.decode()
    assert "Industry codes" not in html


def test_unknown_or_inactive_pool_is_not_found(gz_pool: Pool) -> None:
    client = Client()
    assert client.get(reverse("public:directory", kwargs={"pool_slug": "no-such-pool"})).status_code == 404
    Pool.objects.filter(pk=gz_pool.pk).update(is_active=False)
    assert client.get(page_url(gz_pool)).status_code == 404
    assert client.get(api_url(gz_pool)).status_code == 404


def test_directory_page_queries_do_not_grow(
    gz_pool: Pool, expert_record: RecordFactory, django_assert_num_queries: Any
) -> None:
    register(gz_pool, expert_record())
    client = Client()
    client.get(page_url(gz_pool))
    with django_assert_num_queries(8) as few:
        client.get(page_url(gz_pool))
    for _ in range(6):
        register(gz_pool, expert_record())
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(names(client.get(page_url(gz_pool)))) == 7


def test_api_lists_the_directory_as_json_without_login(gz_pool: Pool, members: list[Membership]) -> None:
    response = Client().get(api_url(gz_pool))
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3
    row = next(row for row in body["results"] if row["name"] == "李四")
    assert row == {
        "name": "李四",
        "gender": row["gender"],
        "employer": "华南理工大学",
        "title_level": "full_senior",
        "categories": ["industry"],
        "industry_codes": ["3211"],
        "term_ends_on": None,
    }
    for result in body["results"]:
        assert not PERSONAL_KEYS & set(result)


def test_api_filters_and_searches(gz_pool: Pool, members: list[Membership]) -> None:
    client = Client()
    assert [r["name"] for r in client.get(api_url(gz_pool), {"category": "energy_saving"}).json()["results"]] == [
        "王五"
    ]
    assert [r["name"] for r in client.get(api_url(gz_pool), {"industry_code": "32"}).json()["results"]] == ["李四"]
    assert [r["name"] for r in client.get(api_url(gz_pool), {"search": "华南"}).json()["results"]] == ["李四"]


def test_api_ignores_a_stale_token(gz_pool: Pool, members: list[Membership]) -> None:
    response = Client().get(api_url(gz_pool), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 200


def test_api_is_paginated_by_25(gz_pool: Pool, expert_record: RecordFactory) -> None:
    for _ in range(26):
        register(gz_pool, expert_record())
    body = Client().get(api_url(gz_pool)).json()
    assert (body["count"], len(body["results"])) == (26, 25)
    assert body["next"].endswith("page=2")


def test_api_queries_do_not_grow(gz_pool: Pool, expert_record: RecordFactory, django_assert_num_queries: Any) -> None:
    register(gz_pool, expert_record())
    client = Client()
    with django_assert_num_queries(6) as few:
        client.get(api_url(gz_pool))
    for _ in range(6):
        register(gz_pool, expert_record())
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(api_url(gz_pool)).json()["count"] == 7
