"""The expert registry: every field of both application forms has a home here."""

from __future__ import annotations

import hashlib
import hmac
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from expertpool.core.models import StoredDocument, random_upload_path
from expertpool.pools.policy import Degree, Distinction, TitleLevel


def id_number_digest(id_number: str) -> str:
    """A keyed hash of the ID number: a unique index that survives encryption at rest."""
    key = settings.PERSONAL_DATA_INDEX_KEY.encode()
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class EmploymentStatus(models.TextChoices):
    """是否在职 (UR form); retirees give their former employer (GZ form note 2)."""

    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Not in service")


TITLE_LEVEL_CHOICES = [
    (TitleLevel.FULL_SENIOR.value, _("Full senior (正高级)")),
    (TitleLevel.ASSOCIATE_SENIOR.value, _("Associate senior (副高级)")),
    (TitleLevel.INTERMEDIATE.value, _("Intermediate (中级)")),
    (TitleLevel.JUNIOR.value, _("Junior (初级)")),
    (TitleLevel.NONE.value, _("None")),
]
DEGREE_CHOICES = [
    (Degree.DOCTORATE.value, _("Doctorate")),
    (Degree.MASTER.value, _("Master")),
    (Degree.BACHELOR.value, _("Bachelor")),
    (Degree.OTHER.value, _("Other")),
]
DISTINCTION_CHOICES = [
    (Distinction.ACADEMICIAN.value, _("Academician (院士)")),
    (Distinction.DOCTORAL_SUPERVISOR.value, _("Doctoral supervisor (博导)")),
    (Distinction.STATE_COUNCIL_ALLOWANCE.value, _("State Council special allowance")),
    (Distinction.PROVINCIAL_ALLOWANCE.value, _("Provincial special allowance")),
    (Distinction.SCARCE_SPECIALTY.value, _("Scarce specialty (admin judgement)")),
]


class Expert(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="expert"
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    # Read and written only through the ``id_number`` and ``mobile`` accessors,
    # so that encryption at rest can be added there without touching callers.
    id_number_stored = models.CharField(max_length=200, db_column="id_number")
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    mobile_stored = models.CharField(max_length=200, db_column="mobile", blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to=random_upload_path, blank=True)
    employer = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("employer"),
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices, default=EmploymentStatus.IN_SERVICE
    )
    current_specialty = models.CharField(_("current specialty or industry"), max_length=200, blank=True)
    field_years = models.PositiveSmallIntegerField(_("years in the field"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Expert]]

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return self.id_number_stored

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_stored = value
        self.id_number_digest = id_number_digest(value)

    @property
    def mobile(self) -> str:
        return self.mobile_stored

    @mobile.setter
    def mobile(self, value: str) -> None:
        self.mobile_stored = value

    @property
    def title_level(self) -> str:
        """The highest title level held, derived from the title credentials."""
        levels = [TitleLevel(c.level) for c in self.credentials.all() if c.kind == CredentialKind.TITLE and c.level]
        return max(levels, key=lambda level: level.rank, default=TitleLevel.NONE).value

    @property
    def degree(self) -> str:
        """The highest degree held, derived from the education rows."""
        order = [Degree.OTHER, Degree.BACHELOR, Degree.MASTER, Degree.DOCTORATE]
        degrees = [Degree(row.degree) for row in self.education.all() if row.degree]
        return max(degrees, key=order.index, default=Degree.OTHER).value

    @property
    def postdoc(self) -> bool:
        return any(row.is_postdoc for row in self.education.all())


