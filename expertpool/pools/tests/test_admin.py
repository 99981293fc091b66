"""The admin: pools, policies and categories read-only; operators create pools from policy files."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool
from expertpool.pools.tests.policies import new_policy, policy_text

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CREATE_URL = "admin:pools_pool_create_from_policy"


@pytest.fixture
def operator() -> User:
    return User.objects.create_superuser(username="operator", password=None, email="operator@example.cn")


@pytest.fixture
def operator_client(client: Client, operator: User) -> Client:
    client.force_login(operator)
    return client


def post_policy(client: Client, text: str, **fields: Any) -> Any:
    return client.post(reverse(CREATE_URL), {"policy_text": text, **fields})


def problems(response: Any) -> list[tuple[str, str]]:
    return list(response.context["problems"])


def test_operator_creates_a_pool_from_a_pasted_policy(operator_client: Client, operator: User) -> None:
    response = post_policy(operator_client, policy_text(new_policy()))

    pool = Pool.objects.get(slug="gz-second")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:pools_pool_change", args=[pool.pk])
    assert list(pool.categories.values_list("code", flat=True)) == [
        "cleaner_production", "energy_saving", "environmental_protection", "industry",
    ]  # fmt: skip
    assert AuditRecord.objects.get(action="pool.created").actor == operator


def test_operator_creates_a_pool_from_an_uploaded_file(operator_client: Client) -> None:
    upload = SimpleUploadedFile("policy.yaml", ("\ufeff" + policy_text(new_policy())).encode(), "application/yaml")
    response = operator_client.post(reverse(CREATE_URL), {"policy_file": upload, "slug": "gz-upload"})
    assert response.status_code == 302
    assert Pool.objects.get(slug="gz-upload").categories.count() == 4


def test_the_page_offers_upload_and_paste(operator_client: Client) -> None:
    response = operator_client.get(reverse(CREATE_URL))
    assert response.status_code == 200
    assert b'name="policy_file"' in response.content
    assert b'name="policy_text"' in response.content


def test_a_bad_file_lists_its_problems_by_key_and_creates_nothing(operator_client: Client) -> None:
    data = new_policy()
    data["eligibility"][2]["max_age"] = 5
    data["absence"]["count"] = 0

    response = post_policy(operator_client, policy_text(data))

    assert response.status_code == 200
    assert problems(response) == [
        ("eligibility.2.age_limit.max_age", "Input should be greater than or equal to 18"),
        ("absence.count", "Input should be greater than or equal to 1"),
    ]
    assert "<code>eligibility.2.age_limit.max_age</code>" in response.content.decode()
    assert not Pool.objects.filter(slug="gz-second").exists()


def test_cross_key_problems_are_listed_together(operator_client: Client) -> None:
    data = new_policy()
    data["eligibility"][0]["clause"] = "GZ 九"
    data["categories"]["items"][1]["code"] = "cleaner_production"

    response = post_policy(operator_client, policy_text(data))

    assert problems(response) == [
        ("eligibility.0.clause", "clause 'GZ 九' is not defined in 'clauses'"),
        ("categories.items.1.code", "duplicate code 'cleaner_production'"),
    ]
    assert not AuditRecord.objects.exists()


def test_a_taken_slug_is_shown_on_the_slug_field(operator_client: Client, gz_pool: Pool) -> None:
    response = post_policy(operator_client, policy_text(new_policy()), slug=gz_pool.slug)
    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [f"A pool with the slug {gz_pool.slug} already exists."]


def test_a_changed_file_under_a_stored_version_is_refused(operator_client: Client) -> None:
    post_policy(operator_client, policy_text(new_policy()))
    changed = new_policy()
    changed["term"] = {"years": 2, "renewable": True, "note": "试行"}

    response = post_policy(operator_client, policy_text(changed), slug="gz-other")

    assert response.status_code == 200
    (error,) = response.context["form"].non_field_errors()
    assert "already exists with different content" in error
    assert not Pool.objects.filter(slug="gz-other").exists()


@pytest.mark.parametrize("both", [True, False])
def test_exactly_one_of_file_and_text_is_required(operator_client: Client, both: bool) -> None:
    data: dict[str, Any] = {"slug": "x"}
    if both:
        data["policy_text"] = policy_text(new_policy())
        data["policy_file"] = SimpleUploadedFile("p.yaml", b"slug: x")
    response = operator_client.post(reverse(CREATE_URL), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Upload a policy file or paste one, not both."]


def test_a_file_that_is_not_utf8_is_refused(operator_client: Client) -> None:
    upload = SimpleUploadedFile("policy.yaml", policy_text(new_policy()).encode("gb18030"))
    response = operator_client.post(reverse(CREATE_URL), {"policy_file": upload})
    assert response.context["form"].errors["policy_file"] == ["The file must be UTF-8 text."]


def test_staff_who_are_not_operators_are_refused(client: Client) -> None:
    staff = User.objects.create_user(username="staff", password=None, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(CREATE_URL)).status_code == 403
    assert post_policy(client, policy_text(new_policy())).status_code == 403
    assert not Pool.objects.filter(slug="gz-second").exists()


def test_pool_admins_and_outsiders_are_sent_to_the_admin_login(client: Client, gz_admin: User, outsider: User) -> None:
    for user in (gz_admin, outsider):
        client.force_login(user)
        response = post_policy(client, policy_text(new_policy()))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    client.logout()
    assert reverse("admin:login") in client.get(reverse(CREATE_URL))["Location"]
    assert not Pool.objects.filter(slug="gz-second").exists()


def test_pools_are_read_only_and_cannot_be_deleted(operator_client: Client, gz_pool: Pool) -> None:
    change = operator_client.get(reverse("admin:pools_pool_change", args=[gz_pool.pk]))
    assert change.status_code == 200
    assert b'name="slug"' not in change.content
    assert "清洁生产" in change.content.decode()  # the categories inline
    assert operator_client.get(reverse("admin:pools_pool_add")).status_code == 403
    assert (
        operator_client.post(reverse("admin:pools_pool_delete", args=[gz_pool.pk]), {"post": "yes"}).status_code == 403
    )
    assert Pool.objects.filter(pk=gz_pool.pk).exists()


def test_policy_document_is_shown_read_only(operator_client: Client, ur_pool: Pool) -> None:
    response = operator_client.get(reverse("admin:pools_policy_change", args=[ur_pool.policy.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "UR 第十二条" in content
    assert 'class="policy-document"' in content
    delete = reverse("admin:pools_policy_delete", args=[ur_pool.policy.pk])
    assert operator_client.post(delete, {"post": "yes"}).status_code == 403


def test_categories_are_listed_read_only(operator_client: Client, ur_pool: Pool) -> None:
    response = operator_client.get(reverse("admin:pools_category_changelist"))
    assert response.status_code == 200
    assert "生态环境损害赔偿" in response.content.decode()
    category = ur_pool.categories.first()
    assert category is not None
    assert operator_client.get(reverse("admin:pools_category_add")).status_code == 403


def test_pool_list_offers_the_create_page_and_does_not_query_per_pool(
    operator_client: Client, gz_pool: Pool, ur_pool: Pool, django_assert_num_queries: Any
) -> None:
    url = reverse("admin:pools_pool_changelist")
    operator_client.get(url)  # warm the session and the content-type cache
    with django_assert_num_queries(6):
        response = operator_client.get(url)
    assert reverse(CREATE_URL) in response.content.decode()
    post_policy(operator_client, policy_text(new_policy()))
    with django_assert_num_queries(6):
        operator_client.get(url)
