"""Console pages for moving a pool's experts in and out as Excel workbooks."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from expertpool.accounts.models import User
from expertpool.core.exports import XLSX_CONTENT_TYPE
from expertpool.experts.exports import experts_export
from expertpool.experts.imports import GUIDE_SHEET_NAME, MAX_FILE_SIZE, MAX_ROWS, experts_import, import_template
from expertpool.experts.selectors import get_pool_for_user


class ExpertImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_import(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug, write=True)
    form = ExpertImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = experts_import(actor=_user(request), pool=pool, file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if result.ok:
                messages.success(
                    request,
                    ngettext("%(count)d expert was imported.", "%(count)d experts were imported.", result.created)
                    % {"count": result.created},
                )
                return redirect("console:expert_import", pool_slug=pool.slug)
    context = {
        "pool": pool,
        "form": form,
        "result": result,
        "max_rows": MAX_ROWS,
        "max_size_mb": MAX_FILE_SIZE // (1024 * 1024),
        "guide_sheet": GUIDE_SHEET_NAME,
    }
    return render(request, "experts/io/import.html", context)


@login_required
@require_GET
def expert_import_template(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug, write=True)
    return _xlsx_response(import_template(pool=pool), f"{pool.slug}-import-template.xlsx")


@login_required
@require_GET
def expert_export(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = get_pool_for_user(request.user, pool_slug)
    content = experts_export(actor=_user(request), pool=pool)
    return _xlsx_response(content, f"{pool.slug}-experts-{timezone.localdate():%Y%m%d}.xlsx")


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # login_required has let only signed-in users through.
        raise Http404
    return request.user


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # Names are built from the pool's slug and a date: plain ASCII, no quoting needed.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no copy in browser or proxy caches.
    response["Cache-Control"] = "no-store"
    return response
