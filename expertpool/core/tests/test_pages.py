"""The front page, the console home, the pool dashboard and the base template."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.pools.models import Pool


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pool_home_url(pool: Pool) -> str:
    return reverse("console:pool_home", kwargs={"pool_slug": pool.slug})


def test_front_page_is_chinese_by_default(client: Client, gz_pool: Pool) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "广州市清洁生产专家库" in response.text


def test_language_switch_to_english(client: Client, gz_pool: Pool) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert '<html lang="en">' in page.text
    assert page["Content-Language"] == "en"
    # The pool's own English name replaces the Chinese one.
    assert "Guangzhou Cleaner Production Expert Pool" in page.text
    assert "广州市清洁生产专家库" not in page.text


def test_language_switcher_posts_to_set_language(client: Client, gz_pool: Pool) -> None:
    text = client.get(reverse("home")).text
    assert f'action="{reverse("set_language")}" method="post"' in text
    assert 'name="language" value="en"' in text
    assert 'name="language" value="zh-hans"' in text


def test_pages_carry_no_inline_script_or_style(
    gz_admin: User, gz_pool: Pool, expert_record: Callable[..., ExpertRecord]
) -> None:
    membership = expert_register(actor=None, pool=gz_pool, record=expert_record())
    client = client_for(gz_admin)
    kwargs = {"pool_slug": gz_pool.slug}
    urls = (
        reverse("home"),
        reverse("login"),
        reverse("console:home"),
        pool_home_url(gz_pool),
        reverse("console:expert_list", kwargs=kwargs),
        reverse("console:expert_detail", kwargs={**kwargs, "expert_id": membership.expert_id}),
    )
    for url in urls:
        text = client.get(url).text
        assert " style=" not in text
        assert "<style" not in text
        scripts = re.findall(r"<script[^>]*>", text)
        assert scripts
        assert all("src=" in tag for tag in scripts)


def test_console_requires_login(client: Client, gz_pool: Pool) -> None:
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_console_home_lists_own_pools_with_counts_per_category(
    gz_admin: User, gz_pool: Pool, ur_pool: Pool, expert_record: Callable[..., ExpertRecord]
) -> None:
    expert_register(actor=None, pool=gz_pool, record=expert_record())
    expert_register(actor=None, pool=gz_pool, record=expert_record(categories=("cleaner_production", "energy_saving")))
    response = client_for(gz_admin).get(reverse("console:home"))
    assert response.status_code == 200
    assert [s.pool for s in response.context["summaries"]] == [gz_pool]
    summary = response.context["summaries"][0]
    assert summary.members == 2
    counts = {item.category.code: item.members for item in summary.categories}
    assert counts == {"cleaner_production": 2, "energy_saving": 1, "environmental_protection": 0, "industry": 0}
    assert ur_pool.name not in response.text


def test_console_home_of_outsider_shows_only_their_pool(outsider: User, gz_pool: Pool, ur_pool: Pool) -> None:
    response = client_for(outsider).get(reverse("console:home"))
    assert [s.pool for s in response.context["summaries"]] == [ur_pool]
    assert gz_pool.name not in response.text


def test_pool_dashboard_shows_policy_counts_and_links(
    gz_admin: User, gz_pool: Pool, expert_record: Callable[..., ExpertRecord]
) -> None:
    expert_register(actor=None, pool=gz_pool, record=expert_record())
    response = client_for(gz_admin).get(pool_home_url(gz_pool))
    assert response.status_code == 200
    text = response.text
    assert "关于征集广州市清洁生产专家库专家的通知" in text
    assert "穗循清协〔2025〕15号" in text
    assert gz_pool.policy.version in text
    assert response.context["total"] == 1
    kwargs = {"pool_slug": gz_pool.slug}
    for name in ("expert_list", "eligibility_check", "expert_import", "expert_export"):
        assert reverse(f"console:{name}", kwargs=kwargs) in text
    assert reverse("api-docs") in text


@pytest.mark.parametrize("persona", ["outsider", "gz_client"])
def test_pool_dashboard_is_not_found_for_non_staff(request: pytest.FixtureRequest, persona: str, gz_pool: Pool) -> None:
    response = client_for(request.getfixturevalue(persona)).get(pool_home_url(gz_pool))
    assert response.status_code == 404


def test_login_page_renders_the_form(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text
