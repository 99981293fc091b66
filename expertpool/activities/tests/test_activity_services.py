from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.activities.models import Activity, ActivityParty
from expertpool.activities.services import (
    activity_approve_panel_size,
    activity_create,
    activity_panel_size_ok,
)
from expertpool.audit.models import AuditRecord
from expertpool.core.identifiers import make_uscc
from expertpool.organisations.models import Organisation
from expertpool.organisations.services import organisation_get_or_create
from expertpool.pools.models import Category, Pool

SUBJECT_USCC = make_uscc(area_code="440106", sequence=11)
CONSULTANT_USCC = make_uscc(area_code="440106", sequence=12)


def _client(pool: Pool, username: str) -> User:
    user = User.objects.create_user(username=username, password=None)
    unit = organisation_get_or_create(name=f"{username}使用单位", actor=None)
    pool_role_grant(actor=None, user=user, pool=pool, role=Role.CLIENT_UNIT, organisation=unit)
    return user


@pytest.fixture
def gz_unit(gz_pool: Pool) -> User:
    return _client(gz_pool, "gz_unit")


@pytest.fixture
def ur_unit(ur_pool: Pool) -> User:
    return _client(ur_pool, "ur_unit")


def _request(actor: User, pool: Pool, **overrides: Any) -> Activity:
    starts = datetime.datetime(2026, 6, 1, 1, 0, tzinfo=datetime.UTC)
    values: dict[str, Any] = {
        "kind": "review",
        "title": "清洁生产审核评估",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=4),
        "place": "广州市天河区",
        "panel_size": 3,
        "subjects": [("广州某某化工有限公司", SUBJECT_USCC)],
    }
    values.update(overrides)
    return activity_create(actor=actor, pool=pool, **values)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return dict(exc.value.message_dict)


def test_client_unit_requests_activity_with_parties_and_needs(gz_pool: Pool, gz_unit: User) -> None:
    activity = _request(
        gz_unit,
        gz_pool,
        consultants=[("广州某咨询服务有限公司", CONSULTANT_USCC)],
        category_needs=[("cleaner_production", 2), ("energy_saving", 1)],
        notes="  带安全帽  ",
    )

    assert activity.client_unit.name == "gz_unit使用单位"
    assert activity.requested_by == gz_unit
    assert activity.notes == "带安全帽"
    assert activity.status == Activity.Status.REQUESTED
    parties = {(p.role, p.organisation.uscc) for p in activity.parties.select_related("organisation")}
    assert parties == {(ActivityParty.Role.SUBJECT, SUBJECT_USCC), (ActivityParty.Role.CONSULTANT, CONSULTANT_USCC)}
    assert [(n.category.code, n.count) for n in activity.category_needs.select_related("category")] == [
        ("cleaner_production", 2),
        ("energy_saving", 1),
    ]
    assert activity_panel_size_ok(activity)
    record = AuditRecord.objects.get(action="activity.requested")
    assert record.object_id == str(activity.pk)
    assert record.pool == gz_pool
    assert record.data["panel_rule_met"] is True
    assert record.data["category_needs"] == [["cleaner_production", 2], ["energy_saving", 1]]


def test_request_cites_the_panel_clause(ur_pool: Pool, ur_unit: User) -> None:
    _request(ur_unit, ur_pool, kind="site_survey", panel_size=5)

    assert AuditRecord.objects.get(action="activity.requested").clause == "UR 第十二条"


def test_known_subject_is_matched_not_duplicated(gz_pool: Pool, gz_unit: User) -> None:
    known = organisation_get_or_create(name="广州某某化工有限公司", uscc=SUBJECT_USCC, actor=None)

    activity = _request(
        gz_unit, gz_pool, subjects=[("广州某某化工有限公司", SUBJECT_USCC), ("广州某某化工有限公司", "")]
    )

    assert list(activity.parties.values_list("organisation", flat=True)) == [known.pk]


def test_outsider_may_not_request(gz_pool: Pool, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        _request(outsider, gz_pool)
    assert not Activity.objects.exists()


def test_pool_admin_is_not_a_client_unit(gz_pool: Pool, gz_admin: User) -> None:
    with pytest.raises(PermissionDenied):
        _request(gz_admin, gz_pool)


def test_client_unit_role_without_organisation_is_refused(gz_pool: Pool, gz_client: User) -> None:
    with pytest.raises(PermissionDenied):
        _request(gz_client, gz_pool)


def test_client_unit_of_another_pool_is_refused(gz_pool: Pool, ur_unit: User) -> None:
    with pytest.raises(PermissionDenied):
        _request(ur_unit, gz_pool)


def test_unknown_kind_is_refused(ur_pool: Pool, ur_unit: User) -> None:
    # 审核评估 is Guangzhou's own kind, not Urumqi's.
    with pytest.raises(ValidationError) as exc:
        _request(ur_unit, ur_pool, kind="audit_assessment")
    assert _errors(exc) == {"kind": ["Unknown kind of activity: audit_assessment."]}


@pytest.mark.parametrize("hours", [0, -2])
def test_activity_must_end_after_it_starts(gz_pool: Pool, gz_unit: User, hours: int) -> None:
    starts = datetime.datetime(2026, 6, 1, 1, 0, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours))
    assert _errors(exc) == {"ends_at": ["The activity must end after it starts."]}


def test_missing_title_place_and_subject_are_named(gz_pool: Pool, gz_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, title=" ", place="", subjects=[])
    assert set(_errors(exc)) == {"title", "place", "subjects"}
    assert _errors(exc)["subjects"] == ["Name at least one subject organisation."]


