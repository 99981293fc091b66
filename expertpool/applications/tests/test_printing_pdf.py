"""The printable application form as PDF: A4, a CJK font embedded, the applicant's data
and categories in the text, UR's pledge on page 2. One render per pool for the module."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from expertpool.accounts.models import User
from expertpool.applications.printing.forms import printed_form
from expertpool.applications.printing.pdf import render_pdf
from expertpool.applications.tests.test_printing import make_application, make_pool

A4_POINTS = (595, 842)
# Marked so that pytest-django sets up the test database for the module fixture below.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdfs(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each shipped pool's filled form, rendered once; the data is rolled back at once."""
    rendered: dict[str, bytes] = {}
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        applicant = User.objects.create_user(username="zhangsan", password=None)
        for slug in ("gz-cleaner-production", "urumqi-eco-environment"):
            application = make_application(make_pool(slug), applicant)
            rendered[slug] = render_pdf(printed_form(pool=application.pool, application=application))
        transaction.set_rollback(True)
    return rendered


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts whose program is embedded (a FontFile* in the descriptor)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]))
    return names


@pytest.mark.parametrize("slug", ["gz-cleaner-production", "urumqi-eco-environment"])
def test_pdf_is_a4_with_a_cjk_font_embedded(pdfs: dict[str, bytes], slug: str) -> None:
    pdf = pdfs[slug]
    first = PdfReader(io.BytesIO(pdf)).pages[0]

    assert pdf.startswith(b"%PDF")
    assert tuple(round(float(side)) for side in first.mediabox.upper_right) == A4_POINTS
    assert any("CJK" in name for name in embedded_fonts(pdf))


def test_gz_pdf_has_the_name_rows_and_ticked_categories(pdfs: dict[str, bytes]) -> None:
    text = "\n".join(text_of(pdfs["gz-cleaner-production"]))

    assert "张三" in text
    assert "广州市清洁生产专家入库申请表" in text
    assert "☑清洁生产" in text
    assert "☐节能" in text
    assert "3211铜冶炼" in text
    assert text.index("教育背景") < text.index("工作简历") < text.index("推荐单位意见")


def test_ur_pdf_has_the_name_categories_and_the_pledge_page(pdfs: dict[str, bytes]) -> None:
    pages = text_of(pdfs["urumqi-eco-environment"])

    assert "张三" in pages[0]
    assert "☑环境工程" in pages[0]
    assert "☑气候变化" in pages[0]
    assert "☐核与辐射" in "".join(pages[:-1])
    assert "专家承诺书" in pages[-1]
    assert "特此承诺。" in pages[-1]
    assert "专家承诺书" not in "".join(pages[:-1])
