"""Stored draws: a commitment, then its reveal, each an immutable row (docs/draw.md).

A draw has two moments, so it is two rows rather than one row changed later:
``Draw`` is written when the inputs are committed, ``DrawReveal`` when the
randomness is known. Neither is ever changed or deleted; a re-draw is a new
``Draw`` chained to the earlier one by ``previous`` with its reason.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from expertpool.core.fields import JSONTextField


class ImmutableError(Exception):
    """Raised on any attempt to change or delete a stored draw."""


class ImmutableQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes bypass ``save()`` and ``delete()``: refuse them too."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Draw records cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Draw records cannot be deleted.")


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Draw records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Draw records cannot be deleted.")


class Draw(ImmutableModel):
    """The commitment: everything fixed before the randomness exists."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Draw")
        REDRAW = "redraw", _("Re-draw")
        # Drawn when the reserves of a revealed draw run out, for the seats still open.
        SUPPLEMENTARY = "supplementary", _("Supplementary draw")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="draws")
    # One re-draw per draw at most: the chain never forks.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redraw", verbose_name=_("previous draw")
    )
    reason = models.TextField(_("reason for the re-draw"), blank=True)
    # The canonical JSON text of the commitment (docs/draw.md §2), exactly what was hashed:
    # SHA-256 of its UTF-8 bytes is ``commitment_hash``. Text, not JSON: no re-encoding
    # on the way in, nothing reordered by the database; stored uncompressed on PostgreSQL
    # (migration 0006), where compressing megabytes cost more than writing them.
    commitment_text = models.TextField(_("commitment"))
    # The commitment with an empty candidate list (``Commitment.summary``): what the reveal
    # and the pages need, without parsing every candidate of a large pool.
    commitment_summary = models.JSONField(_("commitment summary"))
    commitment_hash = models.CharField(_("commitment hash"), max_length=64, unique=True)
    committed_at = models.DateTimeField(_("committed at"))
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Sealed until the reveal: never exported, shown or audited before it.
    server_secret = models.CharField(max_length=64, editable=False)
    # The counts at each filter of the candidate report, for the draw sheet.
    filter_counts = models.JSONField(default=list)

    objects: ClassVar[models.Manager[Draw]] = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-committed_at", "-pk"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.commitment_hash[:12]}"

    @property
    def candidate_count(self) -> int:
        """How many candidates were committed: the count after the candidate report's last filter."""
        count: int = self.filter_counts[-1][1]
        return count

    @cached_property
    def commitment(self) -> dict[str, Any]:
        """The whole commitment document, parsed once per instance; ``commitment_summary`` is
        enough for anything but the candidate list."""
        document: dict[str, Any] = json.loads(self.commitment_text)
        return document


class DrawReveal(ImmutableModel):
    """The revealed randomness, the seed and the result of a committed draw."""

    draw = models.OneToOneField(Draw, on_delete=models.PROTECT, related_name="reveal")
    # {"public": [[...]], "supervisor": [[...]], "values": [[...]]}: values in the groups' order.
    randomness = models.JSONField(_("randomness"))
    seed = models.CharField(_("seed"), max_length=64)
    result = models.JSONField(_("result"))
    revealed_at = models.DateTimeField(_("revealed at"))
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[models.Manager[DrawReveal]] = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("draw reveal")
        verbose_name_plural = _("draw reveals")

    def __str__(self) -> str:
        return f"{self.draw_id} · {self.seed[:12]}"


class DrawLabelTable(ImmutableModel):
    """The sealed tables of one draw: who is behind each label, and the candidates in columns.

    One row per draw, not one per label: a draw at 100,000 members has tens of thousands
    of labels, and writing them row by row took a third of the draw (docs/performance.md).
    Read only through ``draws.selectors.draw_labels`` and the reveal.
    """

    draw = models.OneToOneField(Draw, on_delete=models.PROTECT, related_name="label_table")
    # ``algorithm.candidate_columns`` of the commitment's candidates (in its order, by label),
    # plus "experts": the expert id behind each label.
    candidates = JSONTextField()
    # {label: expert id} of the excluded experts.
    excluded = JSONTextField()

    objects: ClassVar[models.Manager[DrawLabelTable]] = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("draw label table")
        verbose_name_plural = _("draw label tables")

    def __str__(self) -> str:
        return f"{self.draw_id} · {len(self.candidates['labels']) + len(self.excluded)}"

    def experts_by_label(self) -> dict[str, int]:
        """Label → expert id, for the candidates and the excluded experts."""
        experts: dict[str, int] = dict(zip(self.candidates["labels"], self.candidates["experts"], strict=True))
        experts.update(self.excluded)
        return experts


