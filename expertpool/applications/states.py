"""The application workflow as data: states and the moves allowed between them.

See docs/applications.md for the diagram. Each move is made by one service in
``services.py`` through ``transitions.move``, which checks this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PRELIMINARY_REVIEW = "preliminary_review", _("Awaiting the unit's preliminary review")
    QUALIFICATION_REVIEW = "qualification_review", _("In qualification review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("On the proposed list")
    IN_NOTICE = "in_notice", _("In public notice")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.PRELIMINARY_REVIEW, Status.QUALIFICATION_REVIEW, Status.WITHDRAWN}),
    Status.PRELIMINARY_REVIEW: frozenset({Status.QUALIFICATION_REVIEW, Status.RETURNED, Status.WITHDRAWN}),
    Status.QUALIFICATION_REVIEW: frozenset({Status.APPROVED, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN}),
    Status.RETURNED: frozenset({Status.PRELIMINARY_REVIEW, Status.QUALIFICATION_REVIEW, Status.WITHDRAWN}),
    # A pool without public notice (UR) admits straight from the proposed list.
    Status.APPROVED: frozenset({Status.IN_NOTICE, Status.ADMITTED, Status.WITHDRAWN}),
    # An upheld objection rejects; a withdrawal during notice is recorded too.
    Status.IN_NOTICE: frozenset({Status.ADMITTED, Status.REJECTED, Status.WITHDRAWN}),
    Status.ADMITTED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# States in which the applicant may edit the form.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# States that end an application; a new one may then be started.
FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
