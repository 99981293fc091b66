"""The pool staff's draw pages: the draw page of an activity, the supervisor's list of
draws, and each draw's record (JSON) and sheet (PDF).

Pool staff (admins, reviewers, supervisors) read; only pool admins commit and
reveal, which the services enforce (403) and the page reflects by hiding the
forms. Names of who was drawn come from ``panel_for_viewer`` (admins and
supervisors; audited), never from the label table directly.
"""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expertpool.accounts.models import User
from expertpool.accounts.permissions import has_any_role
from expertpool.activities.models import Activity
from expertpool.activities.selectors_console import get_activity_for_staff
from expertpool.audit.services import audit_log
from expertpool.draws.draw_page import draw_page_context
from expertpool.draws.forms_staff import CommitForm, RevealForm
from expertpool.draws.models import Draw
from expertpool.draws.printing import render_sheet_pdf
from expertpool.draws.records import draw_record
from expertpool.draws.selectors import SEALED_READERS
from expertpool.draws.selectors_staff import activity_draws, draw_rows, get_draw_for_staff, pool_draws
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Pool

PAGE_SIZE = 25
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _user(request: HttpRequest) -> User:
    # Behind login_required the user is always a real one.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's refusal beside the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# The draw page ----------------------------------------------------------------------


@login_required
@GET_OR_POST
@never_cache
def draw_page(request: HttpRequest, pool_slug: str, activity_id: int) -> HttpResponse:
    """Who may be drawn, the chain of draws, the latest draw's result and, for pool
    admins, the forms to commit (first draw, re-draw, supplementary draw) and reveal."""
    pool = get_pool_for_user(request.user, pool_slug)
    activity = get_activity_for_staff(request.user, pool, activity_id)
    if request.method != "POST":
        return _render(request, pool, activity)
    kind = request.POST.get("kind", "")
    if kind not in Draw.Kind.values:
        return HttpResponseBadRequest()
    form = CommitForm(request.POST, pool=pool, kind=kind)
    if form.is_valid():
        latest = activity_draws(activity=activity).last()
        try:
            draw = draw_commit(
                actor=_user(request),
                activity=activity,
                randomness_source=form.cleaned_data["randomness_source"],
                supervisor=form.cleaned_data["supervisor"],
                # Re-draws and supplementary draws are chained to the latest draw.
                previous=None if kind == Draw.Kind.INITIAL else latest,
                reason=form.cleaned_data.get("reason", ""),
                supplementary=kind == Draw.Kind.SUPPLEMENTARY,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Draw committed; its commitment hash is %(hash)s. Enter the numbers once they are drawn.")
                % {"hash": draw.commitment_hash},
            )
            return redirect("console:draw_page", pool_slug=pool.slug, activity_id=activity.pk)
    return _render(request, pool, activity, commit_form=form)


@login_required
@require_POST
def draw_reveal_view(request: HttpRequest, pool_slug: str, draw_id: int) -> HttpResponse:
    """Enter the revealed numbers of a committed draw; the result follows at once."""
    pool = get_pool_for_user(request.user, pool_slug)
    draw = get_draw_for_staff(request.user, pool, draw_id)
    activity = get_activity_for_staff(request.user, pool, draw.activity_id)
    form = RevealForm(request.POST, draw=draw)
    if form.is_valid():
        try:
            draw_reveal(
                actor=_user(request),
                draw=draw,
                public_numbers=form.numbers("public"),
                supervisor_inputs=form.numbers("supervisor"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draw revealed."))
            return redirect("console:draw_page", pool_slug=pool.slug, activity_id=activity.pk)
    return _render(request, pool, activity, reveal_form=form)


def _render(
    request: HttpRequest,
    pool: Pool,
    activity: Activity,
    *,
    commit_form: CommitForm | None = None,
    reveal_form: RevealForm | None = None,
) -> HttpResponse:
    context = draw_page_context(
        viewer=_user(request), pool=pool, activity=activity, commit_form=commit_form, reveal_form=reveal_form
    )
    status = 400 if commit_form is not None or reveal_form is not None else 200
    return render(request, "draws/draw_page.html", context, status=status)


# The supervisor's page ------------------------------------------------------------------


@login_required
@require_safe
def draw_list_view(request: HttpRequest, pool_slug: str) -> HttpResponse:
    """Every draw of the pool with who ran it, the supervisor and whether it verifies."""
    pool = get_pool_for_user(request.user, pool_slug)
    page = Paginator(pool_draws(pool=pool), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "pool": pool,
        "page": page,
        "rows": draw_rows(list(page.object_list)),
        "may_export_sheet": has_any_role(request.user, pool, SEALED_READERS),
    }
    return render(request, "draws/draw_list.html", context)


# Exports --------------------------------------------------------------------------


def _audit_export(user: User, draw: Draw, pool: Pool, export_format: str) -> None:
    audit_log(
        actor=user,
        action="draw.exported",
        target=draw,
        pool=pool,
        clause=pool.policy.rules.confidentiality.clause,
        data={"format": export_format, "via": "console", "commitment_hash": draw.commitment_hash},
    )


@login_required
@require_safe
def draw_record_json(request: HttpRequest, pool_slug: str, draw_id: int) -> HttpResponse:
    """The exportable record (docs/draw.md §10) as a download: labels only, no names."""
    pool = get_pool_for_user(request.user, pool_slug)
    draw = get_draw_for_staff(request.user, pool, draw_id)
    _audit_export(_user(request), draw, pool, "json")
    body = json.dumps(draw_record(draw), ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return response


@login_required
@require_safe
def draw_sheet_pdf(request: HttpRequest, pool_slug: str, draw_id: int) -> FileResponse:
    """The signed-off draw sheet (抽取记录表), with names: pool admins and supervisors (403 otherwise)."""
    pool = get_pool_for_user(request.user, pool_slug)
    draw = get_draw_for_staff(request.user, pool, draw_id)
    user = _user(request)
    pdf = render_sheet_pdf(draw=draw, viewer=user)
    _audit_export(user, draw, pool, "pdf")
    response = FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=get_valid_filename(f"抽取记录表-{draw.activity.title}-{draw.pk}.pdf"),
        content_type="application/pdf",
    )
    # Names of experts: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
