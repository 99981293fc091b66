"""The expert registry API: tenancy, roles, masking, audit and query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.audit.models import AuditRecord
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.experts.models import Expert, Membership
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool

EXPERT_FIELDS = {
    "id", "name", "gender", "birth_date", "ethnicity", "id_number", "mobile", "email", "address", "employer",
    "position", "employment_status", "current_specialty", "field_years", "title_level", "degree", "postdoc",
    "qualifications", "credentials", "education", "work_history", "distinctions", "achievements",
    "categories", "industry_codes", "status", "admitted_on", "term_ends_on",
}  # fmt: skip


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def register(pool: Pool, record: ExpertRecord) -> Membership:
    return expert_register(actor=None, pool=pool, record=record)


def experts_url(pool: Pool) -> str:
    return f"/api/pools/{pool.slug}/experts/"


def expert_url(pool: Pool, membership: Membership) -> str:
    return f"/api/pools/{pool.slug}/experts/{membership.expert_id}/"


def payload(record: ExpertRecord, **overrides: Any) -> dict[str, Any]:
    """An API request body for ``record``, in the API's field names."""
    body: dict[str, Any] = {
        "name": record.name,
        "gender": record.gender,
        "birth_date": record.birth_date.isoformat(),
        "id_number": record.id_number,
        "mobile": record.mobile,
        "email": record.email,
        "employer": {"name": record.employer_name, "uscc": "", "nature": "research_institute"},
        "position": record.position,
        "current_specialty": record.current_specialty,
        "field_years": record.field_years,
        "credentials": [
            {"kind": "title", "name": "高级工程师", "level": "associate_senior"},
            {"kind": "qualification", "name": "注册环保工程师", "certificate_number": "HB-001"},
        ],
        "education": [{"institution": "华南理工大学", "major": "环境工程", "degree": "doctorate"}],
        "work_history": [{"employer_name": "广州市环境技术中心", "position": "工程师"}],
        "distinctions": ["doctoral_supervisor"],
        "achievements": [{"kind": "project", "title": "清洁生产审核指南", "year": 2020}],
        "categories": ["cleaner_production"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def gz_supervisor(gz_pool: Pool, password: str) -> User:
    user = User.objects.create_user(username="gz_supervisor", password=password)
    PoolRole.objects.create(user=user, pool=gz_pool, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def gz_member(gz_pool: Pool, expert_record: Callable[..., ExpertRecord]) -> Membership:
    return register(gz_pool, expert_record())


@pytest.fixture
def ur_member(ur_pool: Pool, expert_record: Callable[..., ExpertRecord]) -> Membership:
    return register(ur_pool, expert_record(categories=("environmental_science",)))


@pytest.mark.parametrize("persona", ["gz_admin", "gz_reviewer", "gz_supervisor"])
def test_staff_list_and_read_their_pools_experts(
    request: pytest.FixtureRequest, persona: str, gz_pool: Pool, gz_member: Membership
) -> None:
    client = client_for(request.getfixturevalue(persona))

    listed = client.get(experts_url(gz_pool))
    detail = client.get(expert_url(gz_pool, gz_member))

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["name"] == gz_member.expert.name
    assert detail.status_code == 200
    assert set(detail.json()) == EXPERT_FIELDS


def test_detail_uses_the_registry_field_names(gz_admin: User, gz_pool: Pool, expert_record: Any) -> None:
    IndustryCode.objects.get_or_create(code="3211", defaults={"name": "铜冶炼", "level": "class"})
    membership = register(
        gz_pool, expert_record(categories=("industry",), industry_codes=("3211",), distinctions=("academician",))
    )

    data = client_for(gz_admin).get(expert_url(gz_pool, membership)).json()

    assert data["categories"] == ["industry"]
    assert data["industry_codes"] == ["3211"]
    assert data["distinctions"] == ["academician"]
    assert data["title_level"] == "associate_senior"
    assert data["degree"] == "master"
    assert data["postdoc"] is False
    assert data["employer"] == {"name": "广州市环境技术中心", "uscc": None, "nature": ""}
    assert data["credentials"][0]["kind"] == "title"
    assert data["education"][0]["institution"] == "华南理工大学"
    assert data["work_history"][0]["employer_name"] == "广州市环境技术中心"
    assert data["status"] == "active"
    assert data["admitted_on"] == membership.admitted_on.isoformat()


def test_outsider_gets_not_found_on_every_endpoint(
    outsider: User, gz_pool: Pool, gz_member: Membership, expert_record: Any
) -> None:
    client = client_for(outsider)
    expert = gz_member.expert

    answers = [
        client.get(experts_url(gz_pool)),
        client.get(expert_url(gz_pool, gz_member)),
        client.post(experts_url(gz_pool), payload(expert_record()), format="json"),
        client.patch(f"{expert_url(gz_pool, gz_member)}contact", {"mobile": "13900000000"}, format="json"),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert Expert.objects.count() == 1
    expert.refresh_from_db()
    assert expert.mobile != "13900000000"


def test_unknown_pool_answers_like_a_forbidden_one(outsider: User, gz_pool: Pool) -> None:
    client = client_for(outsider)

    forbidden = client.get(experts_url(gz_pool))
    missing = client.get("/api/pools/no-such-pool/experts/")

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_another_pools_expert_is_not_found_through_own_pool(
    gz_admin: User, gz_pool: Pool, ur_pool: Pool, ur_member: Membership
) -> None:
    client = client_for(gz_admin)

    assert client.get(expert_url(gz_pool, ur_member)).status_code == 404
    assert client.get(expert_url(ur_pool, ur_member)).status_code == 404
    contact = client.patch(f"{expert_url(gz_pool, ur_member)}contact", {"mobile": "13900000000"}, format="json")
    assert contact.status_code == 404


def test_client_unit_user_cannot_see_the_registry(gz_client: User, gz_pool: Pool, gz_member: Membership) -> None:
    client = client_for(gz_client)

    assert client.get(experts_url(gz_pool)).status_code == 404
    assert client.get(expert_url(gz_pool, gz_member)).status_code == 404


def test_reviewer_may_read_but_not_write(
    gz_reviewer: User, gz_pool: Pool, gz_member: Membership, expert_record: Any
) -> None:
    client = client_for(gz_reviewer)

    created = client.post(experts_url(gz_pool), payload(expert_record()), format="json")
    changed = client.patch(f"{expert_url(gz_pool, gz_member)}contact", {"mobile": "13900000000"}, format="json")

    assert created.status_code == 403
    assert changed.status_code == 403
    assert Expert.objects.count() == 1


def test_unauthenticated_requests_are_refused(gz_pool: Pool, gz_member: Membership) -> None:
    client = APIClient()

    assert client.get(experts_url(gz_pool)).status_code in {401, 403}
    assert client.get(expert_url(gz_pool, gz_member)).status_code in {401, 403}


@pytest.mark.parametrize(("persona", "full"), [("gz_admin", True), ("gz_reviewer", True), ("gz_supervisor", False)])
def test_personal_data_masked_unless_role_may_see_it(
    request: pytest.FixtureRequest, persona: str, full: bool, gz_pool: Pool, gz_member: Membership
) -> None:
    client = client_for(request.getfixturevalue(persona))
    expert = gz_member.expert
    expected = (
        (expert.id_number, expert.mobile) if full else (mask_id_number(expert.id_number), mask_phone(expert.mobile))
    )

    detail = client.get(expert_url(gz_pool, gz_member)).json()
    row = client.get(experts_url(gz_pool)).json()["results"][0]

    assert (detail["id_number"], detail["mobile"]) == expected
    assert (row["id_number"], row["mobile"]) == expected


def test_full_personal_data_is_audited_once_per_request(
    gz_admin: User, gz_supervisor: User, gz_pool: Pool, gz_member: Membership, expert_record: Any
) -> None:
    register(gz_pool, expert_record())

    client_for(gz_admin).get(expert_url(gz_pool, gz_member))
    client_for(gz_admin).get(experts_url(gz_pool))
    client_for(gz_supervisor).get(expert_url(gz_pool, gz_member))
    client_for(gz_supervisor).get(experts_url(gz_pool))

    viewed = AuditRecord.objects.filter(action="expert.personal_data_viewed")
    listed = AuditRecord.objects.filter(action="experts.personal_data_listed")
    assert [(r.actor_id, r.pool_id, r.object_id) for r in viewed] == [
        (gz_admin.pk, gz_pool.pk, str(gz_member.expert_id))
    ]
    assert [(r.actor_id, r.pool_id, r.data["count"]) for r in listed] == [(gz_admin.pk, gz_pool.pk, 2)]


def test_admin_registers_an_expert(gz_admin: User, gz_pool: Pool, expert_record: Any) -> None:
    record = expert_record()

    response = client_for(gz_admin).post(experts_url(gz_pool), payload(record), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == EXPERT_FIELDS
    assert data["id_number"] == record.id_number
    assert data["qualifications"] == ["注册环保工程师"]
    assert data["degree"] == "doctorate"
    assert data["employer"]["nature"] == "research_institute"
    membership = Membership.objects.get(pool=gz_pool, expert_id=data["id"])
    assert membership.expert.name == record.name
    assert AuditRecord.objects.filter(action="expert.created", actor=gz_admin).count() == 1


def test_invalid_id_number_gives_field_errors_and_creates_nothing(
    gz_admin: User, gz_pool: Pool, expert_record: Any
) -> None:
    record = expert_record()
    wrong_check_digit = record.id_number[:-1] + ("0" if record.id_number[-1] != "0" else "1")

    response = client_for(gz_admin).post(
        experts_url(gz_pool), payload(record, id_number=wrong_check_digit), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"id_number": [_("The check digit of the resident ID number is wrong.")]}
    assert not Expert.objects.exists()


def test_duplicate_id_number_is_refused(
    gz_admin: User, gz_pool: Pool, gz_member: Membership, expert_record: Any
) -> None:
    record = expert_record(
        id_number=gz_member.expert.id_number, birth_date=gz_member.expert.birth_date, gender=gz_member.expert.gender
    )

    response = client_for(gz_admin).post(experts_url(gz_pool), payload(record), format="json")

    assert response.status_code == 400
    assert response.json()["id_number"] == [_("An expert with this resident ID number is already registered.")]
    assert Expert.objects.count() == 1


def test_shape_errors_name_the_field(gz_admin: User, gz_pool: Pool, expert_record: Any) -> None:
    body = payload(expert_record(), gender="unknown", credentials=[{"kind": "title", "name": "高级工程师"}])
    del body["name"]

    response = client_for(gz_admin).post(experts_url(gz_pool), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"name", "gender", "credentials"}
    assert response.json()["credentials"] == {"0": {"level": [_("A professional title needs its title level.")]}}
    assert not Expert.objects.exists()


def test_unknown_category_is_refused(gz_admin: User, gz_pool: Pool, expert_record: Any) -> None:
    response = client_for(gz_admin).post(
        experts_url(gz_pool), payload(expert_record(), categories=["astrology"]), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"categories": [_("Unknown category: %(codes)s.") % {"codes": "astrology"}]}


def test_admin_changes_contact_data(gz_admin: User, gz_pool: Pool, gz_member: Membership) -> None:
    response = client_for(gz_admin).patch(
        f"{expert_url(gz_pool, gz_member)}contact",
        {"mobile": "13912345678", "employer": {"name": "广州大学"}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == "13912345678"
    assert response.json()["employer"]["name"] == "广州大学"
    record = AuditRecord.objects.get(action="expert.contact_changed")
    assert record.data["mobile"]["after"] == mask_phone("13912345678")


def test_bad_contact_data_changes_nothing(gz_admin: User, gz_pool: Pool, gz_member: Membership) -> None:
    mobile = gz_member.expert.mobile

    response = client_for(gz_admin).patch(
        f"{expert_url(gz_pool, gz_member)}contact", {"mobile": "12345", "address": "新地址"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["mobile"]
    gz_member.expert.refresh_from_db()
    assert (gz_member.expert.mobile, gz_member.expert.address) == (mobile, "")


def test_list_filters(gz_admin: User, gz_pool: Pool, expert_record: Any) -> None:
    IndustryCode.objects.get_or_create(code="3211", defaults={"name": "铜冶炼", "level": "class"})
    smelter = register(gz_pool, expert_record(name="冶炼专家", categories=("industry",), industry_codes=("3211",)))
    register(gz_pool, expert_record(name="节能专家", categories=("energy_saving",)))
    client = client_for(gz_admin)

    def names(query: str) -> list[str]:
        return [row["name"] for row in client.get(f"{experts_url(gz_pool)}?{query}").json()["results"]]

    assert names("category=industry") == [smelter.expert.name]
    assert names("industry_code=32") == [smelter.expert.name]
    assert names("search=节能") == ["节能专家"]
    assert names("status=removed") == []
    assert client.get(f"{experts_url(gz_pool)}?status=bogus").status_code == 400


def test_list_query_count_does_not_grow_with_experts(
    gz_admin: User, gz_pool: Pool, expert_record: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(gz_admin)
    for _n in range(2):
        register(gz_pool, expert_record(distinctions=("academician",)))
    with CaptureQueriesContext(connection) as two_experts:
        assert client.get(experts_url(gz_pool)).json()["count"] == 2
    for _n in range(4):
        register(gz_pool, expert_record(distinctions=("academician",)))

    with django_assert_num_queries(len(two_experts)):
        assert client.get(experts_url(gz_pool)).json()["count"] == 6
