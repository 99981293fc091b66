"""Reads for the public notice pages: the proposed list as published, nothing more personal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from expertpool.applications.models import Application, PublicNotice
from expertpool.applications.states import Status
from expertpool.experts.models import TITLE_LEVEL_CHOICES
from expertpool.pools.models import Category, Pool

TITLE_LEVEL_LABELS = dict(TITLE_LEVEL_CHOICES)


@dataclass(frozen=True)
class NoticeEntry:
    """One person on a public notice, as the notice shows them (GZ 四（四））."""

    application_id: int
    name: str
    employer: str
    titles: list[str]
    categories: list[str]


def pools_with_open_notices() -> QuerySet[Pool]:
    """Every active pool, each with its open notices in ``open_notices``."""
    return Pool.objects.filter(is_active=True).prefetch_related(
        Prefetch("public_notices", queryset=open_notices_all(), to_attr="open_notices")
    )


def open_notices_all() -> QuerySet[PublicNotice]:
    return PublicNotice.objects.filter(state=PublicNotice.State.OPEN).annotate(
        people=Count("applications", filter=Q(applications__status=Status.IN_NOTICE))
    )


def open_notices(pool: Pool) -> QuerySet[PublicNotice]:
    """The pool's notices still open, with the number of people on each."""
    return open_notices_all().filter(pool=pool)


def get_open_notice(pool: Pool, pk: int) -> PublicNotice:
    """An open notice of the pool; "not found" for a closed one or another pool's."""
    notice = PublicNotice.objects.filter(pool=pool, pk=pk, state=PublicNotice.State.OPEN).first()
    if notice is None:
        raise Http404
    return notice


def notice_entries(notice: PublicNotice) -> list[NoticeEntry]:
    """The people still in notice, read from their forms (two queries in all).
    An upheld objection takes a person off, since they are no longer proposed."""
    names = {c.code: c.display_name for c in Category.objects.filter(pool_id=notice.pool_id)}
    applications = notice.applications.filter(status=Status.IN_NOTICE).order_by("submitted_at", "pk")
    return [_entry(application, names) for application in applications]


def _entry(application: Application, category_names: dict[str, str]) -> NoticeEntry:
    data = application.form_data
    return NoticeEntry(
        application_id=application.pk,
        name=str(data.get("name") or ""),
        employer=str(data.get("employer_name") or ""),
        titles=[_title(row) for row in _rows(data.get("credentials")) if row.get("kind") == "title"],
        categories=[category_names.get(str(code), str(code)) for code in data.get("categories") or []],
    )


def _rows(value: Any) -> list[dict[str, Any]]:
    return [row for row in value or [] if isinstance(row, dict)]


def _title(row: dict[str, Any]) -> str:
    level = TITLE_LEVEL_LABELS.get(str(row.get("level") or ""))
    name = str(row.get("name") or "")
    if level is None:
        return name
    return _("%(name)s, %(level)s") % {"name": name, "level": level}
