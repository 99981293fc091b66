"""Builders shared by the directed selection tests: client units, activities, letters."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.directed import directed_request
from expertpool.activities.models import Activity, DirectedSelection
from expertpool.activities.services import activity_create
from expertpool.applications.tests.factories import tiny_pdf
from expertpool.core.identifiers import make_uscc
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Pool

SUBJECT_USCC = make_uscc(area_code="440106", sequence=31)


def make_unit(pool: Pool, username: str, *, email: str = "") -> User:
    """A client-unit user acting for a unit of its own name."""
    user = User.objects.create_user(username=username, password=None, email=email or f"{username}@example.cn")
    unit = organisation_get_or_create(name=f"{username}使用单位", actor=None)
    pool_role_grant(actor=None, user=user, pool=pool, role=Role.CLIENT_UNIT, organisation=unit)
    return user


def make_activity(unit: User, pool: Pool, **overrides: Any) -> Activity:
    starts = datetime.datetime(2026, 6, 1, 1, 0, tzinfo=datetime.UTC)
    values: dict[str, Any] = {
        "kind": "review",
        "title": "清洁生产审核评估",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=4),
        "place": "现场",
        "panel_size": 3,
        "subjects": [("某某化工有限公司", SUBJECT_USCC)],
    }
    values.update(overrides)
    return activity_create(actor=unit, pool=pool, **values)


def pdf_letter(name: str = "书面申请.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf("letter"), content_type="application/pdf")


def png_letter(name: str = "letter.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 60, 120)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def exe_renamed() -> SimpleUploadedFile:
    """A Windows program renamed to look like a PDF."""
    return SimpleUploadedFile(
        "letter.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, content_type="application/pdf"
    )


def html_renamed() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "letter.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", content_type="application/pdf"
    )


def request_fields(**overrides: Any) -> dict[str, Any]:
    """A complete request's fields, as the service, the form and the API take them."""
    values: dict[str, Any] = {
        "name": "王定向",
        "employer_name": "新疆某核技术研究院",
        "title": "研究员",
        "specialty": "辐射安全",
        "mobile": "13912345678",
        "email": "wang@example.cn",
        "reason": "本项目涉及核技术利用，库内无相应专业专家。",
    }
    values.update(overrides)
    return values


def make_request(unit: User, activity: Activity, **overrides: Any) -> DirectedSelection:
    values = request_fields(**overrides)
    values.setdefault("letter", pdf_letter())
    return directed_request(actor=unit, activity=activity, **values)