class PanelSeat(models.Model):
    """One drawn expert's seat on an activity, as the reveal ordered it; its status changes later.

    Not immutable: invitations, declines and replacements move ``status`` along
    ``TRANSITIONS``. The booked times are copied from the activity, so the overlap
    check (and the PostgreSQL exclusion constraint, migration 0002) needs no join.
    """

    class Role(models.TextChoices):
        PANEL = "panel", _("Panel member")
        RESERVE = "reserve", _("Reserve")

    class Status(models.TextChoices):
        DRAWN = "drawn", _("Drawn")
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        NO_ANSWER = "no_answer", _("No answer")
        REPLACED = "replaced", _("Replaced")
        RELEASED = "released", _("Released")

    class DeclineReason(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        SCHEDULE = "schedule", _("Schedule conflict")
        CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
        OTHER = "other", _("Other")

    reveal = models.ForeignKey(DrawReveal, on_delete=models.PROTECT, related_name="seats")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="panel_seats")
    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="panel_seats")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    # 1-based, per role, in the order of the draw's result.
    position = models.PositiveSmallIntegerField(_("place in the draw order"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAWN)
    booked_from = models.DateTimeField(_("booked from"))
    booked_until = models.DateTimeField(_("booked until"))
    # The requested category the seat fills: a panel seat's from the draw, a reserve's
    # from the seat it replaces. Blank when the activity asked for no categories.
    category = models.CharField(_("category"), max_length=50, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("replaces")
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("details"), blank=True)
    # Why a released seat was released: a re-draw ("redraw", its reason), or the rule that
    # excluded a reserve when their turn came (its code, its clause and the detail).
    release_rule = models.CharField(_("released under"), max_length=40, blank=True)
    release_clause = models.CharField(_("clause"), max_length=200, blank=True)
    release_detail = models.TextField(_("why released"), blank=True)
    # Part of the signed invitation link; a new invitation gets a new one, so old links die.
    invitation_nonce = models.CharField(max_length=32, blank=True, editable=False)

    objects: ClassVar[models.Manager[PanelSeat]]

    class Meta:
        ordering = ["reveal", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["reveal", "expert"], name="panel_seat_one_per_expert"),
            models.UniqueConstraint(fields=["reveal", "role", "position"], name="panel_seat_position_unique"),
            models.CheckConstraint(
                condition=models.Q(booked_until__gt=models.F("booked_from")), name="panel_seat_booked_forward"
            ),
        ]
        indexes = [models.Index(fields=["expert", "booked_from"])]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.role} {self.position} · {self.status}"


# The moves later services may make; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    PanelSeat.Status.DRAWN: frozenset({PanelSeat.Status.INVITED, PanelSeat.Status.RELEASED}),
    PanelSeat.Status.INVITED: frozenset(
        {PanelSeat.Status.ACCEPTED, PanelSeat.Status.DECLINED, PanelSeat.Status.NO_ANSWER, PanelSeat.Status.RELEASED}
    ),
    PanelSeat.Status.ACCEPTED: frozenset({PanelSeat.Status.RELEASED}),
    PanelSeat.Status.DECLINED: frozenset({PanelSeat.Status.REPLACED}),
    PanelSeat.Status.NO_ANSWER: frozenset({PanelSeat.Status.REPLACED}),
    PanelSeat.Status.REPLACED: frozenset(),
    PanelSeat.Status.RELEASED: frozenset(),
}

# A seat that books the expert's time: a panel seat not yet answered, or any invited or
# accepted seat (a reserve is booked once invited). The same condition is the WHERE of
# the PostgreSQL exclusion constraint in migration 0002; keep the two in step.
BLOCKING = models.Q(status__in=[PanelSeat.Status.INVITED, PanelSeat.Status.ACCEPTED]) | models.Q(
    role=PanelSeat.Role.PANEL, status=PanelSeat.Status.DRAWN
)
BLOCKING_SQL = "status IN ('invited', 'accepted') OR (role = 'panel' AND status = 'drawn')"
# A seat that takes one of the panel's places is exactly a seat that books the expert.
FILLING = BLOCKING
# ``PanelSeat.release_rule`` of the seats a re-draw released.
REDRAW = "redraw"
# What counts as serving an activity: the expert accepted the invitation.
SERVED = models.Q(status=PanelSeat.Status.ACCEPTED)


class Attendance(models.Model):
    """What the client unit recorded after the activity for one panel member (input of discipline).

    One row per accepted seat or approved directed selection; a correction changes the
    row and the audit log keeps the earlier value.
    """

    class Outcome(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        ABSENT_WITH_REASON = "absent_with_reason", _("Absent with valid reason")
        ABSENT_WITHOUT_REASON = "absent_without_reason", _("Absent without reason or notice")
        LEFT_DURING_WORK = "left_during_work", _("Left during the work")

    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="attendance")
    seat = models.OneToOneField(PanelSeat, null=True, blank=True, on_delete=models.PROTECT, related_name="attendance")
    directed_selection = models.OneToOneField(
        "activities.DirectedSelection", null=True, blank=True, on_delete=models.PROTECT, related_name="attendance"
    )
    outcome = models.CharField(_("attendance"), max_length=30, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    objects: ClassVar[models.Manager[Attendance]]

    class Meta:
        ordering = ["activity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seat__isnull=False, directed_selection__isnull=True)
                | models.Q(seat__isnull=True, directed_selection__isnull=False),
                name="attendance_of_one_person",
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.outcome}"
