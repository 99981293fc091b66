"""Shared steps of the entry journeys: personas' browser tabs, logging in, mail links and files."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import RESULTS_DIR, phase_failed
from expertpool.applications.tests.factories import tiny_pdf, tiny_png

PageFactory = Callable[[], Page]


@pytest.fixture(autouse=True)
def live_site(settings: Any, live_server: Any, tmp_path: Path) -> None:
    """Import into a journey module: links in mails point at the live server, and
    uploads go to a temporary folder. The live server runs in this process, so it
    shares Django's in-memory test mail box (``mailoutbox``) and these settings."""
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"


def page_factory(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    """For a journey's ``new_page`` fixture: each call opens a tab in a context of its
    own (another person, another browser), closed at teardown; screenshots on failure."""
    pages: list[Page] = []

    def new_page() -> Page:
        context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        pages.append(context.new_page())
        return pages[-1]

    yield new_page
    failed = request.node.stash.get(phase_failed, {}).get("call")
    for number, page in enumerate(pages, start=1):
        if failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            page.screenshot(path=str(RESULTS_DIR / f"{name}.persona{number}.png"), full_page=True)
        page.context.close()


def log_in(page: Page, username: str, password: str) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def link_in_mail(mailbox: list[EmailMessage], to: str, path_pattern: str) -> str:
    """The one link whose path matches ``path_pattern`` in the latest mail to ``to``."""
    mails = [mail for mail in mailbox if to in mail.to]
    if not mails:
        raise AssertionError(f"no mail to {to} among {[mail.to for mail in mailbox]}")
    match = re.search(rf"https?://[^\s/]+{path_pattern}\S*", str(mails[-1].body))
    if match is None:
        raise AssertionError(f"no link matching {path_pattern} in the mail to {to}")
    return match.group(0)


def write_files(folder: Path) -> tuple[Path, Path]:
    """A small valid PDF (a scan) and a small PNG (a photo), as a person has them on disk."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf, png = folder / "扫描件.pdf", folder / "照片.png"
    pdf.write_bytes(tiny_pdf("scan"))
    png.write_bytes(tiny_png())
    return pdf, png


@contextmanager
def autosaved(page: Page) -> Iterator[None]:
    """Wrap the last change of a batch on the application form. The form saves itself
    a second after a change, then refreshes its eligibility panel; waiting for that
    keeps the journey's next request from racing the autosave."""
    with page.expect_response(lambda response: response.url.endswith("/form/eligibility/")):
        yield


def status_of(page: Page, status: str) -> None:
    """The status page (or the unit's review page) shows the application in ``status``."""
    expect(page.locator("#application-status")).to_have_class(re.compile(rf"\bstatus--{status}\b"))
