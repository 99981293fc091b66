"""Journey (a): a person signs up, applies to the GZ pool on their own (self-nomination),
is approved in qualification review, goes through the public notice and is admitted
(GZ 四（一）（三）（四））."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import (
    PageFactory,
    autosaved,
    link_in_mail,
    live_site,  # noqa: F401 (an autouse fixture)
    log_in,
    page_factory,
    status_of,
    write_files,
)
from expertpool.accounts.models import User
from expertpool.applications.models import Application, PublicNotice
from expertpool.applications.states import Status
from expertpool.applications.tasks import admit_due_applications
from expertpool.core.identifiers import make_id_number
from expertpool.pools.models import Pool

SHANGHAI = ZoneInfo("Asia/Shanghai")
EMAIL = "wang.fang@example.cn"
BIRTH_DATE = datetime.date(1975, 5, 17)
ID_NUMBER = make_id_number(area_code="440106", birth_date=BIRTH_DATE, sequence=17, gender="female")
MOBILE = "13912345678"
NAME, EMPLOYER = "王芳", "广州市环境技术中心"


@pytest.fixture
def new_page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    yield from page_factory(browser, live_server.url, request)


def sign_up_and_confirm(page: Page, mailbox: list[EmailMessage], password: str) -> None:
    page.goto(reverse("signup"))
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.locator("form:has(#id_password1) button[type=submit]").click()
    expect(page).to_have_url(reverse("signup_sent"))

    page.goto(link_in_mail(mailbox, EMAIL, r"/accounts/confirm/[^/\s]+/"))
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(reverse("applications:home"))


def fill_form(page: Page, pool: Pool) -> None:
    """Every field of the GZ form (附件), as the applicant types it."""
    page.fill("#id_name", NAME)
    page.check("input[name=gender][value=female]")
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_birth_date", BIRTH_DATE.isoformat())
    page.fill("#id_employer_name", EMPLOYER)
    page.fill("#id_position", "总工程师")
    page.fill("[name=titles-0-name]", "高级工程师")
    page.select_option("[name=titles-0-level]", "associate_senior")
    page.fill("[name=titles-0-obtained_on]", "2010-12-01")
    page.fill("[name=titles-0-certificate_number]", "T2010-0088")
    page.fill("#id_current_specialty", "清洁生产审核")
    page.fill("#id_field_years", "12")
    page.fill("#id_address", "广州市天河区天河路1号")
    page.fill("#id_mobile", MOBILE)
    page.fill("#id_email", EMAIL)
    page.fill("[name=education-0-start_month]", "1996-09")
    page.fill("[name=education-0-end_month]", "1999-07")
    page.fill("[name=education-0-institution]", "华南理工大学")
    page.fill("[name=education-0-major]", "环境工程")
    page.fill("[name=education-0-education_level]", "研究生")
    page.select_option("[name=education-0-degree]", "master")
    page.fill("[name=work_history-0-start_month]", "1999-07")
    page.fill("[name=work_history-0-employer_name]", EMPLOYER)
    page.fill("[name=work_history-0-position]", "工程师")
    page.select_option("[name=achievements-0-kind]", "project")
    page.fill("[name=achievements-0-title]", "重点企业清洁生产审核")
    page.fill("[name=achievements-0-year]", "2020")
    page.check("input[name=categories][value=cleaner_production]")
    page.check("input[name=employment_status][value=in_service]")
    declarations = [declaration.code for declaration in pool.policy.rules.declarations]
    for code in declarations[:-1]:
        page.check(f"input[name=declarations][value={code}]")
    with autosaved(page):
        page.check(f"input[name=declarations][value={declarations[-1]}]")


def upload_documents(page: Page, pool: Pool, folder: Path) -> None:
    """The photo and each document the policy always asks for, each by its own button."""
    pdf, png = write_files(folder)
    kinds = [attachment.code for attachment in pool.policy.rules.attachments if attachment.required == "always"]
    with autosaved(page):
        page.set_input_files("#id_photo", png)
        for kind in kinds:
            page.set_input_files(f"#id_attachment-{kind}", pdf)
    page.locator("#photo-control button[type=submit]").click()
    expect(page.locator("#photo-control img.photo-preview")).to_be_visible()
    for kind in kinds:
        page.locator(f"#attachment-{kind} button[type=submit]").click()
        expect(page.locator(f"#attachment-{kind} .attachment__files a")).to_have_text(pdf.name)


def review_and_approve(page: Page, pool: Pool, application: Application) -> None:
    page.goto(reverse("console:application_list", kwargs={"pool_slug": pool.slug}))
    page.locator(f'a[href="{reverse("console:application_review", args=[pool.slug, application.pk])}"]').click()
    for declaration in pool.policy.rules.declarations:
        page.check(f"#declaration-{declaration.code}")
    page.check("input[name=outcome][value=approve]")
    page.locator("form.decision-form button[type=submit]").click()
    expect(page.locator(".page-header .status")).to_have_class(re.compile(rf"\bstatus--{Status.APPROVED}\b"))


def publish_proposed_list(page: Page, pool: Pool) -> PublicNotice:
    page.goto(reverse("console:application_list", kwargs={"pool_slug": pool.slug}))
    page.locator(f'a[href="{reverse("console:proposed_list", kwargs={"pool_slug": pool.slug})}"]').click()
    page.locator("form:has(input[name=title]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/notices/\d+/$"))
    notice = PublicNotice.objects.get(pool=pool)
    expect(page).to_have_url(reverse("console:notice_detail", args=[pool.slug, notice.pk]))
    return notice


def read_public_notice(page: Page, pool: Pool, notice: PublicNotice) -> None:
    page.goto(reverse("public:notice_list", kwargs={"pool_slug": pool.slug}))
    page.locator(f'a[href="{reverse("public:notice_detail", args=[pool.slug, notice.pk])}"]').click()
    row = page.locator("section[aria-labelledby=people-heading] tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text(NAME)
    expect(row.locator("td").first).to_have_text(EMPLOYER)
    expect(page.locator("body")).not_to_contain_text(ID_NUMBER)
    expect(page.locator("body")).not_to_contain_text(MOBILE)


def test_self_nomination_from_sign_up_to_admission_after_public_notice(
    page: Page,
    *,
    new_page: PageFactory,
    gz_pool: Pool,
    gz_reviewer: User,
    gz_admin: User,
    password: str,
    mailoutbox: list[EmailMessage],
    tmp_path: Path,
    time_machine: Any,
) -> None:
    sign_up_and_confirm(page, mailoutbox, password)
    page.locator(f'form[action="{reverse("applications:start", args=[gz_pool.slug])}"] button').click()
    expect(page).to_have_url(re.compile(r"/apply/\d+/form/$"))
    application = Application.objects.get(applicant__email=EMAIL)
    fill_form(page, gz_pool)
    upload_documents(page, gz_pool, tmp_path / "documents")
    with autosaved(page):
        page.check("input[name=pledge_accept]")
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(reverse("applications:status", args=[application.pk]))
    status_of(page, Status.QUALIFICATION_REVIEW)

    reviewer = new_page()
    log_in(reviewer, gz_reviewer.username, password)
    review_and_approve(reviewer, gz_pool, application)

    admin = new_page()
    log_in(admin, gz_admin.username, password)
    notice = publish_proposed_list(admin, gz_pool)
    page.reload()
    status_of(page, Status.IN_NOTICE)

    read_public_notice(new_page(), gz_pool, notice)

    # A week passes. Back-dating the notice or editing its end date would falsify what
    # the browser published; instead the server's clock moves to the morning after the
    # notice's last day and the scheduler's own task (what run_scheduler enqueues) runs
    # as it would then, on the notice and application exactly as the browser left them.
    after = notice.ends_on + datetime.timedelta(days=1)
    time_machine.move_to(datetime.datetime(after.year, after.month, after.day, 9, tzinfo=SHANGHAI))
    assert admit_due_applications.enqueue().return_value == [application.pk]

    page.reload()
    status_of(page, Status.ADMITTED)
    application.refresh_from_db()
    assert application.membership is not None
    assert application.membership.admitted_on == after
    assert [c.code for c in application.membership.categories.all()] == ["cleaner_production"]
    assert application.membership.expert.user_id == application.applicant_id
    assert mailoutbox[-1].to == [EMAIL]
