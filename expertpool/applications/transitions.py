"""The one place where an application changes state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from expertpool.applications.models import Application, StatusChange
from expertpool.applications.states import TRANSITIONS, Status
from expertpool.audit.services import audit_log

if TYPE_CHECKING:
    from expertpool.accounts.models import User


class IllegalTransition(ValidationError):  # noqa: N818 -- it is a validation error, shown to the user
    pass


def lock(application: Application) -> Application:
    """Re-read the application under a row lock, so two moves cannot cross."""
    return Application.objects.select_for_update().select_related("pool__policy").get(pk=application.pk)


def move(
    *,
    application: Application,
    to: Status,
    actor: User | None,
    action: str,
    reason: str = "",
    clause: str = "",
    data: dict[str, Any] | None = None,
) -> Application:
    """Move a locked application to ``to`` if the workflow allows it; record the
    change in the application's history and in the audit log. Call inside
    ``transaction.atomic`` after ``lock``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move() must run inside a transaction")
    current = Status(application.status)
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(
            _("An application that is “%(current)s” cannot become “%(target)s”.")
            % {"current": current.label, "target": to.label},
            code="illegal_transition",
        )
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        application=application, from_status=current, to_status=to, actor=actor, reason=reason, clause=clause
    )
    audit_log(
        actor=actor,
        action=action,
        target=application,
        pool=application.pool,
        clause=clause,
        data={"from": current.value, "to": to.value, "reason": reason, **(data or {})},
    )
    return application