def test_bad_party_code_is_refused_and_nothing_is_created(gz_pool: Pool, gz_unit: User) -> None:
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, subjects=[("甲公司", "")], consultants=[("乙公司", "91440106000000000X")])
    assert list(_errors(exc)) == ["consultants"]
    assert _errors(exc)["consultants"][0].startswith("Entry 1: ")
    assert Organisation.objects.count() == before
    assert not AuditRecord.objects.filter(action="activity.requested").exists()


def test_unknown_category_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, category_needs=[("environmental_science", 1)])
    assert _errors(exc) == {"category_needs": ["Unknown or inactive category: environmental_science."]}


def test_inactive_category_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    Category.objects.filter(pool=gz_pool, code="energy_saving").update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, category_needs=[("energy_saving", 1)])
    assert _errors(exc) == {"category_needs": ["Unknown or inactive category: energy_saving."]}


def test_needs_must_be_positive_and_listed_once(gz_pool: Pool, gz_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, category_needs=[("energy_saving", 0), ("energy_saving", 1)])
    assert _errors(exc)["category_needs"] == [
        "A category is listed twice.",
        "Each category needs at least one expert.",
    ]


def test_needs_may_not_exceed_the_panel(gz_pool: Pool, gz_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, category_needs=[("cleaner_production", 2), ("energy_saving", 2)])
    assert _errors(exc) == {
        "category_needs": ["The categories need 4 experts, more than the panel size of 3."],
    }


def test_even_panel_without_reason_is_refused(ur_pool: Pool, ur_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(ur_unit, ur_pool, panel_size=4)
    assert _errors(exc) == {
        "panel_size_reason": ["A panel size other than an odd number, at least 3 experts needs a reason (UR 第十二条)."]
    }
    assert not Activity.objects.exists()


def test_small_panel_without_reason_is_refused(gz_pool: Pool, gz_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(gz_unit, gz_pool, panel_size=1)
    assert list(_errors(exc)) == ["panel_size_reason"]


def test_reason_for_a_panel_within_the_rule_is_refused(ur_pool: Pool, ur_unit: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _request(ur_unit, ur_pool, panel_size=3, panel_size_reason="想要")
    assert list(_errors(exc)) == ["panel_size_reason"]


def test_even_panel_with_reason_waits_for_a_pool_admin(ur_pool: Pool, ur_unit: User, ur_admin: User) -> None:
    activity = _request(ur_unit, ur_pool, panel_size=4, panel_size_reason="两个专业各需2人")
    assert not activity_panel_size_ok(activity)
    assert AuditRecord.objects.get(action="activity.requested").data["panel_rule_met"] is False

    activity_approve_panel_size(actor=ur_admin, activity=activity)

    activity.refresh_from_db()
    assert activity.panel_size_approved_by == ur_admin
    assert activity.panel_size_approved_at is not None
    assert activity_panel_size_ok(activity)
    record = AuditRecord.objects.get(action="activity.panel_size_approved")
    assert record.clause == "UR 第十二条"
    assert record.actor == ur_admin
    assert record.data == {"panel_size": 4, "panel_size_reason": "两个专业各需2人"}


@pytest.mark.parametrize("who", ["ur_unit", "outsider_admin"])
def test_approval_by_a_non_admin_is_refused(ur_pool: Pool, ur_unit: User, gz_admin: User, who: str) -> None:
    activity = _request(ur_unit, ur_pool, panel_size=4, panel_size_reason="两个专业各需2人")
    actor = ur_unit if who == "ur_unit" else gz_admin

    with pytest.raises(PermissionDenied):
        activity_approve_panel_size(actor=actor, activity=activity)

    activity.refresh_from_db()
    assert activity.panel_size_approved_at is None
    assert not AuditRecord.objects.filter(action="activity.panel_size_approved").exists()


def test_approval_only_where_needed_and_only_once(ur_pool: Pool, ur_unit: User, ur_admin: User) -> None:
    within_rule = _request(ur_unit, ur_pool)
    with pytest.raises(ValidationError) as exc:
        activity_approve_panel_size(actor=ur_admin, activity=within_rule)
    assert list(_errors(exc)) == ["panel_size"]

    outside = _request(ur_unit, ur_pool, panel_size=2, panel_size_reason="小型咨询")
    activity_approve_panel_size(actor=ur_admin, activity=outside)
    with pytest.raises(ValidationError) as exc:
        activity_approve_panel_size(actor=ur_admin, activity=outside)
    assert _errors(exc) == {"panel_size": ["This panel size is approved already."]}
    assert AuditRecord.objects.filter(action="activity.panel_size_approved").count() == 1


def test_admin_shows_activities_read_only_to_their_pool_admins(
    client: Client, gz_pool: Pool, gz_unit: User, gz_admin: User, outsider: User
) -> None:
    activity = _request(gz_unit, gz_pool)
    change_url = reverse("admin:activities_activity_change", args=[activity.pk])
    for user in (gz_admin, outsider):
        user.is_staff = True
        user.save(update_fields=["is_staff"])

    client.force_login(gz_admin)
    page = client.get(change_url)
    assert page.status_code == 200
    assert client.post(change_url, {"title": "改"}).status_code == 403
    assert client.get(reverse("admin:activities_activity_add")).status_code == 403
    assert client.get(reverse("admin:activities_activity_delete", args=[activity.pk])).status_code == 403

    client.force_login(outsider)
    assert client.get(change_url).status_code == 404
