from __future__ import annotations

import unicodedata
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Nature(models.TextChoices):
    """单位性质, as listed on the UR form."""

    STATE_OWNED_ENTERPRISE = "state_owned_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    UNIVERSITY = "university", _("University or college")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    WHOLLY_FOREIGN_OWNED = "wholly_foreign_owned", _("Wholly foreign-owned enterprise")
    SINO_FOREIGN = "sino_foreign", _("Sino-foreign joint venture, cooperation or foreign-controlled")
    OTHER = "other", _("Other")


def normalise_name(name: str) -> str:
    """Fold width, spaces and bracket styles so that 广州（某）公司 matches 广州(某)公司."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(folded.split()).casefold()


class Organisation(models.Model):
    """Any unit: employer, nominating unit, client unit, subject or consultant."""

    name = models.CharField(_("name"), max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, null=True, blank=True, unique=True)
    nature = models.CharField(_("nature"), max_length=30, choices=Nature.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Organisation]]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name
