"""The public notice pages: what anyone sees without logging in, and objections."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.applications.models import Application, Objection, PublicNotice
from expertpool.applications.notices import (
    objection_file,
    objection_resolve,
    proposed_list_publish,
    sender_digest,
)
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_application_in
from expertpool.core.testing import english_client
from expertpool.pools.models import Pool

# A Monday: the 5 working days after it end on Monday 9 March.
PUBLISHED_ON = datetime.date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: datetime.date, time_machine: Any) -> None:
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def publish(pool: Pool, admin: User, people: int) -> PublicNotice:
    applications = [make_application_in(Status.APPROVED, pool, staff=admin) for _ in range(people)]
    notice = proposed_list_publish(
        actor=admin, pool=pool, title="2026年第一批拟入库专家公示", published_on=PUBLISHED_ON
    )
    assert notice is not None
    assert {a.pk for a in notice.applications.all()} == {a.pk for a in applications}
    return notice


@pytest.fixture
def notice(gz_pool: Pool, gz_admin: User, time_machine: Any) -> PublicNotice:
    on(PUBLISHED_ON + datetime.timedelta(days=1), time_machine)
    return publish(gz_pool, gz_admin, 2)


def detail_url(notice: PublicNotice) -> str:
    return reverse("public:notice_detail", kwargs={"pool_slug": notice.pool.slug, "pk": notice.pk})


def objection(notice: PublicNotice, **overrides: str) -> dict[str, Any]:
    data = {
        "application": notice.applications.order_by("pk").first().pk,  # type: ignore[union-attr]
        "name": "李明",
        "contact": "13800001111",
        "text": "该申请人所填工作年限与实际不符。",
        "website": "",
    }
    return {**data, **overrides}


def test_notice_page_shows_name_employer_title_and_categories_only(notice: PublicNotice) -> None:
    response = english_client().get(detail_url(notice))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026年第一批拟入库专家公示" in html
    assert "2026-03-02" in html
    assert "2026-03-09" in html
    assert "5 working days" in html
    assert "GZ 四（四）" in html
    for application in notice.applications.all():
        data = application.form_data
        assert data["name"] in html
        assert data["employer_name"] in html
        assert "高级工程师, Associate senior" in html
        assert "Cleaner production" in html
        # Nothing more personal: no ID number (nor its digits), phone, e-mail or birth date.
        assert application.id_number not in html
        assert application.id_number[6:14] not in html
        assert application.mobile not in html
        assert data["email"] not in html
        assert application.applicant.email not in html
        assert data["birth_date"] not in html
        assert data["address"] not in html


def test_public_pages_need_no_login(notice: PublicNotice) -> None:
    client = Client()
    assert client.get(reverse("public:index")).status_code == 200
    assert client.get(reverse("public:notice_list", kwargs={"pool_slug": notice.pool.slug})).status_code == 200
    assert client.get(detail_url(notice)).status_code == 200


def test_index_lists_open_notices_and_directories(notice: PublicNotice, ur_pool: Pool) -> None:
    html = english_client().get(reverse("public:index")).content.decode()
    assert detail_url(notice) in html
    assert reverse("public:directory", kwargs={"pool_slug": notice.pool.slug}) in html
    assert reverse("public:directory", kwargs={"pool_slug": ur_pool.slug}) in html
    assert "No public notice is open." in html  # the Urumqi pool has none


def test_notice_list_shows_open_notices_with_their_end(notice: PublicNotice) -> None:
    response = english_client().get(reverse("public:notice_list", kwargs={"pool_slug": notice.pool.slug}))
    html = response.content.decode()
    assert detail_url(notice) in html
    assert "2026-03-09" in html


def test_another_pools_or_closed_notice_is_not_found(notice: PublicNotice, ur_pool: Pool) -> None:
    client = Client()
    wrong_pool = reverse("public:notice_detail", kwargs={"pool_slug": ur_pool.slug, "pk": notice.pk})
    assert client.get(wrong_pool).status_code == 404
    PublicNotice.objects.filter(pk=notice.pk).update(state=PublicNotice.State.CLOSED)
    assert client.get(detail_url(notice)).status_code == 404


def test_notice_page_queries_do_not_grow_with_the_list(
    gz_pool: Pool, gz_admin: User, time_machine: Any, django_assert_num_queries: Any
) -> None:
    on(PUBLISHED_ON, time_machine)
    small = publish(gz_pool, gz_admin, 1)
    client = Client()
    client.get(detail_url(small))  # warm up the session and the policy cache
    with django_assert_num_queries(4) as small_queries:
        client.get(detail_url(small))
    PublicNotice.objects.filter(pk=small.pk).update(state=PublicNotice.State.CLOSED)
    large = publish(gz_pool, gz_admin, 3)
    with django_assert_num_queries(len(small_queries.captured_queries)):
        assert client.get(detail_url(large)).status_code == 200


def test_objection_is_filed_and_thanked(notice: PublicNotice) -> None:
    client = english_client()
    response = client.post(detail_url(notice), objection(notice))
    thanks = reverse("public:objection_thanks", kwargs={"pool_slug": notice.pool.slug, "pk": notice.pk})
    assert response.status_code == 302
    assert response["Location"] == thanks
    stored = Objection.objects.get()
    assert (stored.name, stored.contact, stored.state) == ("李明", "13800001111", Objection.State.OPEN)
    assert stored.sender_digest == sender_digest("127.0.0.1")  # a keyed hash, not the address
    html = client.get(thanks).content.decode()
    assert "will be examined by the pool's reviewers" in html
    assert "contact you through the contact details you gave" in html


def test_objection_requires_name_and_contact(notice: PublicNotice) -> None:
    response = english_client().post(detail_url(notice), objection(notice, name=" ", contact=""))
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["name"] == ["This field is required."]
    assert form.errors["contact"] == ["This field is required."]
    assert "This field is required." in response.content.decode()
    assert not Objection.objects.exists()


def test_objection_must_name_someone_on_the_notice(notice: PublicNotice, gz_pool: Pool, gz_admin: User) -> None:
    other = make_application_in(Status.APPROVED, gz_pool, staff=gz_admin)
    response = english_client().post(detail_url(notice), objection(notice, application=str(other.pk)))
    assert "application" in response.context["form"].errors
    assert not Objection.objects.exists()


def test_objection_after_the_end_date_is_refused(notice: PublicNotice, time_machine: Any) -> None:
    on(notice.ends_on + datetime.timedelta(days=1), time_machine)
    response = english_client().post(detail_url(notice), objection(notice))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The public notice has ended; objections are no longer accepted." in html
    assert not Objection.objects.exists()
    page = english_client().get(detail_url(notice)).content.decode()
    assert "The notice period is over; objections are no longer accepted." in page
    assert 'name="contact"' not in page


def test_objection_on_the_last_day_is_accepted(notice: PublicNotice, time_machine: Any) -> None:
    on(notice.ends_on, time_machine)
    assert english_client().post(detail_url(notice), objection(notice)).status_code == 302
    assert Objection.objects.count() == 1


def test_fourth_objection_from_one_address_in_a_day_is_refused(notice: PublicNotice) -> None:
    client = english_client()
    for _ in range(3):
        assert client.post(detail_url(notice), objection(notice)).status_code == 302
    response = client.post(detail_url(notice), objection(notice))
    assert "Too many objections from this address today" in response.content.decode()
    assert Objection.objects.count() == 3
    # Another address is not held back.
    assert client.post(detail_url(notice), objection(notice), REMOTE_ADDR="10.1.2.3").status_code == 302
    assert Objection.objects.count() == 4


def test_honeypot_filled_is_thanked_but_not_stored(notice: PublicNotice) -> None:
    response = english_client().post(detail_url(notice), objection(notice, website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert not Objection.objects.exists()


def test_honeypot_is_hidden_from_people(notice: PublicNotice) -> None:
    html = english_client().get(detail_url(notice)).content.decode()
    assert 'class="visually-hidden" aria-hidden="true"' in html
    assert 'name="website"' in html


def test_person_rejected_on_an_upheld_objection_leaves_the_list(notice: PublicNotice, gz_reviewer: User) -> None:
    rejected: Application = notice.applications.order_by("pk").first()  # type: ignore[assignment]
    filed = objection_file(
        notice=notice, application=rejected, name="李明", contact="13800001111", text="不实。", sender="10.0.0.1"
    )
    objection_resolve(actor=gz_reviewer, objection=filed, upheld=True, resolution="经核实，工作年限不实。")
    html = Client().get(detail_url(notice)).content.decode()
    assert rejected.form_data["name"] not in html
    assert notice.applications.exclude(pk=rejected.pk).get().form_data["name"] in html
