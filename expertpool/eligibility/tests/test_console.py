"""The console page: pool staff fill in or paste a profile and see every clause applied."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.core.testing import english_client
from expertpool.eligibility.tests.profiles import GZ, UR, profile_json, shipped_policy
from expertpool.pools.models import Pool


@pytest.fixture
def client() -> Client:
    """A browser that asks for English, so that messages can be matched whatever zh-hans holds."""
    return english_client()


def url(slug: str) -> str:
    return reverse("console:eligibility_check", kwargs={"pool_slug": slug})


def paste(client: Client, slug: str, data: Any, **headers: str) -> Any:
    return client.post(url(slug), {"profile_json": json.dumps(data, ensure_ascii=False)}, headers=headers)


def test_staff_see_the_form_with_the_pools_choices(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = client.get(url(GZ))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="eligibility-result"' in page
    assert 'value="cleaner_production"' in page
    assert 'value="familiar_with_procedures"' in page
    assert "GZ 二（三）" in page  # each declaration shows its clause


def test_a_pasted_profile_shows_the_decision_with_its_clauses(client: Client, gz_reviewer: User) -> None:
    client.force_login(gz_reviewer)

    response = paste(client, GZ, {**profile_json(GZ, birth_date="1950-01-01"), "on_date": "2025-09-01"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="ineligible"' in page
    assert '<td class="clause" title="' in page
    assert ">GZ 二（九）</td>" in page
    assert "年龄原则上不超过65周岁" in page  # the clause's source text
    # title level, audit years, age, and one row per declaration
    assert page.count('class="reason ') == 3 + len(shipped_policy(GZ).declarations)


def test_the_filled_in_fields_are_checked_like_the_json(client: Client, ur_admin: User) -> None:
    client.force_login(ur_admin)
    fields = {
        "birth_date": "1972-03-15",
        "title_level": "intermediate",
        "field_years": "8",
        "degree": "doctorate",
        "qualifications": "",
        "categories": ["environmental_engineering", "climate_change"],
        "industry_codes": "",
        "declarations": [d.code for d in shipped_policy(UR).declarations],
    }

    page = client.post(url(UR), fields).content.decode()

    assert 'data-outcome="manual_review"' in page
    assert ">UR 第七条（三）</td>" in page
    assert "an admin decides" in page


def test_errors_are_shown_by_field(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    page = client.post(url(GZ), {"title_level": "associate_senior", "industry_codes": "9999"}).content.decode()

    assert 'id="eligibility-errors"' in page
    assert "This field is required." in page
    assert "Unknown GB/T 4754-2017 industry code: 9999." in page
    assert 'class="reason ' not in page


def test_pasted_json_errors_name_the_field(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    page = paste(client, GZ, profile_json(GZ, categories=["climate_change"])).content.decode()

    assert "categories: Unknown category for this pool: climate_change" in page


def test_bad_json_is_reported(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    page = client.post(url(GZ), {"profile_json": "{not json"}).content.decode()

    assert "Not valid JSON (line 1, column 2)." in page


def test_htmx_gets_only_the_result(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = paste(client, GZ, profile_json(GZ), HX_Request="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="eligibility-result"')
    assert "<html" not in page
    assert 'data-outcome="eligible"' in page


@pytest.mark.parametrize("persona", ["outsider", "gz_client"])
def test_others_than_the_pools_staff_are_not_shown_the_page(
    client: Client, persona: str, request: pytest.FixtureRequest, gz_pool: Pool
) -> None:
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(GZ)).status_code == 404
    assert paste(client, GZ, profile_json(GZ)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client: Client, gz_pool: Pool) -> None:
    response = client.get(url(GZ))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
