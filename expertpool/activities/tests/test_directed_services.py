"""Directed selection services: who may ask and decide, what is checked, what is recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from expertpool.accounts.models import User
from expertpool.activities.directed import directed_approve, directed_refuse, directed_request
from expertpool.activities.models import Activity, DirectedSelection, DirectedSelectionLetter
from expertpool.activities.tests.directed_helpers import (
    exe_renamed,
    html_renamed,
    make_activity,
    make_request,
    make_unit,
    png_letter,
    request_fields,
)
from expertpool.audit.models import AuditRecord
from expertpool.experts.models import Expert, Membership
from expertpool.pools.models import Pool


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return dict(exc.value.message_dict)


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_client_unit_requests_a_directed_expert_with_its_letter(
    gz_unit: User,
    activity: Activity,
    gz_admin: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        directed = make_request(gz_unit, activity, mobile="139 1234 5678", email="Wang@Example.CN")

    assert directed.status == DirectedSelection.Status.REQUESTED
    assert directed.requested_by == gz_unit
    assert (directed.mobile, directed.email) == ("13912345678", "wang@example.cn")
    letter = DirectedSelectionLetter.objects.get(directed_selection=directed)
    assert letter.content_type == "application/pdf"
    assert letter.original_name == "书面申请.pdf"
    assert len(letter.sha256) == 64
    assert letter.file.name.endswith(".pdf")
    assert "书面申请" not in letter.file.name
    record = AuditRecord.objects.get(action="directed_selection.requested")
    assert record.object_id == str(directed.pk)
    assert record.data["letter"]["sha256"] == letter.sha256
    assert record.data["mobile"] == "139****5678"
    assert "13912345678" not in str(record.data)
    assert record.clause == ""  # GZ's call has no clause on it
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [gz_admin.email]
    assert f"/console/{activity.pool.slug}/directed/{directed.pk}/" in mailoutbox[0].body


def test_ur_request_cites_article_twelve(ur_pool: Pool) -> None:
    unit = make_unit(ur_pool, "ur_unit")
    directed = make_request(unit, make_activity(unit, ur_pool), letter=png_letter())

    assert AuditRecord.objects.get(action="directed_selection.requested").clause == "UR 第十二条"
    assert directed.letter.content_type == "image/png"


def test_unit_of_another_activity_cannot_ask(gz_pool: Pool, activity: Activity, media: Path) -> None:
    other = make_unit(gz_pool, "other_unit")
    with pytest.raises(PermissionDenied):
        make_request(other, activity)
    assert not DirectedSelection.objects.exists()
    assert _files(media) == []


@pytest.mark.parametrize("who", ["gz_admin", "gz_client", "outsider"])
def test_staff_client_without_unit_and_outsider_cannot_ask(
    who: str, activity: Activity, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied):
        make_request(request.getfixturevalue(who), activity)
    assert not DirectedSelection.objects.exists()


@pytest.mark.parametrize("status", [Activity.Status.COMPLETED, Activity.Status.CANCELLED])
def test_no_request_for_a_closed_activity(status: str, gz_unit: User, activity: Activity) -> None:
    Activity.objects.filter(pk=activity.pk).update(status=status)
    activity.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        make_request(gz_unit, activity)
    assert exc.value.code == "closed"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (exe_renamed, "This type of file is not accepted. Accepted types: PDF, JPEG, PNG."),
        (html_renamed, "Web pages, SVG images and scripts cannot be uploaded."),
    ],
)
def test_bad_letter_is_refused_by_content_and_nothing_is_stored(
    upload: Any, message: str, gz_unit: User, activity: Activity, media: Path
) -> None:
    with pytest.raises(ValidationError) as exc:
        make_request(gz_unit, activity, letter=upload())

    assert _errors(exc) == {"letter": [message]}
    assert not DirectedSelection.objects.exists()
    assert not DirectedSelectionLetter.objects.exists()
    assert _files(media) == []
    assert not AuditRecord.objects.filter(action__startswith="directed_selection.").exists()


def test_every_missing_field_is_named(gz_unit: User, activity: Activity) -> None:
    values = request_fields(name=" ", employer_name="", mobile="", email="", reason="  ")
    with pytest.raises(ValidationError) as exc:
        directed_request(actor=gz_unit, activity=activity, letter=None, **values)

    errors = _errors(exc)
    assert errors["name"] == ["Give the expert's name."]
    assert errors["employer_name"] == ["Give the expert's employer."]
    assert errors["mobile"] == ["Give a phone number or an e-mail address, so that the expert can be reached."]
    assert errors["reason"] == ["Say why the pool's experts cannot meet the need (the written reason)."]
    assert errors["letter"] == ["Attach the written request: a PDF or a scan or photo of the signed letter."]
    assert not DirectedSelection.objects.exists()


def test_bad_phone_email_and_long_name_are_refused(gz_unit: User, activity: Activity) -> None:
    with pytest.raises(ValidationError) as exc:
        make_request(gz_unit, activity, mobile="12345", email="not-an-address", name="王" * 51)

    errors = _errors(exc)
    assert errors["mobile"] == ["Enter an 11-digit mobile number or a landline with its area code."]
    assert errors["email"] == ["Enter a valid e-mail address."]
    assert errors["name"] == ["At most 50 characters."]


def test_a_phone_alone_or_an_email_alone_is_enough(gz_unit: User, activity: Activity) -> None:
    by_phone = make_request(gz_unit, activity, email="")
    by_mail = make_request(gz_unit, activity, mobile="")
    assert (by_phone.email, by_mail.mobile) == ("", "")


def test_admin_approves_and_the_requester_is_told(
    gz_admin: User,
    gz_unit: User,
    directed: DirectedSelection,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decided = directed_approve(actor=gz_admin, directed=directed, reason="库内无辐射安全专业")

    assert decided.status == DirectedSelection.Status.APPROVED
    assert decided.decided_by == gz_admin
    assert decided.decided_at is not None
    assert decided.decision_reason == "库内无辐射安全专业"
    record = AuditRecord.objects.get(action="directed_selection.approved")
    assert record.object_id == str(directed.pk)
    assert record.data == {"activity": directed.activity_id, "name": "王定向", "reason": "库内无辐射安全专业"}
    assert [mail.to for mail in mailoutbox] == [[gz_unit.email]]
    assert f"/client/activities/{directed.activity_id}/directed/" in mailoutbox[0].body


def test_approved_directed_expert_is_never_an_expert_nor_a_member(gz_admin: User, directed: DirectedSelection) -> None:
    experts, members = Expert.objects.count(), Membership.objects.count()
    directed_approve(actor=gz_admin, directed=directed)

    assert Expert.objects.count() == experts
    assert Membership.objects.count() == members
    assert not Expert.objects.filter(name=directed.name).exists()
    assert not Membership.objects.filter(expert__name=directed.name).exists()


def test_refuse_needs_a_reason(gz_admin: User, directed: DirectedSelection) -> None:
    with pytest.raises(ValidationError) as exc:
        directed_refuse(actor=gz_admin, directed=directed, reason="  ")

    assert _errors(exc) == {"reason": ["Give the reason for refusing; the client unit is shown it."]}
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REQUESTED


def test_admin_refuses_with_reason(gz_admin: User, directed: DirectedSelection) -> None:
    decided = directed_refuse(actor=gz_admin, directed=directed, reason="库内有相应专业专家")

    assert decided.status == DirectedSelection.Status.REFUSED
    assert AuditRecord.objects.get(action="directed_selection.refused").data["reason"] == "库内有相应专业专家"


@pytest.mark.parametrize("who", ["gz_reviewer", "gz_unit", "outsider", "ur_admin"])
def test_only_the_pools_admins_decide(who: str, directed: DirectedSelection, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        directed_approve(actor=actor, directed=directed)
    with pytest.raises(PermissionDenied):
        directed_refuse(actor=actor, directed=directed, reason="不同意")
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REQUESTED


def test_a_decision_is_made_once(gz_admin: User, directed: DirectedSelection) -> None:
    directed_refuse(actor=gz_admin, directed=directed, reason="库内有相应专业专家")
    with pytest.raises(ValidationError) as exc:
        directed_approve(actor=gz_admin, directed=directed)

    assert exc.value.code == "decided"
    directed.refresh_from_db()
    assert directed.status == DirectedSelection.Status.REFUSED


def test_no_approval_for_a_cancelled_activity(gz_admin: User, directed: DirectedSelection) -> None:
    Activity.objects.filter(pk=directed.activity_id).update(status=Activity.Status.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        directed_approve(actor=gz_admin, directed=directed)
    assert exc.value.code == "closed"
    # A refusal is still possible, so the request does not hang open.
    assert directed_refuse(actor=gz_admin, directed=directed, reason="活动已取消").status == "refused"
