"""Chinese first, English switchable: the catalogue is complete and in use."""

import datetime
import re

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from expertpool.eligibility.engine import evaluate
from expertpool.eligibility.profile import parse_profile
from expertpool.pools.policy import parse_policy, shipped_policy_path

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_pages_are_chinese_by_default(client: Client, db: None) -> None:
    page = client.get("/").content.decode()

    assert '<html lang="zh-hans"' in page
    assert "专家库管理平台" in page
    # The switch names each language in itself.
    assert ">English</button>" in page


def test_english_is_one_switch_away(client: Client, db: None) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()

    assert '<html lang="en"' in page
    assert "Expert-pool platform" in page


@pytest.mark.django_db
def test_every_reason_carries_a_chinese_and_an_english_message() -> None:
    policy = parse_policy(shipped_policy_path("gz-cleaner-production").read_text(encoding="utf-8"))
    profile = parse_profile(
        {
            "birth_date": "1950-01-01",
            "title_level": "associate_senior",
            "field_years": 10,
            "categories": ["energy_saving"],
        },
        policy=policy,
    )
    decision = evaluate(profile=profile, policy=policy, on_date=datetime.date(2026, 11, 21))

    for reason in decision.reasons:
        assert CJK.search(reason.message_zh), reason
        assert reason.message_zh != reason.message_en


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client: Client, db: None) -> None:
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="zh-hans"' in page


def test_chinese_catalogue_translates_every_message() -> None:
    """Chinese is the platform's first language: no English may leak into a page."""
    with (settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalogue = read_po(po)
    missing = [
        (message.context, message.id)
        for message in catalogue
        if message.id
        and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]

    assert len(catalogue) > 1000
    assert missing == []


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)
