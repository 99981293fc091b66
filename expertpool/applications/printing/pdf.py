"""The printed form as PDF, ready to print, sign and stamp.

WeasyPrint lays out an HTML rendering of the same ``Form`` (templates in
``applications/print/``). The fonts are system fonts found through fontconfig:
Noto Serif CJK (Debian ``fonts-noto-cjk``) for Chinese, DejaVu Sans for the
checkbox glyphs; WeasyPrint embeds the subset it uses, so the file prints the same
anywhere. Only ``data:`` URLs are fetched: the form never loads anything else.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from expertpool.applications.printing.layout import MIN_ROW_HEIGHT, Form, Photo


def render_pdf(form: Form) -> bytes:
    # Imported here: WeasyPrint loads pango when imported, and a machine without it
    # should lose the PDF download only, not every page of the site.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # noqa: PLC0415
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # noqa: PLC0415

    context = _context(form)
    fetcher = URLFetcher(allowed_protocols={"data"})
    html = HTML(string=render_to_string("applications/print/form.html", context), url_fetcher=fetcher)
    css = CSS(string=render_to_string("applications/print/form.css", context), url_fetcher=fetcher)
    pdf: bytes = html.write_pdf(stylesheets=[css])
    return pdf


def _context(form: Form) -> dict[str, Any]:
    return {
        "form": form,
        "photo": _data_uri(form.photo),
        # Column widths per page, as percentages of the text width.
        "widths": [[round(100 * width / sum(page.columns), 2) for width in page.columns] for page in form.pages],
        "min_height": MIN_ROW_HEIGHT,
        "heights": sorted({cell.height for page in form.pages for row in page.rows for cell in row if cell.height}),
    }


def _data_uri(photo: Photo | None) -> str:
    if photo is None:
        return ""
    return f"data:{photo.content_type};base64,{base64.b64encode(photo.data).decode()}"
