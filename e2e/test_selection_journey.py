"""Journey: selection in the Guangzhou pool, from the request to a reserve's invitation.

A client unit requests an audit assessment for a panel of 3; the pool admin commits
the draw before the numbers exist, enters them and reveals; the first panel member
accepts through the mailed link (which then works no more), the second declines for
a schedule conflict and the first reserve is invited in their place. The unit then
sees exactly the one expert who accepted (GZ 三（五）). Only the people and the pool
are made through the services; every step of the selection is done in the browser.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from e2e.helpers import (
    PageFactory,
    link_in_mail,
    live_site,  # noqa: F401 (an autouse fixture)
    log_in,
    page_factory,
)
from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.models import Activity
from expertpool.audit.models import AuditRecord
from expertpool.core.identifiers import make_uscc
from expertpool.draws.models import PanelSeat
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

UNIT = "广州市黄埔区工业和信息化局"
SUBJECT = "广州市穗丰化工有限公司"
SUBJECT_USCC = make_uscc(area_code="440112", sequence=731)
TITLE = "穗丰化工清洁生产审核评估"
PLACE = "黄埔区政府第三会议室"
# Eight members at eight employers, so the one-per-employer rule excludes nobody; no
# name is part of another, so a table row is found by its name alone.
EXPERTS = {
    "林志强": "华南理工大学",
    "陈秀英": "广东工业大学",
    "黄建国": "广州市环境技术中心",
    "周丽华": "广东省环境科学研究院",
    "吴国栋": "中山大学",
    "郑海燕": "广州能源检测研究院",
    "王建军": "广东省节能中心",
    "何慧敏": "暨南大学",
}
SOURCE = "中国福利彩票双色球第2026135期开奖号码；监督人现场输入的六位数"
RED_BALLS, BLUE_BALL, SUPERVISOR_NUMBER = "27 3 14 9 31 22", "7", "408215"
INVITATION = r"/invitations/[^/\s]+/"


@pytest.fixture
def new_page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    yield from page_factory(browser, live_server.url, request)


@pytest.fixture
def gz_unit(gz_pool: Pool, password: str) -> User:
    """Someone who requests experts for a client unit of the Guangzhou pool."""
    user = User.objects.create_user(username="gz_unit", password=password, email="gz_unit@example.cn")
    unit = organisation_get_or_create(name=UNIT, actor=None)
    pool_role_grant(actor=None, user=user, pool=gz_pool, role=Role.CLIENT_UNIT, organisation=unit)
    return user


@pytest.fixture
def gz_supervisor(gz_pool: Pool, password: str) -> User:
    user = User.objects.create_user(username="gz_supervisor", password=password, display_name="监督员张明")
    pool_role_grant(actor=None, user=user, pool=gz_pool, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def members(gz_pool: Pool) -> None:
    for name, employer in EXPERTS.items():
        record = make_expert_record(name=name, employer_name=employer, categories=("cleaner_production",))
        expert_register(actor=None, pool=gz_pool, record=record)


def local_minutes(moment: datetime.datetime) -> str:
    """The value of a datetime-local input, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def request_activity(page: Page, pool: Pool) -> None:
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(hour=9, minute=0)
    page.goto(reverse("client:home"))
    page.locator(f'a[href="{reverse("client:activity_create", args=[pool.slug])}"]').click()
    page.select_option("#id_kind", "audit_assessment")
    page.fill("#id_title", TITLE)
    page.fill("#id_starts_at", local_minutes(starts))
    page.fill("#id_ends_at", local_minutes(starts + datetime.timedelta(hours=4)))
    page.fill("#id_place", PLACE)
    page.fill("#id_subject_name_1", SUBJECT)
    page.fill("#id_subject_uscc_1", SUBJECT_USCC)
    page.fill("#id_panel_size", "3")
    page.fill("#id_need_cleaner_production", "3")
    page.locator("form.client-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/client/activities/\d+/$"))


def status_is(locator: Locator, status: str) -> None:
    expect(locator).to_have_class(re.compile(rf"\bstatus--{status}\b"))


def panel_section(page: Page) -> Locator:
    return page.locator("section[aria-labelledby=panel-heading]")


def open_draw_page(page: Page, pool: Pool, activity: Activity) -> None:
    """From the pool's activity list, through the activity, to its draw page."""
    args = [pool.slug, activity.pk]
    page.goto(reverse("console:activity_list", args=[pool.slug]))
    page.locator(f'a[href="{reverse("console:activity_detail", args=args)}"]').first.click()
    page.locator(f'a[href="{reverse("console:draw_page", args=args)}"]').first.click()
    expect(page).to_have_url(reverse("console:draw_page", args=args))


