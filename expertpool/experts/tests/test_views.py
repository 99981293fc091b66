"""The console's expert list, detail page and attachment download."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.tests.test_booked_and_served import at, seat
from expertpool.activities.tests.test_candidates import member
from expertpool.audit.models import AuditRecord
from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.core.testing import english_client
from expertpool.draws.models import PanelSeat
from expertpool.experts.models import Attachment, Membership
from expertpool.experts.records import CredentialRow, ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.pools.models import Pool

RecordFactory = Callable[..., ExpertRecord]


def client_for(user: User) -> Client:
    # English, so assertions on labels hold whatever the zh-hans catalogue says.
    client = english_client()
    client.force_login(user)
    return client


@pytest.fixture
def gz_member(gz_pool: Pool, expert_record: RecordFactory) -> Membership:
    return expert_register(
        actor=None, pool=gz_pool, record=expert_record(name="张三", employer_name="广州市环境技术中心")
    )


@pytest.fixture
def gz_supervisor(gz_pool: Pool) -> User:
    user = User.objects.create_user(username="gz_supervisor", password="x")
    pool_role_grant(actor=None, user=user, pool=gz_pool, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def attachment(gz_member: Membership, gz_pool: Pool, settings: Any, tmp_path: Path) -> Attachment:
    settings.MEDIA_ROOT = tmp_path
    return Attachment.objects.create(
        expert=gz_member.expert,
        pool=gz_pool,
        kind="id_card",
        file=ContentFile(b"%PDF-1.4 scan", name="scan.pdf"),
        original_name="身份证.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )


def list_url(pool: Pool) -> str:
    return reverse("console:expert_list", kwargs={"pool_slug": pool.slug})


def detail_url(membership: Membership) -> str:
    return reverse(
        "console:expert_detail", kwargs={"pool_slug": membership.pool.slug, "expert_id": membership.expert_id}
    )


def download_url(attachment: Attachment, pool: Pool) -> str:
    return reverse(
        "console:attachment_download",
        kwargs={"pool_slug": pool.slug, "expert_id": attachment.expert_id, "attachment_id": attachment.pk},
    )


def test_pool_staff_sees_the_expert_list(gz_admin: User, gz_member: Membership) -> None:
    response = client_for(gz_admin).get(list_url(gz_member.pool))
    assert response.status_code == 200
    assert "张三" in response.text
    assert "广州市环境技术中心" in response.text
    assert detail_url(gz_member) in response.text


def test_anonymous_user_is_sent_to_log_in(client: Client, gz_pool: Pool) -> None:
    response = client.get(list_url(gz_pool))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["outsider", "gz_client"])
def test_non_staff_get_not_found_on_list_detail_and_download(
    request: pytest.FixtureRequest, persona: str, gz_member: Membership, attachment: Attachment
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(list_url(gz_member.pool)).status_code == 404
    assert client.get(detail_url(gz_member)).status_code == 404
    assert client.get(download_url(attachment, gz_member.pool)).status_code == 404


def test_outsider_cannot_reach_a_gz_expert_through_their_own_pool(
    outsider: User, ur_pool: Pool, gz_member: Membership
) -> None:
    url = reverse("console:expert_detail", kwargs={"pool_slug": ur_pool.slug, "expert_id": gz_member.expert_id})
    assert client_for(outsider).get(url).status_code == 404


def test_list_filters_by_search_category_and_status(
    gz_admin: User, gz_pool: Pool, gz_member: Membership, expert_record: RecordFactory
) -> None:
    expert_register(
        actor=None,
        pool=gz_pool,
        record=expert_record(name="李四", employer_name="华南理工大学", categories=("energy_saving",)),
    )
    client = client_for(gz_admin)

    by_employer = client.get(list_url(gz_pool), {"search": "华南"}).text
    assert "李四" in by_employer
    assert "张三" not in by_employer

    by_category = client.get(list_url(gz_pool), {"category": "cleaner_production"}).text
    assert "张三" in by_category
    assert "李四" not in by_category

    by_status = client.get(list_url(gz_pool), {"status": "removed"}).text
    assert "张三" not in by_status
    assert "李四" not in by_status


def test_list_filters_by_industry_code_prefix(
    gz_admin: User, gz_pool: Pool, gz_member: Membership, expert_record: RecordFactory
) -> None:
    expert_register(
        actor=None,
        pool=gz_pool,
        record=expert_record(name="王五", categories=("industry",), industry_codes=("3211",)),
    )
    text = client_for(gz_admin).get(list_url(gz_pool), {"industry_code": "32"}).text
    assert "王五" in text
    assert "张三" not in text


def test_bad_filter_value_is_reported_with_its_field_name(gz_admin: User, gz_member: Membership) -> None:
    client = client_for(gz_admin)
    message = "Industry code (prefix): Enter up to 4 letters or digits of a GB/T 4754 code."
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(list_url(gz_member.pool), {"industry_code": "3-2"}, headers=headers)
        assert response.status_code == 200
        assert message in response.text
        assert "张三" in response.text  # the bad filter is left out, the list still shows


def test_list_shows_derived_title_level_age_and_categories(
    gz_admin: User, gz_pool: Pool, expert_record: RecordFactory, time_machine: Any
) -> None:
    time_machine.move_to(datetime.datetime(2025, 6, 14, 12, tzinfo=ZoneInfo("Asia/Shanghai")))
    expert_register(actor=None, pool=gz_pool, record=expert_record(birth_date=datetime.date(1970, 6, 15)))
    text = client_for(gz_admin).get(list_url(gz_pool)).text
    assert "Associate senior (副高级)" in text
    assert "Cleaner production" in text
    assert '<td class="numeric">54</td>' in text  # 55 only from tomorrow (周岁)


def test_htmx_request_gets_only_the_table(gz_admin: User, gz_member: Membership) -> None:
    response = client_for(gz_admin).get(list_url(gz_member.pool), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "张三" in response.text
    assert "HX-Request" in response["Vary"]


def test_full_page_has_the_htmx_filter_form(gz_admin: User, gz_member: Membership) -> None:
    text = client_for(gz_admin).get(list_url(gz_member.pool)).text
    assert 'hx-get="' + list_url(gz_member.pool) + '"' in text
    assert 'hx-target="#expert-results"' in text
    assert 'hx-push-url="true"' in text
    assert 'id="expert-results"' in text


def test_list_paginates_by_25(gz_admin: User, gz_pool: Pool, expert_record: RecordFactory) -> None:
    for _ in range(27):
        expert_register(actor=None, pool=gz_pool, record=expert_record())
    client = client_for(gz_admin)
    first = client.get(list_url(gz_pool))
    second = client.get(list_url(gz_pool), {"page": 2})
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 2
    assert "page=2" in first.text


def _register_many(pool: Pool, make: RecordFactory, count: int) -> None:
    for n in range(count):
        record = make(
            credentials=(
                CredentialRow(kind="title", name="高级工程师", level="associate_senior"),
                CredentialRow(kind="qualification", name="注册环保工程师", certificate_number=f"Q{n}"),
            ),
            categories=("cleaner_production", "industry"),
            industry_codes=("3211",),
        )
        expert_register(actor=None, pool=pool, record=record)


def test_list_query_count_does_not_grow_with_experts(
    gz_admin: User,
    gz_pool: Pool,
    expert_record: RecordFactory,
    django_assert_num_queries: Any,
) -> None:
    client = client_for(gz_admin)
    _register_many(gz_pool, expert_record, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(gz_pool))
    _register_many(gz_pool, expert_record, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(list_url(gz_pool))
    assert len(response.context["rows"]) == 25


def test_reviewer_sees_full_id_number_and_mobile(gz_reviewer: User, gz_member: Membership) -> None:
    expert = gz_member.expert
    text = client_for(gz_reviewer).get(detail_url(gz_member)).text
    assert expert.id_number in text
    assert expert.mobile in text


def test_supervisor_sees_masked_id_number_and_mobile(gz_supervisor: User, gz_member: Membership) -> None:
    expert = gz_member.expert
    response = client_for(gz_supervisor).get(detail_url(gz_member))
    assert response.status_code == 200
    assert expert.id_number not in response.text
    assert expert.mobile not in response.text
    assert mask_id_number(expert.id_number) in response.text
    assert mask_phone(expert.mobile) in response.text


def test_viewing_full_personal_data_is_audited(gz_reviewer: User, gz_member: Membership) -> None:
    client_for(gz_reviewer).get(detail_url(gz_member))
    record = AuditRecord.objects.get(action="expert.personal_data_viewed")
    assert record.actor == gz_reviewer
    assert record.pool == gz_member.pool
    assert record.object_type == "experts.expert"
    assert record.object_id == str(gz_member.expert_id)
    assert gz_member.expert.id_number not in str(record.data)


def test_masked_view_writes_no_personal_data_record(gz_supervisor: User, gz_member: Membership) -> None:
    client_for(gz_supervisor).get(detail_url(gz_member))
    assert not AuditRecord.objects.filter(action="expert.personal_data_viewed").exists()


def test_detail_shows_the_form_sections(gz_admin: User, gz_pool: Pool, expert_record: RecordFactory) -> None:
    record = expert_record(
        credentials=(
            CredentialRow(
                kind="title",
                name="正高级工程师",
                level="full_senior",
                certificate_number="T-2019-001",
                obtained_on=datetime.date(2019, 12, 1),
            ),
            CredentialRow(kind="qualification", name="注册环保工程师", certificate_number="HB-88"),
        ),
        distinctions=("doctoral_supervisor",),
    )
    membership = expert_register(actor=None, pool=gz_pool, record=record)
    response = client_for(gz_admin).get(detail_url(membership))
    text = response.text
    for expected in ("T-2019-001", "2019-12-01", "HB-88", "华南理工大学", "环境工程", "广州市环境技术中心", "工程师"):
        assert expected in text
    assert "Doctoral supervisor (博导)" in text
    assert "Full senior (正高级)" in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_detail_lists_attachments_with_download_links(
    gz_admin: User, gz_member: Membership, attachment: Attachment
) -> None:
    text = client_for(gz_admin).get(detail_url(gz_member)).text
    assert download_url(attachment, gz_member.pool) in text
    assert "身份证.pdf" in text
    assert attachment.file.url not in text


def test_attachment_is_served_as_a_download_and_audited(
    gz_admin: User, gz_member: Membership, attachment: Attachment
) -> None:
    response = client_for(gz_admin).get(download_url(attachment, gz_member.pool))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"  # type: ignore[attr-defined]
    assert AuditRecord.objects.filter(action="attachment.downloaded", object_id=str(attachment.pk)).exists()


def test_attachment_of_another_pool_is_not_found(
    gz_admin: User, gz_member: Membership, attachment: Attachment, ur_pool: Pool
) -> None:
    Attachment.objects.filter(pk=attachment.pk).update(pool=ur_pool)
    assert client_for(gz_admin).get(download_url(attachment, gz_member.pool)).status_code == 404


def test_attachment_of_another_expert_is_not_found(
    gz_admin: User, gz_pool: Pool, attachment: Attachment, expert_record: RecordFactory
) -> None:
    other = expert_register(actor=None, pool=gz_pool, record=expert_record())
    url = reverse(
        "console:attachment_download",
        kwargs={"pool_slug": gz_pool.slug, "expert_id": other.expert_id, "attachment_id": attachment.pk},
    )
    assert client_for(gz_admin).get(url).status_code == 404


def test_detail_counts_draws_invitations_and_service_days(ur_admin: User, ur_pool: Pool) -> None:
    expert_id = member(ur_pool)
    served = seat(at(ur_pool, timezone.now() - datetime.timedelta(days=10)), expert_id, status="accepted")
    PanelSeat.objects.filter(pk=served.pk).update(invited_at=timezone.now())
    seat(at(ur_pool, timezone.now() - datetime.timedelta(days=400)), expert_id, status="declined")
    membership = Membership.objects.get(pool=ur_pool, expert_id=expert_id)

    page = client_for(ur_admin).get(detail_url(membership)).text

    table = page.split('id="service-counts"')[1].split("</table>")[0]
    rows = [re.findall(r"<td>(\d+)</td>", row) for row in table.split("<tr>")[2:]]
    assert rows == [["2", "1", "1", "1"], ["1", "1", "1", "1"]]
    assert "An expert who served 6 times in 365 days is not drawn (UR 第十二条)." in page
