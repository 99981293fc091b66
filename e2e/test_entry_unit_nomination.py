"""Journey (b): unit nomination with the unit's preliminary review, in the Urumqi pool.

UR is chosen because there every application needs its unit's stamped opinion
(UR 第八条, 附件1 单位意见) — the GZ journeys already cover GZ — so the second pool's
form and policy are driven through the browser too. The unit invites an expert by
e-mail; the expert signs up from the link, accepts, and submits the form (filled in
beforehand through the services, as the form itself is journey (a)'s subject); the
unit reviews it, uploads its stamped scan and recommends it; the application goes on
to qualification review.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.applications.files import application_photo_set
from expertpool.applications.models import Application, Mode, UnitOpinion
from expertpool.applications.services import application_attachment_add, application_save_draft
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import (
    make_applicant,
    make_form_data,
    make_identity,
    pdf_upload,
    required_attachment_kinds,
    tiny_png,
)
from expertpool.organisations.models import Organisation, normalise_name
from expertpool.pools.models import Pool

EXPERT, EXPERT_EMAIL = "李四", "li.si@example.cn"
UNIT = "乌鲁木齐市环境科学研究院"
OPINION = "经本单位初审，该同志业务能力强，材料真实，同意推荐。"


@pytest.fixture
def new_page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    yield from page_factory(browser, live_server.url, request)


@pytest.fixture
def ur_unit(ur_pool: Pool, password: str) -> User:
    """Someone who acts for a nominating unit of the Urumqi pool."""
    user = make_applicant("ur_unit", password=password)
    unit = Organisation.objects.create(name=UNIT, normalised_name=normalise_name(UNIT))
    pool_role_grant(actor=None, user=user, pool=ur_pool, role=Role.NOMINATING_UNIT, organisation=unit)
    return user


def invite(page: Page, pool: Pool) -> None:
    page.goto(reverse("applications:unit_home"))
    form = page.locator(f'form[action="{reverse("applications:unit_invite", args=[pool.slug])}"]')
    form.locator("[name=name]").fill(EXPERT)
    form.locator("[name=email]").fill(EXPERT_EMAIL)
    form.locator("[name=message]").fill("请按链接填写入库申请表，本单位将出具推荐意见。")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(reverse("applications:unit_home"))


def sign_up_from_invitation(page: Page, mailbox: list[EmailMessage], password: str) -> None:
    """Follow the invitation, sign up from it and come back to it, confirmed."""
    page.goto(link_in_mail(mailbox, EXPERT_EMAIL, r"/apply/invitations/[^/\s]+/"))
    invitation = urlsplit(page.url).path
    page.locator(f'a[href^="{reverse("signup")}?next="]').click()
    page.fill("#id_email", EXPERT_EMAIL)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.locator("form:has(#id_password1) button[type=submit]").click()
    expect(page).to_have_url(reverse("signup_sent"))
    page.goto(link_in_mail(mailbox, EXPERT_EMAIL, r"/accounts/confirm/[^/\s]+/"))
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(invitation)


def fill_in_through_services(application: Application) -> None:
    """Everything but the pledge, as journey (a) types it in the browser."""
    person = application.applicant
    birth_date = datetime.date(1972, 3, 8)
    form_data = make_form_data(application.pool, name=EXPERT, email=EXPERT_EMAIL, birth_date=birth_date.isoformat())
    id_number, mobile = make_identity(application.pool, birth_date=birth_date, gender=form_data["gender"])
    application = application_save_draft(
        actor=person, application=application, form_data=form_data, id_number=id_number, mobile=mobile
    )
    photo = SimpleUploadedFile("photo.png", tiny_png(), content_type="image/png")
    application = application_photo_set(actor=person, application=application, file=photo)
    for kind in required_attachment_kinds(application):
        application_attachment_add(actor=person, application=application, kind=kind, file=pdf_upload())


def give_opinion(page: Page, application: Application, scan: Path) -> None:
    page.goto(reverse("applications:unit_home"))
    page.locator(f'a[href="{reverse("applications:unit_review", kwargs={"pk": application.pk})}"]').first.click()
    status_of(page, Status.PRELIMINARY_REVIEW)
    page.check(f"input[name=outcome][value={UnitOpinion.Outcome.RECOMMENDED}]")
    page.fill("#id_opinion", OPINION)
    page.set_input_files("#id_stamped_scan", scan)
    page.locator("form:has(#id_stamped_scan) button[type=submit]").click()
    status_of(page, Status.QUALIFICATION_REVIEW)


def test_unit_nomination_with_the_units_preliminary_review(
    page: Page,
    *,
    new_page: PageFactory,
    ur_pool: Pool,
    ur_unit: User,
    password: str,
    mailoutbox: list[EmailMessage],
    tmp_path: Path,
) -> None:
    unit = new_page()
    log_in(unit, ur_unit.username, password)
    invite(unit, ur_pool)

    sign_up_from_invitation(page, mailoutbox, password)
    page.locator(".invitation form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/apply/\d+/$"))
    application = Application.objects.get(applicant__email=EXPERT_EMAIL)
    assert application.mode == Mode.UNIT
    assert application.nominating_unit is not None
    assert application.nominating_unit.name == UNIT
    status_of(page, Status.DRAFT)

    fill_in_through_services(application)
    page.goto(reverse("applications:form", args=[application.pk]))
    with autosaved(page):
        page.check("input[name=pledge_accept]")
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(reverse("applications:status", args=[application.pk]))
    status_of(page, Status.PRELIMINARY_REVIEW)

    scan, _photo = write_files(tmp_path / "unit")
    give_opinion(unit, application, scan)

    page.reload()
    status_of(page, Status.QUALIFICATION_REVIEW)
    expect(page.locator("body")).to_contain_text(OPINION)
    opinion = UnitOpinion.objects.get(application=application)
    assert opinion.outcome == UnitOpinion.Outcome.RECOMMENDED
    assert opinion.given_by_id == ur_unit.pk
    assert application.attachments.filter(kind="unit_opinion", superseded=False).count() == 1
