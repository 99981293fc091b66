"""The Django admin: scoped to the user's pools, nothing deleted, changes audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.accounts.services import pool_role_grant
from expertpool.audit.models import AuditRecord
from expertpool.core.masking import mask_id_number
from expertpool.core.testing import english_client
from expertpool.experts.models import Expert, Membership
from expertpool.experts.records import ExpertRecord
from expertpool.experts.services import expert_register
from expertpool.pools.models import Pool

RecordFactory = Callable[..., ExpertRecord]


def staff(user: User) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    # English, so assertions hold whatever the zh-hans catalogue says.
    client = english_client()
    client.force_login(user)
    return client


@pytest.fixture
def gz_member(gz_pool: Pool, expert_record: RecordFactory) -> Membership:
    return expert_register(actor=None, pool=gz_pool, record=expert_record(name="张三"))


@pytest.fixture
def ur_member(ur_pool: Pool, expert_record: RecordFactory) -> Membership:
    record = expert_record(name="阿依古丽", categories=("environmental_engineering",))
    return expert_register(actor=None, pool=ur_pool, record=record)


def change_url(expert: Expert) -> str:
    return reverse("admin:experts_expert_change", args=[expert.pk])


def change_form_data(client: Client, expert: Expert, **changes: str) -> dict[str, Any]:
    """What the browser would post back: the form's values and each inline's management form."""
    context = client.get(change_url(expert)).context
    form = context["adminform"].form
    data: dict[str, Any] = {name: form[name].value() or "" for name in form.fields}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({f"{formset.prefix}-{name}": management[name].value() for name in management.fields})
        for index, row in enumerate(formset.forms):
            data[f"{formset.prefix}-{index}-id"] = row.instance.pk
    data.update(changes)
    return data


def test_pool_admin_sees_only_own_pool_experts(gz_admin: User, gz_member: Membership, ur_member: Membership) -> None:
    response = staff(gz_admin).get(reverse("admin:experts_expert_changelist"))
    assert response.status_code == 200
    assert "张三" in response.text
    assert "阿依古丽" not in response.text


def test_changelist_masks_id_numbers(gz_admin: User, gz_member: Membership) -> None:
    text = staff(gz_admin).get(reverse("admin:experts_expert_changelist")).text
    assert mask_id_number(gz_member.expert.id_number) in text
    assert gz_member.expert.id_number not in text


def test_pool_admin_gets_not_found_on_another_pools_expert(gz_admin: User, ur_member: Membership) -> None:
    client = staff(gz_admin)
    assert client.get(change_url(ur_member.expert)).status_code == 404
    assert client.post(change_url(ur_member.expert), {"mobile": "13900000000"}).status_code == 404


def test_pool_admin_without_staff_flag_cannot_enter_admin(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)
    response = client.get(reverse("admin:experts_expert_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_user_without_pool_admin_role_sees_nothing(gz_reviewer: User, gz_member: Membership) -> None:
    client = staff(gz_reviewer)
    assert client.get(reverse("admin:experts_expert_changelist")).status_code == 403
    assert client.get(change_url(gz_member.expert)).status_code == 404


def test_delete_is_never_offered(gz_admin: User, gz_member: Membership, admin_client: Client) -> None:
    client = staff(gz_admin)
    changelist = client.get(reverse("admin:experts_expert_changelist")).text
    assert "delete_selected" not in changelist
    change = client.get(change_url(gz_member.expert)).text
    assert "deletelink" not in change
    delete_url = reverse("admin:experts_expert_delete", args=[gz_member.expert.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Expert.objects.filter(pk=gz_member.expert.pk).exists()


def test_experts_cannot_be_added_in_admin(admin_client: Client, gz_pool: Pool) -> None:
    assert admin_client.get(reverse("admin:experts_expert_add")).status_code == 403


def test_sensitive_fields_are_read_only(gz_admin: User, gz_member: Membership) -> None:
    response = staff(gz_admin).get(change_url(gz_member.expert))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.fields) == {"mobile", "email", "address", "position", "employer_name", "employer_uscc"}
    assert gz_member.expert.id_number not in response.text
    assert mask_id_number(gz_member.expert.id_number) in response.text


def test_contact_change_goes_through_the_service_and_is_audited(gz_admin: User, gz_member: Membership) -> None:
    expert = gz_member.expert
    client = staff(gz_admin)
    data = change_form_data(client, expert, mobile="13912345678", email="new@example.cn", address="广州市天河区")
    response = client.post(change_url(expert), data)
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.mobile == "13912345678"
    assert expert.email == "new@example.cn"
    record = AuditRecord.objects.get(action="expert.contact_changed")
    assert record.actor == gz_admin
    assert set(record.data) == {"mobile", "email", "address"}
    assert "13912345678" not in str(record.data)


def test_bad_mobile_is_refused_and_nothing_changes(gz_admin: User, gz_member: Membership) -> None:
    expert = gz_member.expert
    before = expert.mobile
    client = staff(gz_admin)
    response = client.post(change_url(expert), change_form_data(client, expert, mobile="12345"))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["mobile"]
    expert.refresh_from_db()
    assert expert.mobile == before
    assert not AuditRecord.objects.filter(action="expert.contact_changed").exists()


def test_opening_the_change_form_is_audited_as_personal_data_access(gz_admin: User, gz_member: Membership) -> None:
    staff(gz_admin).get(change_url(gz_member.expert))
    record = AuditRecord.objects.get(action="expert.personal_data_viewed")
    assert record.actor == gz_admin
    assert record.object_id == str(gz_member.expert.pk)


def test_inlines_show_only_own_pool_memberships(
    gz_admin: User, gz_member: Membership, ur_pool: Pool, gz_pool: Pool
) -> None:
    Membership.objects.create(pool=ur_pool, expert=gz_member.expert, admitted_on=gz_member.admitted_on)
    response = staff(gz_admin).get(change_url(gz_member.expert))
    formsets = {f.formset.prefix: f for f in response.context["inline_admin_formsets"]}
    pools = [form.instance.pool for form in formsets["memberships"].formset.forms]
    assert pools == [gz_pool]
    assert all(not f.has_add_permission and not f.has_delete_permission for f in formsets.values())


def test_audit_admin_is_read_only_and_scoped(gz_admin: User, gz_member: Membership, ur_member: Membership) -> None:
    client = staff(gz_admin)
    changelist = client.get(reverse("admin:audit_auditrecord_changelist"))
    assert changelist.status_code == 200
    pools = {record.pool_id for record in changelist.context["cl"].result_list}
    assert pools == {gz_member.pool_id}
    record = AuditRecord.objects.filter(pool=gz_member.pool).first()
    assert record is not None
    url = reverse("admin:audit_auditrecord_change", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert client.post(url, {"action": "forged"}).status_code == 403
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    other = AuditRecord.objects.filter(pool=ur_member.pool).first()
    assert other is not None
    assert client.get(reverse("admin:audit_auditrecord_change", args=[other.pk])).status_code == 404


def test_audit_admin_filters_by_action_and_pool(admin_client: Client, gz_member: Membership) -> None:
    response = admin_client.get(
        reverse("admin:audit_auditrecord_changelist"),
        {"action": "membership.created", "pool__id__exact": str(gz_member.pool_id)},
    )
    assert response.status_code == 200
    assert [r.action for r in response.context["cl"].result_list] == ["membership.created"]


def test_users_admin_is_for_superusers_only(gz_admin: User, admin_client: Client) -> None:
    assert staff(gz_admin).get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_user_change_in_admin_is_audited(admin_client: Client, gz_admin: User) -> None:
    url = reverse("admin:accounts_user_change", args=[gz_admin.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"display_name": "广州管理员", "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00"})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data["groups"] = []
    data["user_permissions"] = []
    response = admin_client.post(url, data)
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="user.changed")
    assert record.object_id == str(gz_admin.pk)


def test_pool_role_grant_in_admin_is_audited(gz_admin: User, gz_pool: Pool) -> None:
    newcomer = User.objects.create_user(username="newcomer", password="x")
    response = staff(gz_admin).post(
        reverse("admin:accounts_poolrole_add"), {"user": newcomer.pk, "pool": gz_pool.pk, "role": Role.REVIEWER}
    )
    assert response.status_code == 302
    assert PoolRole.objects.filter(user=newcomer, pool=gz_pool, role=Role.REVIEWER).exists()
    record = AuditRecord.objects.get(action="pool_role.granted")
    assert record.actor == gz_admin
    assert record.pool == gz_pool
    assert record.data["role"] == Role.REVIEWER


def test_pool_admin_cannot_grant_roles_in_another_pool(gz_admin: User, ur_pool: Pool) -> None:
    newcomer = User.objects.create_user(username="newcomer", password="x")
    response = staff(gz_admin).post(
        reverse("admin:accounts_poolrole_add"), {"user": newcomer.pk, "pool": ur_pool.pk, "role": Role.POOL_ADMIN}
    )
    assert response.status_code == 200
    assert "pool" in response.context["adminform"].form.errors
    assert not PoolRole.objects.filter(user=newcomer).exists()


def test_unit_role_needs_its_organisation(gz_admin: User, gz_pool: Pool) -> None:
    newcomer = User.objects.create_user(username="newcomer", password="x")
    response = staff(gz_admin).post(
        reverse("admin:accounts_poolrole_add"), {"user": newcomer.pk, "pool": gz_pool.pk, "role": Role.CLIENT_UNIT}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors


def test_pool_roles_are_revoked_by_an_audited_action(gz_admin: User, gz_reviewer: User, gz_pool: Pool) -> None:
    role = PoolRole.objects.get(user=gz_reviewer, pool=gz_pool)
    response = staff(gz_admin).post(
        reverse("admin:accounts_poolrole_changelist"), {"action": "revoke", "_selected_action": [role.pk]}
    )
    assert response.status_code == 302
    assert not PoolRole.objects.filter(pk=role.pk).exists()
    assert AuditRecord.objects.filter(action="pool_role.revoked", pool=gz_pool).exists()


def test_pool_role_list_is_scoped(gz_admin: User, gz_reviewer: User, ur_admin: User) -> None:
    response = staff(gz_admin).get(reverse("admin:accounts_poolrole_changelist"))
    users = {role.user for role in response.context["cl"].result_list}
    assert users == {gz_admin, gz_reviewer}


def test_industry_codes_are_read_only_and_searchable_by_prefix(gz_admin: User, gz_pool: Pool) -> None:
    client = staff(gz_admin)
    response = client.get(reverse("admin:industries_industrycode_changelist"), {"q": "321"})
    assert response.status_code == 200
    codes = {code.code for code in response.context["cl"].result_list}
    assert "3211" in codes
    assert all(code.startswith("321") for code in codes)
    assert client.get(reverse("admin:industries_industrycode_add")).status_code == 403
    page = client.get(reverse("admin:industries_industrycode_change", args=["3211"]))
    assert 'name="_save"' not in page.text


def test_organisations_are_read_only(gz_admin: User, gz_member: Membership) -> None:
    client = staff(gz_admin)
    assert client.get(reverse("admin:organisations_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:organisations_organisation_add")).status_code == 403


@pytest.mark.usefixtures("english")
def test_admin_titles_are_set(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:index"))
    assert response.context["site_header"] == "Expert-pool platform administration"
    assert response.context["title"] == "Pools, experts and users"


def test_pool_role_grant_refuses_an_outsider_and_changes_nothing(outsider: User, gz_pool: Pool) -> None:
    newcomer = User.objects.create_user(username="newcomer", password="x")
    with pytest.raises(PermissionDenied):
        pool_role_grant(actor=outsider, user=newcomer, pool=gz_pool, role=Role.REVIEWER)
    assert not PoolRole.objects.filter(user=newcomer).exists()
    assert not AuditRecord.objects.filter(action="pool_role.granted").exists()


def test_pool_role_grant_refuses_a_role_already_held(gz_admin: User, gz_reviewer: User, gz_pool: Pool) -> None:
    with pytest.raises(ValidationError) as error:
        pool_role_grant(actor=gz_admin, user=gz_reviewer, pool=gz_pool, role=Role.REVIEWER)
    assert "role" in error.value.message_dict
