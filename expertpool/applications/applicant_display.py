"""How the applicant's pages show an application: the steps, the documents asked
for, the declarations, the pledge and what is still missing.

Presentation only: codes become labels in the reader's language; nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from expertpool.applications.forms import LABELS, english
from expertpool.applications.models import Application, ApplicationAttachment, Mode, StatusChange
from expertpool.applications.review_display import EligibilityView, eligibility_view
from expertpool.applications.selectors import HistoryEntry, application_history
from expertpool.applications.states import Status
from expertpool.pools.policy import AttachmentDef, Policy

STEP_LABELS: dict[str, Promise] = {
    "draft": _("Application form"),
    "preliminary_review": _("Unit's preliminary review"),
    "qualification_review": _("Qualification review"),
    "approved": _("Proposed list"),
    "in_notice": _("Public notice"),
    "admitted": _("Admitted"),
}
REQUIREMENT_LABELS: dict[str, Promise] = {
    "always": _("Required"),
    "retired": _("Required for retirees"),
    "nominated": _("Required for unit nominations"),
    "optional": _("Optional"),
}
# Documents that come from someone else than the applicant.
NOT_FROM_APPLICANT = frozenset({"unit_opinion"})


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    state: str  # done, current, todo or stopped
    note: str = ""


def _step_codes(application: Application, policy: Policy) -> list[str]:
    unit = application.mode == Mode.UNIT or policy.application.unit_opinion == "always"
    return [
        "draft",
        *(["preliminary_review"] if unit else []),
        "qualification_review",
        "approved",
        *(["in_notice"] if policy.public_notice is not None else []),
        "admitted",
    ]


def _reached(application: Application, codes: list[str]) -> str:
    """The step the application is at; for an ended one, the step where it ended."""
    status = application.status
    if status == Status.RETURNED:
        return "draft"
    if status in {Status.REJECTED, Status.WITHDRAWN}:
        changes = list(application.status_changes.all())
        status = changes[-1].from_status if changes else Status.DRAFT
        status = "draft" if status == Status.RETURNED else status
    return status if status in codes else "draft"


def notice_ends_on(application: Application) -> datetime.date | None:
    notices = sorted(application.notices.all(), key=lambda notice: (notice.published_on, notice.pk))
    return notices[-1].ends_on if notices else None


def steps(application: Application) -> list[Step]:
    """Where the application stands, from the form to admission (GZ 四, UR 第八条)."""
    policy = application.pool.policy.rules
    codes = _step_codes(application, policy)
    at = codes.index(_reached(application, codes))
    ended = application.status in {Status.REJECTED, Status.WITHDRAWN}
    admitted = application.status == Status.ADMITTED
    result = []
    for index, code in enumerate(codes):
        if index < at or admitted:
            state = "done"
        elif index == at:
            state = "stopped" if ended else "current"
        else:
            state = "todo"
        result.append(Step(code=code, label=str(STEP_LABELS[code]), state=state, note=_step_note(application, code)))
    return result


def _step_note(application: Application, code: str) -> str:
    policy = application.pool.policy.rules
    if code == "draft" and application.status == Status.RETURNED:
        return str(_("Returned for correction"))
    if code == "in_notice" and policy.public_notice is not None:
        ends_on = notice_ends_on(application)
        if ends_on is not None:
            return str(_("until %(date)s") % {"date": ends_on.isoformat()})
        return str(_("%(days)d working days") % {"days": policy.public_notice.working_days})
    if code == "admitted" and policy.term.years:
        return str(_("term of %(years)d years") % {"years": policy.term.years})
    return ""


def returned_change(application: Application) -> StatusChange | None:
    """The latest return for correction, with its reason, while the application is returned."""
    if application.status != Status.RETURNED:
        return None
    changes = StatusChange.objects.filter(application=application, to_status=Status.RETURNED)
    return changes.select_related("actor").order_by("-created_at", "-pk").first()


def attachment_name(definition: AttachmentDef) -> str:
    return definition.name_en if english() else definition.name


@dataclass(frozen=True)
class AttachmentItem:
    code: str
    name: str
    requirement: str
    required_now: bool
    clause: str
    max_size_mb: int
    files: list[ApplicationAttachment]
    errors: list[str]
    upload_error: str
    from_applicant: bool


def _required_now(definition: AttachmentDef, application: Application) -> bool:
    retired = application.form_data.get("employment_status") == "retired"
    return definition.required == "always" or (definition.required == "retired" and retired)


def attachment_items(
    application: Application, *, errors: dict[str, list[str]], upload_errors: dict[str, str]
) -> list[AttachmentItem]:
    """The documents the policy asks for, with the files uploaded so far; those that
    come from someone else (the unit's stamped opinion) are listed without an upload."""
    files: dict[str, list[ApplicationAttachment]] = {}
    for attachment in application.attachments.filter(superseded=False).order_by("uploaded_at", "pk"):
        files.setdefault(attachment.kind, []).append(attachment)
    return [
        attachment_item(application, definition, files.get(definition.code, []), errors, upload_errors)
        for definition in application.pool.policy.rules.attachments
    ]


def attachment_item(
    application: Application,
    definition: AttachmentDef,
    files: list[ApplicationAttachment],
    errors: dict[str, list[str]],
    upload_errors: dict[str, str],
) -> AttachmentItem:
    return AttachmentItem(
        code=definition.code,
        name=attachment_name(definition),
        requirement=str(REQUIREMENT_LABELS[definition.required]),
        required_now=_required_now(definition, application),
        clause=definition.clause,
        max_size_mb=definition.max_size_mb,
        files=files,
        errors=errors.get(f"attachment.{definition.code}", []),
        upload_error=upload_errors.get(definition.code, ""),
        from_applicant=definition.code not in NOT_FROM_APPLICANT,
    )


@dataclass(frozen=True)
class DeclarationChoice:
    code: str
    text: str
    clause: str
    clause_text: str
    checked: bool


def declaration_choices(application: Application) -> list[DeclarationChoice]:
    policy = application.pool.policy.rules
    declared = set(application.form_data.get("declarations") or [])
    return [
        DeclarationChoice(
            code=item.code,
            text=item.text_en if english() else item.text,
            clause=item.clause,
            clause_text=policy.clauses.get(item.clause, ""),
            checked=item.code in declared,
        )
        for item in policy.declarations
    ]


@dataclass(frozen=True)
class PledgeView:
    text: str
    version: str
    clause: str
    accepted: bool  # the current version
    accepted_at: datetime.datetime | None
    accepted_version: str


def pledge_view(application: Application) -> PledgeView:
    pledge = application.pool.policy.rules.pledge
    return PledgeView(
        text=pledge.text,
        version=pledge.version,
        clause=pledge.clause,
        accepted=application.pledge_version == pledge.version and application.pledge_accepted_at is not None,
        accepted_at=application.pledge_accepted_at,
        accepted_version=application.pledge_version,
    )


def error_label(key: str, policy: Policy) -> str:
    """The field an error key of ``application_form_errors`` names, as the reader knows it."""
    if key.startswith("attachment."):
        code = key.split(".", 1)[1]
        definition = next((a for a in policy.attachments if a.code == code), None)
        return attachment_name(definition) if definition else code
    head, _sep, rest = key.partition(".")
    label = str(LABELS.get(head, head))
    number = rest.split(".", 1)[0]
    return str(_("%(field)s, entry %(number)s") % {"field": label, "number": number}) if number.isdigit() else label


def missing_items(errors: dict[str, list[str]], policy: Policy) -> list[tuple[str, str]]:
    """(field, message) for every error, in the order found."""
    return [(error_label(key, policy), message) for key, messages in errors.items() for message in messages]


def print_links(application: Application) -> dict[str, str]:
    """The printable form, where the printing views are installed."""
    links = {}
    for name in ("print_docx", "print_pdf"):
        try:
            links[name] = reverse(f"applications:{name}", args=[application.pk])
        except NoReverseMatch:
            continue
    return links


@dataclass(frozen=True)
class HistoryRow:
    entry: HistoryEntry
    by: str


def history_rows(application: Application, viewer: Any) -> list[HistoryRow]:
    """Every move, unit opinion and review decision, oldest first, each with who made it."""
    return [HistoryRow(entry=entry, by=_actor_label(entry.actor, viewer)) for entry in application_history(application)]


def _actor_label(actor: Any, viewer: Any) -> str:
    if actor is None:
        return str(_("the platform"))
    if actor.pk == viewer.pk:
        return str(_("you"))
    return str(actor)


# The engine reads some fields under the profile's names.
PROFILE_LABELS = {"title_level": "title", "degree": "education", "postdoc": "education"}


def eligibility_panel(decision: dict[str, Any], policy: Policy) -> EligibilityView | None:
    """A decision (``application_eligibility`` or the one kept at submission), its
    fields named as the form names them."""
    view = eligibility_view(decision, policy)
    if view is None:
        return None
    errors = [(str(LABELS.get(PROFILE_LABELS.get(key, key), key)), text) for key, text in view.errors]
    return dataclasses.replace(view, errors=errors)
