"""The proposed list, publishing it, objections and admission, from the console."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import Role, User
from expertpool.applications.models import Application, Objection, PublicNotice
from expertpool.applications.notices import objection_file, proposed_list_publish
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_application_in, make_staff
from expertpool.core.testing import english_client
from expertpool.experts.models import Membership
from expertpool.pools.models import Pool

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday before National Day: 29 and 30 September, 8 and 9 October, then Saturday
# 10 October, a make-up working day, make the five working days.
PUBLISHED_ON = datetime.date(2026, 9, 28)
ENDS_ON = datetime.date(2026, 10, 10)

_people = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary folder, not the project's own."""
    settings.MEDIA_ROOT = tmp_path


def client_for(user: User) -> Client:
    client = english_client()
    client.force_login(user)
    return client


def quiet_applicant() -> User:
    """An applicant without e-mail: the workflow's mail is tested with the applicant's pages."""
    return User.objects.create_user(username=f"noticed{next(_people)}", password="applicant password 1")


def on(day: datetime.date, time_machine: Any) -> None:
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def approved(pool: Pool, staff: User, name: str) -> Application:
    return make_application_in(Status.APPROVED, pool, quiet_applicant(), staff=staff, name=name)


def proposed_url(pool: Pool) -> str:
    return reverse("console:proposed_list", kwargs={"pool_slug": pool.slug})


def notice_url(notice: PublicNotice) -> str:
    return reverse("console:notice_detail", kwargs={"pool_slug": notice.pool.slug, "pk": notice.pk})


def resolve_url(objection: Objection) -> str:
    notice = objection.notice
    return reverse(
        "console:objection_resolve",
        kwargs={"pool_slug": notice.pool.slug, "pk": notice.pk, "objection_id": objection.pk},
    )


def admit_url(pool: Pool) -> str:
    return reverse("console:notices_admit", kwargs={"pool_slug": pool.slug})


@pytest.fixture
def notice(gz_pool: Pool, gz_admin: User, time_machine: Any) -> PublicNotice:
    on(PUBLISHED_ON, time_machine)
    approved(gz_pool, gz_admin, "王芳")
    approved(gz_pool, gz_admin, "李雷")
    published = proposed_list_publish(actor=gz_admin, pool=gz_pool, published_on=PUBLISHED_ON)
    assert published is not None
    return published


def objection_to(notice: PublicNotice, name: str) -> Objection:
    application = notice.applications.get(form_data__name=name)
    return objection_file(
        notice=notice,
        application=application,
        name="李明",
        contact="13800001111",
        text="该申请人所填工作年限与实际不符。",
        sender="203.0.113.7",
        today=PUBLISHED_ON,
    )


