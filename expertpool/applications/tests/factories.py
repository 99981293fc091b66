"""Complete, valid applications for tests and browser journeys; every call gives a new person.

``make_ready_application`` leaves a draft that may be submitted at once (form,
photo, required attachments, pledge); the other makers drive it on through the
real services to a given state.
"""

from __future__ import annotations

import datetime
import io
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.applications.files import application_photo_set
from expertpool.applications.models import Application, Mode
from expertpool.applications.notices import notices_close_due, proposed_list_publish
from expertpool.applications.review import application_give_unit_opinion, application_review
from expertpool.applications.services import (
    application_accept_pledge,
    application_attachment_add,
    application_save_draft,
    application_start,
    application_submit,
    application_withdraw,
)
from expertpool.applications.states import Status
from expertpool.core.identifiers import make_id_number

if TYPE_CHECKING:
    from expertpool.organisations.models import Organisation
    from expertpool.pools.models import Pool

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def quick_settings(settings: Any, tmp_path: Path) -> None:
    """Import into a test module to keep its uploads in a temporary folder and make
    the personas' passwords quick to hash (they are only ever test accounts)."""
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Where each shipped pool's applicants live: the ID number's area code.
AREA_CODES = {"gz-cleaner-production": "440106", "urumqi-eco-environment": "650102"}


def tiny_pdf(text: str = "scan") -> bytes:
    """A minimal well-formed PDF: header, one page, a cross-reference table and its offset."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%" + text.encode()[:20] + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def make_applicant(username: str | None = None, *, password: str | None = None) -> User:
    """A person with an account and nothing else: no role in any pool. Without a
    password the account cannot log in (and is quick to make: no hashing)."""
    name = username or f"applicant{next(_sequence)}"
    return User.objects.create_user(username=name, password=password, email=f"{name}@example.cn")


def make_staff(pool: Pool, role: str = Role.POOL_ADMIN) -> User:
    user = make_applicant(f"{pool.slug[:2]}_{role}{next(_sequence)}")
    PoolRole.objects.create(user=user, pool=pool, role=role)
    return user


def make_identity(pool: Pool, *, birth_date: datetime.date, gender: str) -> tuple[str, str]:
    """A resident ID number (matching birth date and gender) and a mobile, both new."""
    n = next(_sequence)
    id_number = make_id_number(
        area_code=AREA_CODES.get(pool.slug, "440106"), birth_date=birth_date, sequence=n, gender=gender
    )
    return id_number, f"139{n:08d}"


def make_form_data(pool: Pool, **overrides: Any) -> dict[str, Any]:
    """Every field of the pool's form filled in, the person eligible under its policy."""
    rules = pool.policy.rules
    n = next(_sequence)
    urumqi = rules.categories.max_per_expert is not None
    data: dict[str, Any] = {
        "name": f"申请人{n}",
        "gender": "male" if n % 2 else "female",
        "birth_date": "1975-05-17",
        "ethnicity": "汉族",
        "email": f"applicant{n}@example.cn",
        "address": "乌鲁木齐市天山区光明路1号" if urumqi else "广州市天河区天河路1号",
        "employer_name": "乌鲁木齐市环境科学研究院" if urumqi else "广州市环境技术中心",
        "employer_uscc": "",
        "employer_nature": "research_institute",
        "position": "总工程师",
        "employment_status": "in_service",
        "current_specialty": "大气污染控制" if urumqi else "清洁生产审核",
        "field_years": 12,
        "education": [
            {
                "institution": "华南理工大学",
                "major": "环境工程",
                "education_level": "研究生",
                "degree": "master",
                "is_postdoc": False,
                "start_month": "1996-09",
                "end_month": "1999-07",
            }
        ],
        "work_history": [
            {"employer_name": "广州市环境技术中心", "position": "工程师", "start_month": "1999-07", "end_month": ""}
        ],
        "credentials": [
            {
                "kind": "title",
                "name": "高级工程师",
                "level": "associate_senior",
                "certificate_number": f"T{n:06d}",
                "obtained_on": "2010-12-01",
                "issuer": "省人力资源和社会保障厅",
            }
        ],
        "distinctions": [],
        "achievements": [{"kind": "project", "title": "重点企业清洁生产审核", "year": 2020, "description": ""}],
        "categories": ["environmental_engineering", "climate_change"] if urumqi else ["cleaner_production"],
        "industry_codes": [],
        "declarations": [declaration.code for declaration in rules.declarations],
    }
    data.update(overrides)
    return data


def required_attachment_kinds(application: Application) -> list[str]:
    """What the applicant must upload (the unit's opinion comes with its preliminary review)."""
    retired = application.form_data.get("employment_status") == "retired"
    return [
        attachment.code
        for attachment in application.pool.policy.rules.attachments
        if attachment.required == "always" or (attachment.required == "retired" and retired)
    ]


