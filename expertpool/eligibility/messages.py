"""Messages in both of the platform's languages at once.

A decision carries its reasons in Chinese and English whatever the reader's
language (the API returns both), so each message is rendered twice under an
explicit language rather than once under the active one. Templates are marked
with ``gettext_noop`` where they are written, so that makemessages finds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from expertpool.pools.policy import Degree, Distinction, TitleLevel

CHINESE = "zh-hans"
ENGLISH = "en"


@dataclass(frozen=True)
class Bilingual:
    """Data that the policy itself gives in both languages (names, declaration texts)."""

    zh: str
    en: str


Param = str | int | Promise | Bilingual | Sequence["Param"]

# The same msgids as the registry's choices (experts.models), kept here because
# the engine must not import models.
TITLE_LEVEL_LABELS: dict[TitleLevel, Promise] = {
    TitleLevel.FULL_SENIOR: _("Full senior (正高级)"),
    TitleLevel.ASSOCIATE_SENIOR: _("Associate senior (副高级)"),
    TitleLevel.INTERMEDIATE: _("Intermediate (中级)"),
    TitleLevel.JUNIOR: _("Junior (初级)"),
    TitleLevel.NONE: _("None"),
}
DEGREE_LABELS: dict[Degree, Promise] = {
    Degree.DOCTORATE: _("Doctorate"),
    Degree.MASTER: _("Master"),
    Degree.BACHELOR: _("Bachelor"),
    Degree.OTHER: _("Other"),
}
DISTINCTION_LABELS: dict[Distinction, Promise] = {
    Distinction.ACADEMICIAN: _("Academician (院士)"),
    Distinction.DOCTORAL_SUPERVISOR: _("Doctoral supervisor (博导)"),
    Distinction.STATE_COUNCIL_ALLOWANCE: _("State Council special allowance"),
    Distinction.PROVINCIAL_ALLOWANCE: _("Provincial special allowance"),
    Distinction.SCARCE_SPECIALTY: _("Scarce specialty (admin judgement)"),
}


def bilingual(template: str, **params: Param) -> tuple[str, str]:
    """``template`` (an English msgid) rendered in Chinese and in English."""
    return _render(template, params, CHINESE), _render(template, params, ENGLISH)


def _render(template: str, params: dict[str, Param], language: str) -> str:
    with override(language):
        return gettext(template) % {name: _resolve(value, language) for name, value in params.items()}


def _resolve(value: Param, language: str) -> str | int:
    if isinstance(value, Bilingual):
        return value.zh if language == CHINESE else value.en
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, str | int):
        return value
    separator = "、" if language == CHINESE else ", "
    return separator.join(str(_resolve(item, language)) for item in value)