class Education(models.Model):
    """教育背景 / 学历学位 / 毕业院校及专业."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="education")
    start_month = models.DateField(_("from"), null=True, blank=True)
    end_month = models.DateField(_("to"), null=True, blank=True)
    institution = models.CharField(_("institution"), max_length=100)
    major = models.CharField(_("major"), max_length=100, blank=True)
    education_level = models.CharField(_("education"), max_length=50, blank=True)
    degree = models.CharField(_("degree"), max_length=20, choices=DEGREE_CHOICES, blank=True)
    is_postdoc = models.BooleanField(_("postdoctoral"), default=False)

    objects: ClassVar[models.Manager[Education]]

    class Meta:
        ordering = ["expert", "start_month", "pk"]
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return f"{self.institution} {self.major}"


class WorkHistory(models.Model):
    """工作简历 / 主要工作经历."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="work_history")
    start_month = models.DateField(_("from"), null=True, blank=True)
    end_month = models.DateField(_("to"), null=True, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200)
    # normalise_name(employer_name), stored so that the past-employer recusal rule
    # matches the activity's parties in SQL instead of folding every row in Python.
    employer_normalised = models.CharField(max_length=200, editable=False, blank=True, db_index=True)
    position = models.CharField(_("position or title"), max_length=100, blank=True)

    objects: ClassVar[models.Manager[WorkHistory]]

    class Meta:
        ordering = ["expert", "start_month", "pk"]
        verbose_name = _("work history")
        verbose_name_plural = _("work history")

    def __str__(self) -> str:
        return f"{self.employer_name} {self.position}"


class CredentialKind(models.TextChoices):
    TITLE = "title", _("Professional title")
    QUALIFICATION = "qualification", _("Professional qualification")


class Credential(models.Model):
    """A professional title (职称) or qualification (职业资格), with its certificate."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(_("kind"), max_length=20, choices=CredentialKind.choices)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("title level"), max_length=20, choices=TITLE_LEVEL_CHOICES, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    obtained_on = models.DateField(_("date obtained"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)

    objects: ClassVar[models.Manager[Credential]]

    class Meta:
        ordering = ["expert", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="title") | ~models.Q(level=""), name="credential_title_has_level"
            )
        ]
        verbose_name = _("title or qualification")
        verbose_name_plural = _("titles and qualifications")

    def __str__(self) -> str:
        return self.name


class ExpertDistinction(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="distinctions")
    kind = models.CharField(_("distinction"), max_length=30, choices=DISTINCTION_CHOICES)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects: ClassVar[models.Manager[ExpertDistinction]]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["expert", "kind"], name="distinction_unique_kind")]
        verbose_name = _("distinction")
        verbose_name_plural = _("distinctions")

    def __str__(self) -> str:
        return self.get_kind_display()


class AchievementKind(models.TextChoices):
    PROJECT = "project", _("Project")
    PUBLICATION = "publication", _("Publication or book")
    PATENT = "patent", _("Patent or invention")
    AWARD = "award", _("Award")
    RESEARCH = "research", _("Research topic")
    OTHER = "other", _("Other")


class Achievement(models.Model):
    """业绩成果 / 专业领域研究成果."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects: ClassVar[models.Manager[Achievement]]

    class Meta:
        ordering = ["expert", "-year", "pk"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")

    def __str__(self) -> str:
        return self.title


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Term ended")
    REMOVED = "removed", _("Removed")


class Membership(models.Model):
    """An expert's place in one pool, with the categories and industry codes held there."""

    pool = models.ForeignKey("pools.Pool", on_delete=models.PROTECT, related_name="memberships")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    categories = models.ManyToManyField("pools.Category", related_name="memberships", verbose_name=_("categories"))
    industry_codes = models.ManyToManyField(
        "industries.IndustryCode", blank=True, related_name="memberships", verbose_name=_("industry codes")
    )
    admitted_on = models.DateField(_("admitted on"))
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Membership]]

    class Meta:
        ordering = ["pool", "expert__name"]
        constraints = [models.UniqueConstraint(fields=["pool", "expert"], name="membership_unique_expert")]
        indexes = [models.Index(fields=["pool", "status"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.expert} @ {self.pool}"


class Attachment(StoredDocument):
    """A supporting document of a registered expert."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="attachments")
    pool = models.ForeignKey("pools.Pool", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[models.Manager[Attachment]]

    class Meta:
        ordering = ["expert", "kind", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"
