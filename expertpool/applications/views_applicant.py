"""The applicant's pages (``/apply/``): my applications, the form, the status page.

Thin over ``services`` (and ``files`` for the photo). The form page is one HTML
form: "Save draft", "Check my form" and "Submit" post it whole; uploads post it
whole too (to their own address), so nothing typed is lost without JavaScript.
With htmx the form also saves itself on every change and every 30 seconds.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expertpool.accounts.models import User
from expertpool.applications import applicant_display as display
from expertpool.applications.files import application_photo_set, attachment_open
from expertpool.applications.forms import (
    LABELS,
    Block,
    WithdrawForm,
    category_panel,
    draft_from_post,
    errors_by_slot,
    form_blocks,
    industry_chips,
    industry_codes_from_text,
    row_groups,
)
from expertpool.applications.models import Application
from expertpool.applications.selectors_applicant import (
    application_for_applicant,
    application_for_photo,
    application_for_viewer,
    applications_of,
    attachment_for_downloader,
    open_application_pool_ids,
    pools_open_to_self_nomination,
)
from expertpool.applications.services import (
    application_accept_pledge,
    application_attachment_add,
    application_eligibility,
    application_form_errors,
    application_save_draft,
    application_start,
    application_submit,
    application_withdraw,
)
from expertpool.applications.states import EDITABLE, FINAL
from expertpool.core.uploads import UploadRejected
from expertpool.eligibility.views import HtmxHttpRequest
from expertpool.industries.selectors import industry_code_search

SEARCH_RESULTS = 20
AUTOSAVE = "applications/form/_autosave.html"


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise Http404
    return request.user


# My applications -------------------------------------------------------------------


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The user's applications with their status, and the pools open to apply to."""
    applications = applications_of(_user(request))
    open_pools = open_application_pool_ids(applications)
    pools = [(pool, pool.pk in open_pools) for pool in pools_open_to_self_nomination()]
    return render(request, "applications/home.html", {"applications": applications, "pools": pools})


@login_required
@require_POST
def start(request: HttpRequest, pool_slug: str) -> HttpResponse:
    pool = next((pool for pool in pools_open_to_self_nomination() if pool.slug == pool_slug), None)
    if pool is None:
        raise Http404
    try:
        application = application_start(actor=_user(request), pool=pool)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("applications:home")
    return redirect("applications:form", application.pk)


# The form ----------------------------------------------------------------------------


def _editable(request: HttpRequest, pk: int) -> Application | None:
    application = application_for_applicant(_user(request), pk)
    return application if application.status in EDITABLE else None


def _save_posted_draft(request: HttpRequest, application: Application) -> Application:
    """Save the posted form, if the post carries it (an upload posts the whole form)."""
    if request.POST.get("form") != "application":
        return application
    draft = draft_from_post(request.POST, application=application)
    return application_save_draft(
        actor=_user(request),
        application=application,
        form_data=draft.form_data,
        id_number=draft.id_number,
        mobile=draft.mobile,
    )