def make_ready_application(
    pool: Pool,
    applicant: User | None = None,
    *,
    mode: str = Mode.SELF,
    nominating_unit: Organisation | None = None,
    birth_date: datetime.date = datetime.date(1975, 5, 17),
    gender: str | None = None,
    skip_attachments: tuple[str, ...] = (),
    accept_pledge: bool = True,
    **form_overrides: Any,
) -> Application:
    """A draft that ``application_submit`` accepts: the complete form, an ID number and
    mobile, a photo, the required attachments (tiny PDFs) and the pledge accepted."""
    applicant = applicant or make_applicant()
    application = application_start(actor=applicant, pool=pool, mode=mode, nominating_unit=nominating_unit)
    form_data = make_form_data(pool, birth_date=birth_date.isoformat(), **form_overrides)
    if gender is not None:
        form_data["gender"] = gender
    id_number, mobile = make_identity(pool, birth_date=birth_date, gender=form_data["gender"])
    application = application_save_draft(
        actor=applicant, application=application, form_data=form_data, id_number=id_number, mobile=mobile
    )
    application = application_photo_set(
        actor=applicant,
        application=application,
        file=SimpleUploadedFile("photo.png", tiny_png(), content_type="image/png"),
    )
    for kind in required_attachment_kinds(application):
        if kind not in skip_attachments:
            application_attachment_add(actor=applicant, application=application, kind=kind, file=pdf_upload())
    if accept_pledge:
        application_accept_pledge(actor=applicant, application=application, version=pool.policy.rules.pledge.version)
    application.refresh_from_db()
    return application


def make_submitted_application(pool: Pool, applicant: User | None = None, **overrides: Any) -> Application:
    """Submitted: in preliminary review where a unit's opinion is due (UR always, unit
    nominations), else in qualification review."""
    application = make_ready_application(pool, applicant, **overrides)
    return application_submit(actor=application.applicant, application=application)


def give_unit_opinion(application: Application, *, actor: User, recommended: bool = True) -> Application:
    """The unit's preliminary review, with its stamped scan uploaded by ``actor``."""
    scan = application_attachment_add(
        actor=actor, application=application, kind="unit_opinion", file=pdf_upload("opinion.pdf")
    )
    opinion = "同意推荐。" if recommended else "材料不全，不予推荐。"
    application_give_unit_opinion(
        actor=actor, application=application, recommended=recommended, opinion=opinion, stamped_scan=scan
    )
    application.refresh_from_db()
    return application


def make_application_in(
    status: Status, pool: Pool, applicant: User | None = None, *, staff: User | None = None, **overrides: Any
) -> Application:
    """An application brought to ``status`` through the real services. ``staff`` (a pool
    admin, made when not given) gives the unit's opinion and the review decisions.
    ``in_notice`` needs a pool with a public notice; it and ``admitted`` publish the
    pool's whole proposed list (on 2 March 2026), and ``admitted`` closes the notice
    after its end (or, without a notice, admits at publication)."""
    if status == Status.DRAFT:
        return make_ready_application(pool, applicant, **overrides)
    if status == Status.PRELIMINARY_REVIEW and pool.policy.rules.application.unit_opinion != "always":
        # Only a unit nomination meets a preliminary review there.
        overrides.setdefault("mode", Mode.UNIT)
    application = make_submitted_application(pool, applicant, **overrides)
    staff = staff or make_staff(pool)
    if status == Status.WITHDRAWN:
        return application_withdraw(actor=application.applicant, application=application, reason="不再申请")
    if application.status == Status.PRELIMINARY_REVIEW and status != Status.PRELIMINARY_REVIEW:
        application = give_unit_opinion(application, actor=staff)
    if status in {Status.PRELIMINARY_REVIEW, Status.QUALIFICATION_REVIEW}:
        return application
    outcome = {Status.RETURNED: "return", Status.REJECTED: "reject"}.get(status, "approve")
    application_review(
        actor=staff,
        application=application,
        outcome=outcome,
        reason="" if outcome == "approve" else "材料与条件不符。",
        confirmed_declarations=[d.code for d in pool.policy.rules.declarations],
    )
    application.refresh_from_db()
    if status in {Status.RETURNED, Status.REJECTED, Status.APPROVED}:
        return application
    notice = proposed_list_publish(actor=staff, pool=pool, published_on=datetime.date(2026, 3, 2))
    if status == Status.ADMITTED and notice is not None:
        notices_close_due(actor=None, today=notice.ends_on + datetime.timedelta(days=1))
    application.refresh_from_db()
    return application
