"""Searching GB/T 4754-2017 industry codes by code prefix or name."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from expertpool.accounts.models import User
from expertpool.industries.models import IndustryCode
from expertpool.industries.selectors import industry_code_search

# Rows are loaded by a data migration; tests make sure of the ones they use.
ROWS = [
    ("C", "制造业", "section", None),
    ("32", "有色金属冶炼和压延加工业", "division", "C"),
    ("321", "常用有色金属冶炼", "group", "32"),
    ("3211", "铜冶炼", "class", "321"),
    ("3212", "铅锌冶炼", "class", "321"),
    ("D", "电力、热力、燃气及水生产和供应业", "section", None),
    ("44", "电力、热力生产和供应业", "division", "D"),
]


@pytest.fixture
def codes(db: None) -> None:
    for code, name, level, parent in ROWS:
        IndustryCode.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})


def search(query: str, level: str | None = None) -> list[str]:
    return list(industry_code_search(query=query, level=level).values_list("code", flat=True))


def test_code_prefix_finds_the_code_and_below(codes: None) -> None:
    found = search("321")

    assert {"321", "3211", "3212"} <= set(found)
    assert all(code.startswith("321") for code in found)
    assert search("C3211") == ["3211"]


def test_section_letter_finds_the_whole_section(codes: None) -> None:
    found = set(search("c"))

    assert {"C", "32", "321", "3211", "3212"} <= found
    assert not {"D", "44"} & found


def test_name_substring_and_level(codes: None) -> None:
    assert "3211" in search("铜冶")
    assert set(search("冶炼", level="class")) >= {"3211", "3212"}
    assert "321" not in search("冶炼", level="class")


def test_api_search_returns_code_name_level_parent(codes: None, outsider: User) -> None:
    client = APIClient()
    client.force_login(outsider)

    response = client.get("/api/industry-codes/", {"q": "3211"})

    assert response.status_code == 200
    assert response.json()["results"] == [{"code": "3211", "name": "铜冶炼", "level": "class", "parent": "321"}]
    assert client.get("/api/industry-codes/", {"level": "galaxy"}).status_code == 400


def test_api_detail_lists_children(codes: None, gz_client: User) -> None:
    client = APIClient()
    client.force_login(gz_client)

    data = client.get("/api/industry-codes/321/").json()

    assert (data["code"], data["parent"]) == ("321", "32")
    assert {"3211", "3212"} <= {child["code"] for child in data["children"]}
    assert client.get("/api/industry-codes/9999/").status_code == 404


def test_api_needs_a_signed_in_user(codes: None) -> None:
    assert APIClient().get("/api/industry-codes/", {"q": "32"}).status_code in {401, 403}


def test_api_search_query_count_is_fixed(codes: None, outsider: User, django_assert_num_queries: Any) -> None:
    client = APIClient()
    client.force_login(outsider)
    # session, user, count, page
    with django_assert_num_queries(4):
        client.get("/api/industry-codes/", {"q": "3"})
    with django_assert_num_queries(4):
        client.get("/api/industry-codes/", {"q": "冶炼"})