def _accept_pledge_if_ticked(request: HttpRequest, application: Application) -> Application:
    version = request.POST.get("pledge_accept", "")
    pledge = display.pledge_view(application)
    if not version or pledge.accepted:
        return application
    try:
        return application_accept_pledge(actor=_user(request), application=application, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return application


def _form_url(application: Application, *, check: bool = False, anchor: str = "") -> str:
    url = reverse("applications:form", args=[application.pk])
    return url + ("?check=1" if check else "") + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_form(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable(request, pk)
    if application is None:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("applications:status", pk)
    if request.method != "POST":
        errors = application_form_errors(application) if request.GET.get("check") else {}
        return _form_page(request, application, errors=errors, extra_rows=request.GET.get("add", ""))
    application = _save_posted_draft(request, application)
    application = _accept_pledge_if_ticked(request, application)
    action = request.POST.get("action", "save")
    if action == "submit":
        return _submit(request, application)
    if action == "check":
        return redirect(_form_url(application, check=True))
    if action.startswith("add_row:"):
        group = action.split(":", 1)[1]
        if group not in row_groups(application.pool.policy.rules):
            raise Http404
        return redirect(reverse("applications:form", args=[application.pk]) + f"?add={group}#rows-{group}")
    messages.success(request, _("Draft saved."))
    return redirect(_form_url(application))


def _submit(request: HttpRequest, application: Application) -> HttpResponse:
    try:
        application = application_submit(actor=_user(request), application=application)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            messages.error(request, _("Not submitted yet: complete the fields marked below, then submit again."))
            return redirect(_form_url(application, check=True, anchor="form-errors"))
        messages.error(request, " ".join(exc.messages))
        return redirect(_form_url(application))
    messages.success(request, _("Your application has been submitted. We have sent you a confirmation by e-mail."))
    return redirect("applications:status", application.pk)


def _form_page(
    request: HttpRequest,
    application: Application,
    *,
    errors: dict[str, list[str]],
    upload_errors: dict[str, str] | None = None,
    extra_rows: str = "",
    status: int = 200,
) -> HttpResponse:
    policy = application.pool.policy.rules
    blocks = form_blocks(application, errors={}, extra_rows=extra_rows)
    slots = errors_by_slot(errors, {block.key for block in blocks})
    for block in blocks:
        block.errors = slots.get(block.key, [])
    context = {
        "application": application,
        "pool": application.pool,
        "blocks": blocks,
        "checked": bool(errors) or request.GET.get("check") == "1",
        "error_summary": display.missing_items(errors, policy),
        "other_errors": slots.get("other", []),
        "declarations": display.declaration_choices(application),
        "declaration_errors": slots.get("declarations", []),
        "attachments": display.attachment_items(application, errors=errors, upload_errors=upload_errors or {}),
        "photo_error": (upload_errors or {}).get("photo", ""),
        "pledge": display.pledge_view(application),
        "pledge_errors": slots.get("pledge", []),
        "eligibility": display.eligibility_panel(application_eligibility(application), policy),
        "returned": display.returned_change(application),
    }
    return render(request, "applications/form.html", context, status=status)


@require_POST
def draft(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx): a small "saved at" fragment. A lost session answers with a
    warning instead of the login page, so the typed form stays on the screen."""
    if not request.user.is_authenticated:
        return render(request, AUTOSAVE, {"logged_out": True, "application_pk": pk})
    application = _editable(request, pk)
    if application is None:
        return render(request, AUTOSAVE, {"locked": True})
    _save_posted_draft(request, application)
    response = render(request, AUTOSAVE, {"saved_at": timezone.localtime()})
    response["HX-Trigger"] = "draft-saved"
    return response


@require_safe
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled while logged out (htmx). Once the user has logged in again (in another
    tab), hand the page the new CSRF token, which logging in changed, and save."""
    if not request.user.is_authenticated:
        return render(request, AUTOSAVE, {"logged_out": True, "application_pk": pk})
    application_for_applicant(_user(request), pk)
    response = render(request, AUTOSAVE, {"reconnected": True})
    response["HX-Trigger-After-Swap"] = "session-restored"
    return response


@login_required
@require_safe
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The live eligibility panel, refreshed after each autosave."""
    application = application_for_applicant(_user(request), pk)
    result = display.eligibility_panel(application_eligibility(application), application.pool.policy.rules)
    return render(request, "applications/form/_eligibility.html", {"application": application, "eligibility": result})


@login_required
@require_safe
def row(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    """One more empty row of a repeatable group, and the button for the next one."""
    application = application_for_applicant(_user(request), pk)
    found = row_groups(application.pool.policy.rules).get(group)
    index = request.GET.get("index", "")
    if found is None or not index.isdigit() or int(index) >= 50:
        raise Http404
    context = {"application": application, "group": found, "row": found.form(int(index)), "next_index": int(index) + 1}
    return render(request, "applications/form/_row_added.html", context)


@login_required
@require_safe
def categories(request: HttpRequest, pk: int) -> HttpResponse:
    """The categories as ticked so far, the rest disabled at the policy's limit. Saves nothing."""
    application = application_for_applicant(_user(request), pk)
    policy = application.pool.policy.rules
    field = next((f for f in policy.form if f.key.value == "categories"), None)
    if field is None:
        raise Http404
    block = Block(
        key="categories",
        label=str(LABELS["categories"]),
        required=field.required,
        clause=field.clause,
        template="applications/form/_categories.html",
        extra={"panel": category_panel(policy, request.GET.getlist("categories"))},
    )
    return render(request, "applications/form/_categories.html", {"application": application, "block": block})


# Industry codes ---------------------------------------------------------------------------


@login_required
@require_safe
def industry_code_search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("industry_q", "").strip()
    results = list(industry_code_search(query=query)[:SEARCH_RESULTS]) if query else []
    return render(request, "applications/form/_industry_results.html", {"results": results, "query": query})


@login_required
@require_safe
def industry_picker(request: HttpRequest) -> HttpResponse:
    """The chosen codes with one added or removed; the form then saves itself."""
    codes = industry_codes_from_text(request.GET.get("industry_codes", ""))
    added = industry_codes_from_text(request.GET.get("add", ""))
    removed = set(industry_codes_from_text(request.GET.get("remove", "")))
    codes = [code for code in dict.fromkeys([*codes, *added]) if code not in removed]
    context = {"block": Block(key="industry_codes", label="", required=False, clause="", template="")}
    context["block"].extra = {"chips": industry_chips(codes), "text": " ".join(codes)}
    response = render(request, "applications/form/_industry_chosen.html", context)
    response["HX-Trigger-After-Swap"] = "industry-codes-changed"
    return response


# Uploads ----------------------------------------------------------------------------------


def _upload_response(
    request: HtmxHttpRequest, application: Application, *, code: str, error: str, fragment: dict[str, Any]
) -> HttpResponse:
    if request.htmx:
        return render(request, fragment["template"], fragment["context"])
    if error:
        return _form_page(request, application, errors={}, upload_errors={code: error}, status=400)
    messages.success(request, _("The file has been uploaded."))
    return redirect(_form_url(application, anchor=fragment["anchor"]))


@login_required
@require_POST
def attachment_upload(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Upload one document. A wrong file gets its reason beside that document; the
    form posted with it is saved first, so nothing else is lost."""
    application = _editable(request, pk)
    definition = (
        next((a for a in application.pool.policy.rules.attachments if a.code == kind), None) if application else None
    )
    if application is None or definition is None or kind in display.NOT_FROM_APPLICANT:
        raise Http404
    application = _save_posted_draft(request, application)
    error = _store(
        request,
        f"attachment-{kind}",
        lambda file: application_attachment_add(actor=_user(request), application=application, kind=kind, file=file),
    )
    files = list(application.attachments.filter(kind=kind, superseded=False).order_by("uploaded_at", "pk"))
    item = display.attachment_item(application, definition, files, {}, {kind: error} if error else {})
    fragment = {
        "template": "applications/form/_attachment.html",
        "context": {"application": application, "item": item},
        "anchor": f"attachment-{kind}",
    }
    return _upload_response(request, application, code=kind, error=error, fragment=fragment)


@login_required
@require_POST
def photo_upload(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    application = _editable(request, pk)
    if application is None:
        raise Http404
    application = _save_posted_draft(request, application)
    error = _store(
        request, "photo", lambda file: application_photo_set(actor=_user(request), application=application, file=file)
    )
    application.refresh_from_db()
    fragment = {
        "template": "applications/form/_photo_control.html",
        "context": {"application": application, "photo_error": error},
        "anchor": "block-photo",
    }
    return _upload_response(request, application, code="photo", error=error, fragment=fragment)


def _store(request: HttpRequest, name: str, save: Any) -> str:
    """Run ``save`` on the uploaded file; the reason it was refused, or ``""``."""
    file = request.FILES.get(name)
    if file is None:
        return _("Choose a file to upload.")
    try:
        save(file)
    except UploadRejected as exc:
        return str(exc.message)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _file_response(handle: Any, *, name: str, content_type: str, as_attachment: bool) -> FileResponse:
    response = FileResponse(handle, as_attachment=as_attachment, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Download a document: the applicant, the pool's staff and the nominating unit only."""
    found = attachment_for_downloader(request.user, pk, attachment_id)
    try:
        handle = attachment_open(actor=_user(request), attachment=found)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _file_response(
        handle,
        name=found.original_name or found.file.name.rsplit("/", 1)[-1],
        content_type=found.content_type or "application/octet-stream",
        as_attachment=True,
    )


@login_required
@require_safe
def photo(request: HttpRequest, pk: int) -> FileResponse:
    application = application_for_photo(request.user, pk)
    try:
        handle = application.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    png = application.photo.name.lower().endswith(".png")
    return _file_response(
        handle,
        name=f"photo.{'png' if png else 'jpg'}",
        content_type="image/png" if png else "image/jpeg",
        as_attachment=False,
    )


# Status and withdrawal --------------------------------------------------------------------


@login_required
@require_safe
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the application stands, what is missing, and every decision with its reason."""
    application = application_for_viewer(request.user, pk)
    policy = application.pool.policy.rules
    is_applicant = application.applicant_id == request.user.pk
    editable = application.status in EDITABLE
    context = {
        "application": application,
        "pool": application.pool,
        "is_applicant": is_applicant,
        "editable": editable and is_applicant,
        "may_withdraw": is_applicant and application.status not in FINAL,
        "steps": display.steps(application),
        "missing": display.missing_items(application_form_errors(application), policy) if editable else [],
        "history": display.history_rows(application, request.user),
        "eligibility": display.eligibility_panel(application.eligibility, policy),
        "notice_ends_on": display.notice_ends_on(application),
        "print_links": display.print_links(application),
        "pledge": display.pledge_view(application),
        "attachments": [
            (display.attachment_name(d), [a for a in application.attachments.all() if a.kind == d.code])
            for d in policy.attachments
        ],
    }
    return render(request, "applications/status.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for_applicant(_user(request), pk)
    if application.status in FINAL:
        return redirect("applications:status", pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            application_withdraw(actor=_user(request), application=application, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("applications:status", pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})