def commit_and_reveal(page: Page, supervisor: User) -> None:
    report = page.locator("section[aria-labelledby=report-heading]")
    counts = report.locator("td.numeric")
    expect(counts.first).to_have_text(str(len(EXPERTS)))
    # Nobody is a subject's employee or pool staff: all eight remain at every filter.
    assert set(counts.all_inner_texts()) == {str(len(EXPERTS))}
    page.fill("#id_initial-randomness_source", SOURCE)
    page.select_option("#id_initial-supervisor", str(supervisor.pk))
    page.locator("section[aria-labelledby=commit-heading] button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text(re.compile(r"[0-9a-f]{64}"))
    page.fill("#id_reveal-group_0", RED_BALLS)
    page.fill("#id_reveal-group_1", BLUE_BALL)
    page.fill("#id_reveal-group_2", SUPERVISOR_NUMBER)
    page.locator("form:has(#id_reveal-group_0) button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()


def accept_once(page: Page, link: str) -> None:
    """Accept through the link, signed out; opened again, the link says it was answered."""
    page.goto(link)
    expect(page.locator(".invitation h1")).to_be_visible()
    page.locator(".invitation-choice__accept button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator(".invitation .notice--recorded")).to_be_visible()
    page.goto(link)
    expect(page.locator(".invitation .notice--recorded")).to_be_visible()
    expect(page.locator(".invitation-choice")).to_have_count(0)


def decline_for_schedule(page: Page, link: str) -> None:
    page.goto(link)
    page.locator(".invitation-choice__decline summary").click()
    page.check(f"input[name=reason][value={PanelSeat.DeclineReason.SCHEDULE}]")
    page.locator(".invitation-choice__decline button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator(".invitation .notice--recorded")).to_be_visible()


def seat_row(page: Page, name: str) -> Locator:
    return page.locator("section[aria-labelledby=seats-heading] tbody tr", has_text=name)


def seat(activity: Activity, role: str, position: int) -> PanelSeat:
    return PanelSeat.objects.select_related("expert").get(activity=activity, role=role, position=position)


def test_request_draw_accept_decline_and_the_reserve_is_invited(
    *,
    new_page: PageFactory,
    gz_pool: Pool,
    gz_unit: User,
    gz_admin: User,
    gz_supervisor: User,
    members: None,
    password: str,
    mailoutbox: list[EmailMessage],
) -> None:
    # 1. The client unit requests the activity.
    unit = new_page()
    log_in(unit, gz_unit.username, password)
    request_activity(unit, gz_pool)
    activity = Activity.objects.get(title=TITLE)
    status_is(unit.locator(".page-header .status"), Activity.Status.REQUESTED)
    expect(panel_section(unit).locator("p.empty")).to_be_visible()
    assert activity.panel_size == 3
    assert [(need.category.code, need.count) for need in activity.category_needs.all()] == [("cleaner_production", 3)]

    # 2. The pool admin draws: counts, commitment, numbers, result.
    admin = new_page()
    log_in(admin, gz_admin.username, password)
    open_draw_page(admin, gz_pool, activity)
    commit_and_reveal(admin, gz_supervisor)
    expect(admin.locator("section[aria-labelledby=latest-heading] .table-wrap tbody tr")).to_have_count(3 + 2)
    first, second, reserve = (
        seat(activity, PanelSeat.Role.PANEL, 1),
        seat(activity, PanelSeat.Role.PANEL, 2),
        seat(activity, PanelSeat.Role.RESERVE, 1),
    )
    status_is(seat_row(admin, first.expert.name).locator(".status"), PanelSeat.Status.INVITED)
    status_is(seat_row(admin, reserve.expert.name).locator(".status"), PanelSeat.Status.DRAWN)
    assert not [mail for mail in mailoutbox if reserve.expert.email in mail.to]

    # 3. The first panel member accepts through the link, without signing in; the link works once.
    accept_once(new_page(), link_in_mail(mailoutbox, first.expert.email, INVITATION))
    first.refresh_from_db()
    assert first.status == PanelSeat.Status.ACCEPTED

    # 4. The second declines for a schedule conflict: the first reserve is invited in their place.
    decline_for_schedule(new_page(), link_in_mail(mailoutbox, second.expert.email, INVITATION))
    second.refresh_from_db()
    reserve.refresh_from_db()
    assert second.decline_reason == PanelSeat.DeclineReason.SCHEDULE
    assert second.status == PanelSeat.Status.REPLACED
    assert reserve.status == PanelSeat.Status.INVITED
    assert reserve.replaces_id == second.pk
    assert link_in_mail(mailoutbox, reserve.expert.email, INVITATION)
    admin.reload()
    status_is(seat_row(admin, reserve.expert.name).locator(".status"), PanelSeat.Status.INVITED)
    status_is(seat_row(admin, second.expert.name).locator(".status"), PanelSeat.Status.REPLACED)
    status_is(seat_row(admin, first.expert.name).locator(".status"), PanelSeat.Status.ACCEPTED)

    # 5. The unit sees exactly the one expert who accepted, and that view is audited.
    views_before = AuditRecord.objects.filter(action="panel.viewed", actor=gz_unit).count()
    unit.reload()
    status_is(unit.locator(".page-header .status"), Activity.Status.DRAWN)
    rows = panel_section(unit).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_have_text(first.expert.name)
    for name in EXPERTS.keys() - {first.expert.name}:
        expect(panel_section(unit)).not_to_contain_text(name)
    assert AuditRecord.objects.filter(action="panel.viewed", actor=gz_unit).count() == views_before + 1
