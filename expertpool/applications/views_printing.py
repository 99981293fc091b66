"""Downloads of the printable application form (.docx and PDF), filled or blank."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.http import FileResponse, HttpRequest
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET

from expertpool.accounts.models import User
from expertpool.applications.printing.access import get_application_for_print, get_pool_for_blank_form
from expertpool.applications.printing.docx import render_docx
from expertpool.applications.printing.forms import printed_form
from expertpool.applications.printing.layout import Form
from expertpool.applications.printing.pdf import render_pdf
from expertpool.audit.services import audit_log

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Renderer = tuple[Callable[[Form], bytes], str, str]
RENDERERS: dict[str, Renderer] = {"docx": (render_docx, DOCX, "docx"), "pdf": (render_pdf, "application/pdf", "pdf")}


@require_GET
def print_docx(request: HttpRequest, pk: int) -> FileResponse:
    return _application_form(request, pk, "docx")


@require_GET
def print_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _application_form(request, pk, "pdf")


@require_GET
def blank_docx(request: HttpRequest, pool_slug: str) -> FileResponse:
    return _blank_form(pool_slug, "docx")


@require_GET
def blank_pdf(request: HttpRequest, pool_slug: str) -> FileResponse:
    return _blank_form(pool_slug, "pdf")


def _application_form(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The filled form. Staff who get the ID number and mobile in full are audited as
    ``application.personal_data_viewed``, as on the review page; the applicant is not."""
    user = request.user
    application, full = get_application_for_print(user, pk)
    if full and isinstance(user, User) and application.applicant_id != user.pk:
        audit_log(
            actor=user,
            action="application.personal_data_viewed",
            target=application,
            pool=application.pool,
            data={"fields": ["id_number", "mobile"], "via": f"print_{kind}"},
        )
    form = printed_form(pool=application.pool, application=application, full_personal_data=full)
    name = str(application.form_data.get("name") or application.pk)
    response = _attachment(form, kind, f"入库申请表-{name}")
    # Personal data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _blank_form(pool_slug: str, kind: str) -> FileResponse:
    pool = get_pool_for_blank_form(pool_slug)
    return _attachment(printed_form(pool=pool, application=None), kind, f"{pool.name}-入库申请表")


def _attachment(form: Form, kind: str, stem: str) -> FileResponse:
    render, content_type, suffix = RENDERERS[kind]
    # FileResponse sends a Chinese file name RFC 5987-encoded (filename*=utf-8''…).
    return FileResponse(
        io.BytesIO(render(form)),
        as_attachment=True,
        filename=get_valid_filename(f"{stem}.{suffix}"),
        content_type=content_type,
    )
