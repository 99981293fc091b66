"""A pool admin checks an applicant's eligibility and reads the clause that decides it."""

from collections.abc import Callable

from django.urls import reverse
from playwright.sync_api import Page, expect

from expertpool.accounts.models import User
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.pools.models import Pool


def log_in(page: Page, username: str, password: str) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form:has(#id_username) button[type=submit]").click()


def test_pool_admin_sees_the_age_clause_for_a_too_old_applicant(
    page: Page, gz_pool: Pool, gz_admin: User, password: str, expert_record: Callable[..., ExpertRecord]
) -> None:
    for name in ("林志强", "陈秀英", "黄建国"):
        expert_register(actor=None, pool=gz_pool, record=expert_record(name=name))
    expert_list = reverse("console:expert_list", kwargs={"pool_slug": gz_pool.slug})
    eligibility = reverse("console:eligibility_check", kwargs={"pool_slug": gz_pool.slug})

    log_in(page, "gz_admin", password)
    expect(page).to_have_url(reverse("console:home"))
    page.locator(f'a[href="{expert_list}"]').first.click()
    expect(page).to_have_url(expert_list)
    expect(page.get_by_text("陈秀英")).to_be_visible()

    page.locator(f'a[href="{eligibility}"]').first.click()
    expect(page).to_have_url(eligibility)
    page.fill("#id_birth_date", "1950-03-01")
    page.select_option("#id_title_level", "associate_senior")
    page.fill("#id_field_years", "30")
    page.check("input[name=categories][value=cleaner_production]")
    page.locator("#eligibility-form button[type=submit]").click()

    result = page.locator("#eligibility-result")
    expect(result.locator("#eligibility-outcome")).to_have_attribute("data-outcome", "ineligible")
    age_row = result.locator('.reason[data-rule="age_limit"]')
    expect(age_row).to_have_attribute("data-outcome", "fail")
    expect(age_row.locator(".clause")).to_have_text("GZ 二（九）")
    expect(age_row.locator(".clause")).to_be_visible()
