"""The online application form: drafts that keep everything, live feedback, checking and submitting."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User
from expertpool.applications.forms import ROW_GROUPS
from expertpool.applications.models import Application, StatusChange
from expertpool.applications.services import application_start
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_applicant, make_form_data, make_ready_application
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool

pytestmark = pytest.mark.usefixtures("english")

CaptureOnCommit = Callable[..., AbstractContextManager[Any]]
SINGLE = [
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "employer_name",
    "employer_uscc",
    "employer_nature",
    "position",
    "employment_status",
    "current_specialty",
    "field_years",
    "address",
    "email",
]


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_data(form_data: dict[str, Any], *, id_number: str = "", mobile: str = "", **extra: Any) -> dict[str, Any]:
    """The form as a browser posts it, from ``form_data`` as the draft stores it."""
    data: dict[str, Any] = {"form": "application", "id_number": id_number, "mobile": mobile}
    data.update({name: form_data.get(name, "") for name in SINGLE})
    for group in ROW_GROUPS:
        rows = [row for row in form_data.get(group.stored_in) or [] if isinstance(row, dict)]
        if group.credential_kind:
            rows = [row for row in rows if row.get("kind") == group.credential_kind]
        for index, row in enumerate(rows):
            for key, value in row.items():
                if key == "kind" and group.credential_kind:
                    continue
                if value is True:
                    data[f"{group.code}-{index}-{key}"] = "on"
                elif value not in (False, None):
                    data[f"{group.code}-{index}-{key}"] = str(value)
    for name in ("categories", "distinctions", "declarations"):
        data[name] = list(form_data.get(name) or [])
    data["industry_codes"] = " ".join(form_data.get("industry_codes") or [])
    data.update(extra)
    return data


def form_url(application: Application) -> str:
    return reverse("applications:form", args=[application.pk])


@pytest.fixture
def applicant(db: None) -> User:
    return make_applicant()


def _draft(pool: Pool, applicant: User) -> Application:
    return application_start(actor=applicant, pool=pool)


def test_form_follows_the_policy_field_for_field(gz_pool: Pool, ur_pool: Pool, applicant: User) -> None:
    client = client_for(applicant)
    gz = client.get(form_url(_draft(gz_pool, applicant)))
    ur = client.get(form_url(_draft(ur_pool, applicant)))
    assert gz.status_code == ur.status_code == 200
    # GZ: no ethnicity nor unit nature, but the industry-code picker; UR the other way round.
    assert 'name="industry_codes"' in gz.text
    assert 'name="ethnicity"' not in gz.text
    assert 'name="employer_nature"' not in gz.text
    assert 'name="ethnicity"' in ur.text
    assert 'name="employer_nature"' in ur.text
    assert 'name="industry_codes"' not in ur.text
    # Required fields carry their clause; self-certified distinctions only.
    assert re.search(r'id="block-name".*?class="required".*?GZ 附件', gz.text, re.S)
    assert re.search(r'id="block-field_years".*?UR 第七条（三）', ur.text, re.S)
    assert 'value="academician"' in gz.text
    assert "scarce_specialty" not in gz.text
    # The policy's order: in the UR form the photo comes after the birth date, in the GZ form before the ID number.
    assert ur.text.index('id="block-birth_date"') < ur.text.index('id="block-photo"')
    assert gz.text.index('id="block-photo"') < gz.text.index('id="block-id_number"')
    # Repeatable rows always have one empty row to type into, and a way to add more.
    assert 'name="education-0-institution"' in gz.text
    assert 'value="add_row:education"' in gz.text
    # The pledge in full, the declarations with their text and clause.
    assert "本人保证以上资料信息属实" in gz.text
    assert "乌鲁木齐市生态环境局同意" in ur.text
    assert "GZ 二（一）" in gz.text
    for page in (gz, ur):
        assert "<script>" not in page.text
        assert " style=" not in page.text


def test_a_draft_with_invalid_data_keeps_every_character(gz_pool: Pool, applicant: User) -> None:
    application = _draft(gz_pool, applicant)
    client = client_for(applicant)
    typed = post_data(
        {
            "name": "王五",
            "birth_date": "1975-02-30",
            "field_years": "about ten",
            "education": [{"institution": "中山大学", "start_month": "199x", "degree": "doctorate"}],
            "credentials": [{"kind": "title", "name": "高级工程师", "level": "associate_senior"}],
            "categories": ["industry"],
            "industry_codes": ["C3211", "9999"],
        },
        id_number="44010619750230123",
        mobile="12",
        action="save",
    )
    response = client.post(form_url(application), typed)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.form_data["birth_date"] == "1975-02-30"
    assert application.form_data["field_years"] == "about ten"
    assert application.form_data["education"][0]["start_month"] == "199x"
    assert application.form_data["credentials"] == [
        {
            "kind": "title",
            "name": "高级工程师",
            "level": "associate_senior",
            "obtained_on": "",
            "certificate_number": "",
        }
    ]
    assert application.form_data["industry_codes"] == ["3211", "9999"]
    assert application.id_number == "44010619750230123"
    page = client.get(form_url(application))
    for value in ("1975-02-30", "about ten", "199x", "44010619750230123", "9999 (not a code of GB/T 4754-2017)"):
        assert value in page.text
    # Nothing is judged until asked for.
    assert 'id="form-errors"' not in page.text


def test_autosave_answers_with_a_small_fragment(gz_pool: Pool, applicant: User) -> None:
    application = _draft(gz_pool, applicant)
    client = client_for(applicant)
    response = client.post(
        reverse("applications:draft", args=[application.pk]),
        post_data({"name": "赵六"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Draft saved at" in response.text
    assert response["HX-Trigger"] == "draft-saved"
    application.refresh_from_db()
    assert application.form_data["name"] == "赵六"
    assert AuditRecord.objects.filter(action="application.draft_saved", object_id=str(application.pk)).exists()


def test_autosave_after_the_session_ended_keeps_the_page(gz_pool: Pool, applicant: User) -> None:
    application = _draft(gz_pool, applicant)
    logged_out = Client()
    response = logged_out.post(
        reverse("applications:draft", args=[application.pk]), post_data({"name": "赵六"}), HTTP_HX_REQUEST="true"
    )
    # Not the login page (it would replace the form's status line): a warning that polls for a new session.
    assert response.status_code == 200
    assert "you have been logged out" in response.text
    assert reverse("applications:session", args=[application.pk]) in response.text
    application.refresh_from_db()
    assert "name" not in application.form_data
    back = client_for(applicant).get(reverse("applications:session", args=[application.pk]), HTTP_HX_REQUEST="true")
    assert back["HX-Trigger-After-Swap"] == "session-restored"
    assert 'id="csrf-token"' in back.text
    assert 'hx-swap-oob="true"' in back.text


def test_add_row_fragment_and_without_javascript(gz_pool: Pool, applicant: User) -> None:
    application = _draft(gz_pool, applicant)
    client = client_for(applicant)
    fragment = client.get(reverse("applications:row", args=[application.pk, "work_history"]) + "?index=3")
    assert fragment.status_code == 200
    assert 'name="work_history-3-employer_name"' in fragment.text
    assert "?index=4" in fragment.text
    assert client.get(reverse("applications:row", args=[application.pk, "unknown"]) + "?index=1").status_code == 404
    # Without JavaScript the button posts the form; the page comes back with two empty rows.
    response = client.post(form_url(application), post_data({}, action="add_row:work_history"), follow=True)
    assert 'name="work_history-1-employer_name"' in response.text
    assert 'name="work_history-2-employer_name"' not in response.text


def test_live_eligibility_panel_names_clauses(gz_pool: Pool, applicant: User) -> None:
    application = _draft(gz_pool, applicant)
    client = client_for(applicant)
    url = reverse("applications:eligibility", args=[application.pk])
    empty = client.get(url)
    assert "Form incomplete" in empty.text
    assert "Birth date" in empty.text
    data = make_form_data(gz_pool, birth_date="1950-01-01")
    client.post(reverse("applications:draft", args=[application.pk]), post_data(data), HTTP_HX_REQUEST="true")
    panel = client.get(url)
    assert 'data-outcome="ineligible"' in panel.text
    assert "GZ 二（九）" in panel.text
    assert 'hx-trigger="draft-saved from:body"' in panel.text


def test_check_my_form_shows_errors_by_field(ur_pool: Pool, applicant: User) -> None:
    application = _draft(ur_pool, applicant)
    client = client_for(applicant)
    response = client.post(form_url(application), post_data({"name": "王五"}, action="check"), follow=True)
    assert 'id="form-errors"' in response.text
    block = re.search(r'id="block-birth_date".*?</div>', response.text, re.S)
    assert block is not None
    assert "This field is required (UR 附件1)" in block.group(0)
    assert re.search(r'id="attachment-id_card".*?Upload the 身份证 \(UR 第八条\)', response.text, re.S)
    assert re.search(r'id="block-pledge".*?Read and accept the pledge \(UR 附件2\)', response.text, re.S)


def test_submit_with_missing_fields_changes_nothing(
    gz_pool: Pool, applicant: User, django_capture_on_commit_callbacks: CaptureOnCommit, mailoutbox: list[Any]
) -> None:
    application = make_ready_application(gz_pool, applicant, skip_attachments=("id_card",))
    client = client_for(applicant)
    data = post_data(application.form_data, id_number=application.id_number, mobile="", action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(application), data, follow=True)
    assert "Not submitted yet" in response.text
    assert re.search(r'id="block-mobile".*?This field is required \(GZ 附件\)', response.text, re.S)
    assert re.search(r'id="attachment-id_card".*?Upload the 身份证', response.text, re.S)
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.submitted_at is None
    assert not StatusChange.objects.filter(application=application).exists()
    assert mailoutbox == []


def test_ur_refuses_a_fourth_category(ur_pool: Pool, applicant: User) -> None:
    application = make_ready_application(ur_pool, applicant)
    client = client_for(applicant)
    four = ["environmental_science", "environmental_engineering", "climate_change", "nuclear_radiation"]
    data = post_data({**application.form_data, "categories": four}, id_number=application.id_number)
    response = client.post(form_url(application), {**data, "mobile": application.mobile, "action": "submit"})
    page = client.get(response["Location"])
    assert re.search(r'id="block-categories".*?At most 3 categories may be chosen \(UR 附件1\)', page.text, re.S)
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.form_data["categories"] == four  # kept as ticked, to be corrected
    # The form itself disables a fourth box once three are ticked.
    panel = client.get(
        reverse("applications:categories", args=[application.pk]), {"categories": four[:3]}, HTTP_HX_REQUEST="true"
    )
    assert "Chosen: 3." in panel.text
    assert re.search(r'value="environmental_science" checked', panel.text)
    assert re.search(r'value="ecological_protection" disabled', panel.text)


def test_pledge_recorded_with_version_and_time(ur_pool: Pool, applicant: User) -> None:
    application = make_ready_application(ur_pool, applicant, accept_pledge=False)
    client = client_for(applicant)
    data = post_data(application.form_data, id_number=application.id_number, mobile=application.mobile)
    response = client.post(form_url(application), {**data, "pledge_accept": "2025-06-05"}, follow=True)
    application.refresh_from_db()
    assert application.pledge_version == "2025-06-05"
    assert application.pledge_accepted_at is not None
    assert "You accepted this pledge on" in response.text
    assert "(version 2025-06-05)" in response.text
    assert AuditRecord.objects.filter(action="application.pledge_accepted", object_id=str(application.pk)).exists()


def test_self_nomination_submitted_through_the_page(
    gz_pool: Pool, ur_pool: Pool, django_capture_on_commit_callbacks: CaptureOnCommit, mailoutbox: list[Any]
) -> None:
    expected = {gz_pool: Status.QUALIFICATION_REVIEW, ur_pool: Status.PRELIMINARY_REVIEW}
    for pool, status in expected.items():
        application = make_ready_application(pool)
        client = client_for(application.applicant)
        # What the page shows, posted back unchanged, is a complete application.
        data = post_data(application.form_data, id_number=application.id_number, mobile=application.mobile)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(form_url(application), {**data, "action": "submit"})
        assert response["Location"] == reverse("applications:status", args=[application.pk])
        application.refresh_from_db()
        assert application.status == status
        assert application.eligibility["outcome"] == "eligible"
    assert [message.to for message in mailoutbox] == [[a.applicant.email] for a in Application.objects.order_by("pk")]
    assert "/apply/" in mailoutbox[0].body


def test_industry_code_search_and_picker(
    client: Client, applicant: User, copper_smelting: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(applicant)
    url = reverse("applications:industry_code_search")
    client.get(url, {"industry_q": "x"})  # the session and user are read once per request
    with django_assert_num_queries(4):
        by_code = client.get(url, {"industry_q": "32"}, HTTP_HX_REQUEST="true")
    assert "3211" in by_code.text
    assert "铜冶炼" in by_code.text
    assert "?add=3211" in by_code.text
    by_name = client.get(url, {"industry_q": "冶炼"}, HTTP_HX_REQUEST="true")
    assert "铜冶炼" in by_name.text
    assert "铝冶炼" in by_name.text
    assert client.get(url, {"industry_q": "没有这个行业"}).text.count("<li") == 1
    picker = reverse("applications:industry_picker")
    added = client.get(picker, {"industry_codes": "3212", "add": "3211"}, HTTP_HX_REQUEST="true")
    assert 'value="3212 3211"' in added.text
    assert "铜冶炼" in added.text
    assert added["HX-Trigger-After-Swap"] == "industry-codes-changed"
    removed = client.get(picker, {"industry_codes": "3212 3211", "remove": "3212"}, HTTP_HX_REQUEST="true")
    assert 'value="3211"' in removed.text
    assert Client().get(url, {"industry_q": "32"}).status_code == 302


def test_other_people_cannot_reach_the_form(gz_pool: Pool, applicant: User, gz_reviewer: User, outsider: User) -> None:
    application = _draft(gz_pool, applicant)
    other = make_applicant()
    for user in (other, outsider, gz_reviewer):
        client = client_for(user)
        assert client.get(form_url(application)).status_code == 404
        assert client.post(form_url(application), post_data({"name": "X"})).status_code == 404
        draft = client.post(reverse("applications:draft", args=[application.pk]), post_data({"name": "X"}))
        assert draft.status_code == 404
        assert client.get(reverse("applications:eligibility", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert "name" not in application.form_data
