"""Applications to join a pool, from draft to admission (GZ 四, UR 第八、九条)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from expertpool.applications.states import FINAL, Status
from expertpool.core.models import StoredDocument, random_upload_path
from expertpool.experts.models import id_number_digest


class Mode(models.TextChoices):
    SELF = "self", _("Self-nomination")
    UNIT = "unit", _("Unit nomination")


class Application(models.Model):
    """One request to join one pool. The form is kept as it was typed (``form_data``,
    field names as in the expert API) so a draft survives any validation error."""

    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    mode = models.CharField(_("way in"), max_length=10, choices=Mode.choices, default=Mode.SELF)
    nominating_unit = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    form_data = models.JSONField(default=dict, blank=True)
    # Behind accessors, as on Expert, so that encryption at rest touches one place.
    id_number_stored = models.CharField(max_length=200, db_column="id_number", blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mobile_stored = models.CharField(max_length=200, db_column="mobile", blank=True)
    photo = models.ImageField(_("photo"), upload_to=random_upload_path, blank=True)
    pledge_version = models.CharField(max_length=50, blank=True)
    pledge_accepted_at = models.DateTimeField(null=True, blank=True)
    eligibility = models.JSONField(default=dict, blank=True, help_text="The decision at the last submission.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    membership = models.OneToOneField(
        "experts.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Application]]

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open application per person and pool; finished ones stay as history.
            models.UniqueConstraint(
                fields=["pool", "applicant"],
                condition=~models.Q(status__in=sorted(status.value for status in FINAL)),
                name="application_one_open_per_applicant",
            )
        ]
        indexes = [models.Index(fields=["pool", "status"])]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.form_data.get('name') or self.applicant} → {self.pool}"

    @property
    def id_number(self) -> str:
        return self.id_number_stored

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_stored = value
        self.id_number_digest = id_number_digest(value) if value else ""

    @property
    def mobile(self) -> str:
        return self.mobile_stored

    @mobile.setter
    def mobile(self, value: str) -> None:
        self.mobile_stored = value


class StatusChange(models.Model):
    """Every move of an application, with who made it and why: its visible history."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=Status.choices)
    to_status = models.CharField(max_length=30, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    clause = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[StatusChange]]

    class Meta:
        ordering = ["application", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class ApplicationAttachment(StoredDocument):
    """A document the policy asks for, attached to an application."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    # A replaced file stays, superseded, so the history of what was submitted is kept.
    superseded = models.BooleanField(default=False)

    objects: ClassVar[models.Manager[ApplicationAttachment]]

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class UnitOpinion(models.Model):
    """The nominating unit's preliminary review (初审) and stamped opinion."""

    class Outcome(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended")
        NOT_RECOMMENDED = "not_recommended", _("Not recommended")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="unit_opinions")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    opinion = models.TextField(_("opinion"))
    stamped_scan = models.ForeignKey(
        ApplicationAttachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[UnitOpinion]]

    class Meta:
        ordering = ["application", "given_at"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.outcome}"


class NominationInvitation(models.Model):
    """A nominating unit invites an expert by e-mail to apply (unit nomination)."""

    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=50)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="invitation"
    )

    objects: ClassVar[models.Manager[NominationInvitation]]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ReviewMeeting(models.Model):
    """A review batch (批次): the collective decision and who took part in it."""

    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="review_meetings")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("participants"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[ReviewMeeting]]

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReviewDecision(models.Model):
    """A reviewer's decision on one application, within a meeting."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        RETURN = "return", _("Return for correction")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="review_decisions")
    meeting = models.ForeignKey(
        ReviewMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    confirmed_declarations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[ReviewDecision]]

    class Meta:
        ordering = ["application", "created_at"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"


class PublicNotice(models.Model):
    """Publication of a proposed list for objections (GZ 四（四）)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="public_notices")
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("published on"))
    ends_on = models.DateField(_("ends on"))
    working_days = models.PositiveSmallIntegerField()
    clause = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    applications = models.ManyToManyField(Application, related_name="notices")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[PublicNotice]]

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    """An objection filed by anyone during public notice; resolved with a recorded reason."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("your name"), max_length=50)
    contact = models.CharField(_("contact"), max_length=100)
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(auto_now_add=True)
    # A keyed hash of the sender's address: enough to rate-limit, not to identify.
    sender_digest = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Objection]]

    class Meta:
        ordering = ["filed_at"]

    def __str__(self) -> str:
        return f"{self.name}: {self.state}"
