"""POST /api/pools/<slug>/eligibility: anyone with a role in the pool may ask; others are not told it exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from expertpool.accounts.models import User
from expertpool.core.testing import english_client
from expertpool.eligibility.tests.profiles import GZ, UR, profile_json, shipped_policy
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool


def post(client: Client, slug: str, data: Any, *, slash: bool = False) -> Any:
    url = f"/api/pools/{slug}/eligibility" + ("/" if slash else "")
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def client() -> Client:
    """A caller that asks for English, so that messages can be matched whatever zh-hans holds."""
    return english_client()


@pytest.mark.parametrize("persona", ["gz_admin", "gz_reviewer", "gz_client"])
def test_anyone_with_a_role_in_the_pool_gets_a_decision(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = post(client, GZ, {**profile_json(GZ), "on_date": "2026-09-01"})

    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "eligible"
    assert body["on_date"] == "2026-09-01"
    assert body["policy"] == {"slug": GZ, "version": shipped_policy(GZ).version}
    age = next(reason for reason in body["reasons"] if reason["rule"] == "age_limit")
    assert age["clause"] == "GZ 二（九）"
    assert age["outcome"] == "pass"
    assert set(age["message"]) == {"zh-hans", "en"}


def test_the_decision_follows_the_pools_own_policy(client: Client, ur_admin: User) -> None:
    client.force_login(ur_admin)

    response = post(client, UR, profile_json(UR, title_level="intermediate", degree="doctorate"))

    assert response.status_code == 200
    assert response.json()["outcome"] == "manual_review"
    assert [r["clause"] for r in response.json()["reasons"] if r["outcome"] == "review"] == ["UR 第七条（三）"]


def test_the_path_with_a_trailing_slash_works_too(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = post(client, GZ, profile_json(GZ, title_level="junior"), slash=True)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ineligible"


def test_a_superuser_without_a_role_may_ask(client: Client, gz_pool: Pool) -> None:
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "x"))

    assert post(client, GZ, profile_json(GZ)).status_code == 200


def test_an_outsider_is_told_the_pool_does_not_exist(client: Client, outsider: User, gz_pool: Pool) -> None:
    client.force_login(outsider)

    response = post(client, GZ, profile_json(GZ))

    assert response.status_code == 404


def test_an_unknown_pool_is_not_found(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    assert post(client, "no-such-pool", profile_json(GZ)).status_code == 404


def test_an_anonymous_caller_is_refused(client: Client, gz_pool: Pool) -> None:
    response = post(client, GZ, profile_json(GZ))

    assert response.status_code in {401, 403}
    assert "outcome" not in response.json()


def test_bad_input_answers_400_with_errors_by_field(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = post(
        client, GZ, profile_json(GZ, categories=["nope"], industry_codes=["9999"], field_years="x", on_date="soon")
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"on_date"}
    assert errors["on_date"] == ["Enter the date as YYYY-MM-DD."]

    response = post(client, GZ, profile_json(GZ, categories=["nope"], industry_codes=["9999"], field_years="x"))

    errors = response.json()["errors"]
    assert set(errors) == {"categories", "industry_codes", "field_years"}
    assert "Unknown category for this pool: nope" in errors["categories"][0]
    assert "9999" in errors["industry_codes"][0]


def test_a_body_that_is_not_an_object_answers_400(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = post(client, GZ, ["birth_date"])

    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": ["The profile must be a JSON object."]}}


def test_a_check_reads_a_fixed_number_of_queries(
    client: Client, gz_admin: User, django_assert_num_queries: Any
) -> None:
    for code, name in [("3211", "铜冶炼"), ("3212", "铅锌冶炼")]:
        IndustryCode.objects.get_or_create(code=code, defaults={"name": name, "level": "class"})
    client.force_login(gz_admin)

    # session, user, pool with policy, the user's roles, the industry codes
    with django_assert_num_queries(5):
        response = post(client, GZ, profile_json(GZ, categories=["industry"], industry_codes=["3211", "3212"]))

    assert response.status_code == 200
    assert response.json()["outcome"] == "eligible"


def test_the_schema_documents_the_endpoint(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/pools/{slug}/eligibility"]["post"]
    assert operation["operationId"] == "pools_eligibility_check"
    assert set(operation["responses"]) >= {"200", "400", "404"}
    assert "/api/pools/{slug}/eligibility/" not in schema["paths"]


def test_only_json_is_accepted(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    response = client.post(f"/api/pools/{GZ}/eligibility", {"birth_date": "1970-05-17"})

    assert response.status_code == 415