def test_gz_proposed_list_shows_the_notice_end_date_before_publishing(
    gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    on(PUBLISHED_ON, time_machine)
    approved(gz_pool, gz_admin, "王芳")
    response = client_for(gz_admin).get(proposed_url(gz_pool))
    assert "王芳" in response.text
    assert response.context["preview_ends_on"] == ENDS_ON
    assert "ends on 2026-10-10" in response.text
    assert "Publish the public notice" in response.text


def test_gz_publishing_opens_a_notice_of_five_working_days(gz_pool: Pool, gz_admin: User, time_machine: Any) -> None:
    on(PUBLISHED_ON, time_machine)
    first, second = approved(gz_pool, gz_admin, "王芳"), approved(gz_pool, gz_admin, "李雷")
    response = client_for(gz_admin).post(proposed_url(gz_pool), {"title": "2026年第一批拟入库专家公示"}, follow=True)
    notice = PublicNotice.objects.get()
    assert (notice.published_on, notice.ends_on, notice.working_days) == (PUBLISHED_ON, ENDS_ON, 5)
    assert notice.title == "2026年第一批拟入库专家公示"
    assert set(notice.applications.all()) == {first, second}
    assert set(Application.objects.values_list("status", flat=True)) == {Status.IN_NOTICE}
    assert response.redirect_chain[-1][0] == notice_url(notice)
    assert "2026-10-10" in response.text
    assert "王芳" in response.text


def test_ur_proposed_list_says_publishing_admits_directly(ur_pool: Pool, ur_admin: User) -> None:
    approved(ur_pool, ur_admin, "阿依古丽")
    text = client_for(ur_admin).get(proposed_url(ur_pool)).text
    assert "no public notice: publishing admits the applicants" in text
    assert "UR 第九条" in text
    assert "Publish and admit" in text


def test_ur_publishing_admits_with_a_three_year_term(ur_pool: Pool, ur_admin: User, time_machine: Any) -> None:
    on(PUBLISHED_ON, time_machine)
    application = approved(ur_pool, ur_admin, "阿依古丽")
    response = client_for(ur_admin).post(proposed_url(ur_pool), {"title": ""}, follow=True)
    assert "1 applicant admitted." in response.text
    application.refresh_from_db()
    assert application.status == Status.ADMITTED
    membership = Membership.objects.get(pool=ur_pool)
    assert application.membership == membership
    assert membership.admitted_on == PUBLISHED_ON
    assert membership.term_ends_on == datetime.date(2029, 9, 27)
    assert not PublicNotice.objects.exists()


def test_only_pool_admins_publish(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    application = approved(gz_pool, gz_admin, "王芳")
    client = client_for(gz_reviewer)
    assert "admins may publish the proposed list" in client.get(proposed_url(gz_pool)).text
    assert client.post(proposed_url(gz_pool), {"title": ""}).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert not PublicNotice.objects.exists()


def test_publishing_an_empty_list_is_refused_with_a_message(gz_pool: Pool, gz_admin: User) -> None:
    response = client_for(gz_admin).post(proposed_url(gz_pool), {"title": ""})
    assert response.status_code == 200
    assert "The proposed list is empty." in response.text
    assert not PublicNotice.objects.exists()


def test_notice_page_lists_applicants_and_objections_with_resolve_forms(
    notice: PublicNotice, gz_reviewer: User
) -> None:
    objection = objection_to(notice, "王芳")
    text = client_for(gz_reviewer).get(notice_url(notice)).text
    assert "王芳" in text
    assert "李雷" in text
    assert "该申请人所填工作年限与实际不符。" in text
    assert resolve_url(objection) in text


def test_upheld_objection_rejects_the_application(notice: PublicNotice, gz_reviewer: User) -> None:
    objection = objection_to(notice, "王芳")
    prefix = f"objection-{objection.pk}"
    response = client_for(gz_reviewer).post(
        resolve_url(objection), {f"{prefix}-outcome": "upheld", f"{prefix}-resolution": "经核实，工作年限不足。"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == Objection.State.UPHELD
    assert objection.resolution == "经核实，工作年限不足。"
    assert objection.resolved_by == gz_reviewer
    objection.application.refresh_from_db()
    assert objection.application.status == Status.REJECTED
    other = notice.applications.get(form_data__name="李雷")
    assert other.status == Status.IN_NOTICE


def test_resolving_without_a_reason_is_refused_and_nothing_changes(notice: PublicNotice, gz_reviewer: User) -> None:
    objection = objection_to(notice, "王芳")
    prefix = f"objection-{objection.pk}"
    response = client_for(gz_reviewer).post(
        resolve_url(objection), {f"{prefix}-outcome": "dismissed", f"{prefix}-resolution": ""}
    )
    assert response.status_code == 200
    assert "Give the reason for this decision." in response.text
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN


def test_supervisor_can_read_but_not_resolve_or_admit(notice: PublicNotice, gz_pool: Pool, time_machine: Any) -> None:
    objection = objection_to(notice, "王芳")
    supervisor_user = make_staff(gz_pool, Role.SUPERVISOR)
    supervisor = client_for(supervisor_user)
    text = supervisor.get(notice_url(notice)).text
    assert "该申请人所填工作年限与实际不符。" in text
    assert resolve_url(objection) not in text
    assert "Run admission now" not in text
    prefix = f"objection-{objection.pk}"
    data = {f"{prefix}-outcome": "upheld", f"{prefix}-resolution": "越权。"}
    assert supervisor.post(resolve_url(objection), data).status_code == 403
    on(ENDS_ON + datetime.timedelta(days=2), time_machine)
    # Signed in again: the session of the first day has expired by now.
    supervisor.force_login(supervisor_user)
    assert supervisor.post(admit_url(gz_pool)).status_code == 403
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN
    assert not Membership.objects.exists()


def test_run_admission_now_admits_those_without_an_open_objection(
    notice: PublicNotice, gz_pool: Pool, gz_admin: User, time_machine: Any
) -> None:
    objection_to(notice, "王芳")
    # Still running on its last day: nobody is admitted yet.
    on(ENDS_ON, time_machine)
    response = client_for(gz_admin).post(admit_url(gz_pool), {"notice": notice.pk}, follow=True)
    assert "Nobody was admitted" in response.text
    assert not Membership.objects.exists()
    on(ENDS_ON + datetime.timedelta(days=2), time_machine)
    response = client_for(gz_admin).post(admit_url(gz_pool), {"notice": notice.pk}, follow=True)
    assert response.redirect_chain[-1][0] == notice_url(notice)
    assert "1 applicant admitted." in response.text
    statuses = dict(notice.applications.values_list("form_data__name", "status"))
    assert statuses == {"王芳": Status.IN_NOTICE, "李雷": Status.ADMITTED}
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.OPEN


def test_dismissing_the_last_objection_lets_admission_close_the_notice(
    notice: PublicNotice, gz_pool: Pool, gz_admin: User, gz_reviewer: User, time_machine: Any
) -> None:
    objection = objection_to(notice, "王芳")
    prefix = f"objection-{objection.pk}"
    client_for(gz_reviewer).post(
        resolve_url(objection), {f"{prefix}-outcome": "dismissed", f"{prefix}-resolution": "经核实，反映不属实。"}
    )
    on(ENDS_ON + datetime.timedelta(days=2), time_machine)
    client_for(gz_admin).post(admit_url(gz_pool))
    assert set(notice.applications.values_list("status", flat=True)) == {Status.ADMITTED}
    assert Membership.objects.filter(pool=gz_pool).count() == 2
    notice.refresh_from_db()
    assert notice.state == PublicNotice.State.CLOSED


def test_run_admission_now_is_limited_to_the_pool(
    notice: PublicNotice, ur_pool: Pool, ur_admin: User, time_machine: Any
) -> None:
    on(ENDS_ON + datetime.timedelta(days=2), time_machine)
    client_for(ur_admin).post(admit_url(ur_pool))
    assert set(notice.applications.values_list("status", flat=True)) == {Status.IN_NOTICE}


def test_outsider_finds_no_notice_and_cannot_act(notice: PublicNotice, outsider: User, time_machine: Any) -> None:
    objection = objection_to(notice, "王芳")
    client = client_for(outsider)
    assert client.get(notice_url(notice)).status_code == 404
    prefix = f"objection-{objection.pk}"
    data = {f"{prefix}-outcome": "upheld", f"{prefix}-resolution": "越权。"}
    assert client.post(resolve_url(objection), data).status_code == 404
    on(ENDS_ON + datetime.timedelta(days=2), time_machine)
    assert client_for(outsider).post(admit_url(notice.pool)).status_code == 404
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN
    assert not Membership.objects.exists()


def test_notice_list_counts_applicants_and_open_objections(notice: PublicNotice, gz_admin: User) -> None:
    objection_to(notice, "王芳")
    response = client_for(gz_admin).get(reverse("console:notice_list", kwargs={"pool_slug": notice.pool.slug}))
    listed = response.context["notices"][0]
    assert (listed.application_count, listed.open_objections) == (2, 1)
    assert "2026-10-10" in response.text
