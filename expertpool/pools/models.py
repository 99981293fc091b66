from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from expertpool.pools.policy import Policy as PolicyDocument


class Policy(models.Model):
    """One version of a policy file, stored as validated data.

    Versions are never edited in place: a changed file is a new row, and pools
    point at the version they run under.
    """

    slug = models.SlugField(_("slug"), max_length=50)
    version = models.CharField(_("version"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    document = models.JSONField(_("document"))
    checksum = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Policy]]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="policy_unique_version")]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @cached_property
    def rules(self) -> PolicyDocument:
        return PolicyDocument.model_validate(self.document)


class Pool(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    managing_body = models.CharField(_("managing body"), max_length=200)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="pools", verbose_name=_("policy"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Pool]]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("pool")
        verbose_name_plural = _("pools")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class Category(models.Model):
    """A pool's category, mirrored from its policy so memberships can refer to it."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="categories")
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    subfields = models.JSONField(default=list, blank=True)
    requires_industry_codes = models.BooleanField(default=False)
    clause = models.CharField(_("clause"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    # A category dropped by a newer policy version stays for history, inactive.
    is_active = models.BooleanField(default=True)

    objects: ClassVar[models.Manager[Category]]

    class Meta:
        ordering = ["pool", "position"]
        constraints = [models.UniqueConstraint(fields=["pool", "code"], name="category_unique_code")]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name
