"""Journey (c): during the GZ pool's public notice someone objects to a proposed expert;
a reviewer upholds the objection and the application is rejected (GZ 四（四））."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import (
    PageFactory,
    live_site,  # noqa: F401 (an autouse fixture)
    log_in,
    page_factory,
    status_of,
)
from expertpool.accounts.models import User
from expertpool.applications.models import Objection, PublicNotice
from expertpool.applications.notices import proposed_list_publish
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_applicant, make_application_in
from expertpool.experts.models import Membership
from expertpool.pools.models import Pool

OBJECTION = "该申请人的清洁生产审核业绩与实际不符，其所列项目由他人完成。"
REASON = "经核实，所列业绩不属实，异议成立。"


@pytest.fixture
def new_page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    yield from page_factory(browser, live_server.url, request)


def test_an_objection_upheld_during_the_notice_rejects_the_application(
    page: Page, *, new_page: PageFactory, gz_pool: Pool, gz_admin: User, gz_reviewer: User, password: str
) -> None:
    # Approved through the real services, then published today, so that the notice is
    # open now (the factories' own notice date lies in the past).
    applicant = make_applicant("zhao_lei", password=password)
    application = make_application_in(Status.APPROVED, gz_pool, applicant, staff=gz_admin, name="赵磊")
    notice = proposed_list_publish(actor=gz_admin, pool=gz_pool)
    assert isinstance(notice, PublicNotice)

    # Anyone, not logged in, objects on the public page.
    page.goto(reverse("public:notice_detail", args=[gz_pool.slug, notice.pk]))
    page.select_option("#id_application", str(application.pk))
    page.fill("#id_name", "李明")
    page.fill("#id_contact", "13800001111")
    page.fill("#id_text", OBJECTION)
    page.locator("form:has(#id_text) button[type=submit]").click()
    expect(page).to_have_url(reverse("public:objection_thanks", args=[gz_pool.slug, notice.pk]))
    objection = Objection.objects.get(application=application)

    reviewer = new_page()
    log_in(reviewer, gz_reviewer.username, password)
    reviewer.goto(reverse("console:notice_list", kwargs={"pool_slug": gz_pool.slug}))
    reviewer.locator(f'a[href="{reverse("console:notice_detail", args=[gz_pool.slug, notice.pk])}"]').click()
    filed = reviewer.locator(f"#objection-{objection.pk}")
    expect(filed).to_contain_text(OBJECTION)
    filed.locator(f"input[name=objection-{objection.pk}-outcome][value={Objection.State.UPHELD}]").check()
    filed.locator(f"[name=objection-{objection.pk}-resolution]").fill(REASON)
    filed.locator("button[type=submit]").click()
    expect(filed).to_contain_text(REASON)
    expect(filed.locator("form")).to_have_count(0)

    person = new_page()
    log_in(person, applicant.username, password)
    person.goto(reverse("applications:status", args=[application.pk]))
    status_of(person, Status.REJECTED)
    expect(person.locator("tr", has_text=REASON).locator(".status")).to_have_class(
        re.compile(rf"\bstatus--{Status.REJECTED}\b")
    )

    application.refresh_from_db()
    assert application.membership is None
    assert not Membership.objects.filter(pool=gz_pool).exists()
