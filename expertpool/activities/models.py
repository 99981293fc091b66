"""Activities for which experts are selected (UR 第十二、十三条; GZ 三（四）)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from expertpool.core.models import StoredDocument


class Activity(models.Model):
    """A client unit's request for experts: a review, an acceptance inspection, …"""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DRAWN = "drawn", _("Experts drawn")
        STAFFED = "staffed", _("Panel confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="activities")
    client_unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("client unit")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=50, help_text="A code from the policy's activity kinds.")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    # The panel size requested; one the policy does not allow needs a reason and a
    # pool admin's approval before anyone is drawn.
    panel_size = models.PositiveSmallIntegerField(_("panel size"))
    panel_size_reason = models.TextField(_("reason for another panel size"), blank=True)
    panel_size_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel_size_approved_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Activity]]

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(panel_size__gte=1), name="activity_panel_not_empty"),
        ]
        indexes = [models.Index(fields=["pool", "starts_at"])]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


class ActivityParty(models.Model):
    """An organisation the activity is about (subject) or that prepared the work under
    review (consultant): the key for conflict checks, by USCC or normalised name."""

    class Role(models.TextChoices):
        SUBJECT = "subject", _("Subject")
        CONSULTANT = "consultant", _("Consultant")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[models.Manager[ActivityParty]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "role", "organisation"], name="activity_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.organisation}"


class CategoryNeed(models.Model):
    """How many experts of one category the panel needs. An activity with no needs
    takes its whole panel from any of the pool's categories."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="category_needs")
    category = models.ForeignKey("pools.Category", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("number of experts"))
    position = models.PositiveSmallIntegerField(default=0)

    objects: ClassVar[models.Manager[CategoryNeed]]

    class Meta:
        ordering = ["activity", "position"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "category"], name="category_need_unique"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="category_need_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.count}"


class DeclaredConflict(models.Model):
    """A conflict of interest an expert declared (UR 第十一条（三）; GZ 三（四）): with an
    organisation, or with a person (e.g. a relative working at a subject)."""

    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="declared_conflicts")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("person"), max_length=50, blank=True)
    relation = models.CharField(_("relation"), max_length=100)
    declared_at = models.DateTimeField(auto_now_add=True)
    # A conflict that no longer holds ends; it is never deleted.
    ended_on = models.DateField(null=True, blank=True)

    objects: ClassVar[models.Manager[DeclaredConflict]]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(organisation__isnull=True, person_name=""), name="conflict_names_someone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert}: {self.organisation or self.person_name} ({self.relation})"


class DirectedSelection(models.Model):
    """An expert from outside the pool, asked for by name (定向选取, UR 第十二条).

    Needs the client unit's written request (an uploaded letter) and a pool admin's
    approval. The person is recorded here and only here: never as an ``Expert`` or a
    pool member, so directed experts cannot leak into the registry or later draws.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="directed_selections")
    name = models.CharField(_("name"), max_length=50)
    employer_name = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    objects: ClassVar[models.Manager[DirectedSelection]]

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("directed selection")
        verbose_name_plural = _("directed selections")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class DirectedSelectionLetter(StoredDocument):
    """The client unit's written request for a directed selection (书面申请)."""

    directed_selection = models.OneToOneField(DirectedSelection, on_delete=models.PROTECT, related_name="letter")

    objects: ClassVar[models.Manager[DirectedSelectionLetter]]
