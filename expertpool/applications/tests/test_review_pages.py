"""Qualification review in the console: the side-by-side page and the decisions taken on it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from expertpool.accounts.models import Role, User
from expertpool.applications.models import Application, ReviewDecision
from expertpool.applications.services import application_save_draft
from expertpool.applications.states import Status
from expertpool.applications.tests.factories import make_application_in, make_staff
from expertpool.audit.models import AuditRecord
from expertpool.core.masking import mask_id_number
from expertpool.core.testing import english_client
from expertpool.pools.models import Pool

_people = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary folder, not the project's own."""
    settings.MEDIA_ROOT = tmp_path


def client_for(user: User) -> Client:
    # English, so assertions on labels hold whatever the zh-hans catalogue says.
    client = english_client()
    client.force_login(user)
    return client


def quiet_applicant() -> User:
    """An applicant without e-mail: the workflow's mail is tested with the applicant's pages."""
    return User.objects.create_user(username=f"quiet{next(_people)}", password="applicant password 1")


@pytest.fixture
def in_review(gz_pool: Pool, gz_admin: User) -> Application:
    return make_application_in(Status.QUALIFICATION_REVIEW, gz_pool, quiet_applicant(), staff=gz_admin, name="王芳")


@pytest.fixture
def gz_supervisor(gz_pool: Pool) -> User:
    return make_staff(gz_pool, Role.SUPERVISOR)


def review_url(application: Application) -> str:
    return reverse("console:application_review", kwargs={"pool_slug": application.pool.slug, "pk": application.pk})


def all_declarations(pool: Pool) -> list[str]:
    return [declaration.code for declaration in pool.policy.rules.declarations]


def test_reviewer_sees_form_eligibility_clauses_and_declarations_side_by_side(
    gz_reviewer: User, in_review: Application
) -> None:
    response = client_for(gz_reviewer).get(review_url(in_review))
    text = response.text
    assert response.status_code == 200
    assert "王芳" in text
    # The decision kept at submission, with its clauses and their source text.
    assert in_review.eligibility["outcome"] == "eligible"
    assert "GZ 二（四）" in text
    assert in_review.pool.policy.rules.clauses["GZ 二（四）"] in text
    for declaration in in_review.pool.policy.rules.declarations:
        assert escape(declaration.text_en) in text
        assert f'value="{declaration.code}"' in text
    assert "Record the decision" in text
    assert 'class="review__application"' in text
    assert 'class="review__checks"' in text


def test_reviewer_sees_id_number_in_full_and_the_view_is_audited(gz_reviewer: User, in_review: Application) -> None:
    text = client_for(gz_reviewer).get(review_url(in_review)).text
    assert in_review.id_number in text
    assert in_review.mobile in text
    record = AuditRecord.objects.get(action="application.personal_data_viewed", object_id=str(in_review.pk))
    assert record.actor == gz_reviewer
    assert in_review.id_number not in str(record.data)


def test_supervisor_reads_masked_data_without_the_decision_form(gz_supervisor: User, in_review: Application) -> None:
    text = client_for(gz_supervisor).get(review_url(in_review)).text
    assert in_review.id_number not in text
    assert mask_id_number(in_review.id_number) in text
    assert "Record the decision" not in text
    assert "may read this application but not decide" in text
    assert not AuditRecord.objects.filter(action="application.personal_data_viewed").exists()


def test_recheck_shows_a_fresh_decision_beside_the_kept_one(gz_reviewer: User, in_review: Application) -> None:
    text = client_for(gz_reviewer).get(review_url(in_review) + "?recheck=1").text
    assert "Re-checked today" in text
    assert text.count("GZ 二（九）") >= 2


def test_approve_with_every_declaration_confirmed_puts_the_application_on_the_proposed_list(
    gz_reviewer: User, in_review: Application
) -> None:
    declarations = all_declarations(in_review.pool)
    response = client_for(gz_reviewer).post(
        review_url(in_review), {"outcome": "approve", "confirmed_declarations": declarations}
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.APPROVED
    decision = ReviewDecision.objects.get(application=in_review)
    assert decision.reviewer == gz_reviewer
    assert decision.confirmed_declarations == sorted(declarations)


def test_approve_without_confirming_every_declaration_is_refused(gz_reviewer: User, in_review: Application) -> None:
    some = all_declarations(in_review.pool)[:1]
    response = client_for(gz_reviewer).post(
        review_url(in_review), {"outcome": "approve", "confirmed_declarations": some}
    )
    assert response.status_code == 200
    assert "Confirm every declaration before approving" in response.text
    # What was ticked stays ticked.
    assert f'value="{some[0]}" id="declaration-{some[0]}" checked' in response.text
    in_review.refresh_from_db()
    assert in_review.status == Status.QUALIFICATION_REVIEW
    assert not ReviewDecision.objects.exists()


def test_reject_without_a_reason_is_refused_and_nothing_changes(gz_reviewer: User, in_review: Application) -> None:
    response = client_for(gz_reviewer).post(review_url(in_review), {"outcome": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "Give the reason for this decision." in response.text
    in_review.refresh_from_db()
    assert in_review.status == Status.QUALIFICATION_REVIEW
    assert not ReviewDecision.objects.exists()
    assert not AuditRecord.objects.filter(action="application.rejected").exists()


def test_reject_with_a_reason_ends_the_application(gz_admin: User, in_review: Application) -> None:
    client_for(gz_admin).post(review_url(in_review), {"outcome": "reject", "reason": "职称证书与申请表不符。"})
    in_review.refresh_from_db()
    assert in_review.status == Status.REJECTED
    assert in_review.status_changes.last().reason == "职称证书与申请表不符。"  # type: ignore[union-attr]


def test_return_lets_the_applicant_edit_and_the_history_shows_it(gz_reviewer: User, in_review: Application) -> None:
    client = client_for(gz_reviewer)
    client.post(review_url(in_review), {"outcome": "return", "reason": "请补充职称证书。"})
    in_review.refresh_from_db()
    assert in_review.status == Status.RETURNED
    edited = application_save_draft(
        actor=in_review.applicant,
        application=in_review,
        form_data={**in_review.form_data, "position": "副总工程师"},
        id_number=in_review.id_number,
        mobile=in_review.mobile,
    )
    assert edited.form_data["position"] == "副总工程师"
    text = client.get(review_url(in_review)).text
    assert "Return for correction" in text
    assert "请补充职称证书。" in text
    assert "Returned for correction" in text
    assert "副总工程师" in text


def test_supervisor_cannot_decide(gz_supervisor: User, in_review: Application) -> None:
    response = client_for(gz_supervisor).post(
        review_url(in_review), {"outcome": "approve", "confirmed_declarations": all_declarations(in_review.pool)}
    )
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Status.QUALIFICATION_REVIEW
    assert not ReviewDecision.objects.exists()


def test_a_decision_outside_qualification_review_is_refused_with_a_message(
    gz_reviewer: User, gz_pool: Pool, gz_admin: User
) -> None:
    approved = make_application_in(Status.APPROVED, gz_pool, quiet_applicant(), staff=gz_admin)
    response = client_for(gz_reviewer).post(review_url(approved), {"outcome": "reject", "reason": "重复审核。"})
    assert response.status_code == 200
    # The service's refusal is shown above the (absent) decision form.
    assert 'class="form-errors" role="alert"' in response.text
    assert "On the proposed list" in response.text
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert approved.review_decisions.count() == 1


def test_drafts_are_not_shown_to_staff(gz_reviewer: User, gz_pool: Pool, gz_admin: User) -> None:
    draft = make_application_in(Status.DRAFT, gz_pool, quiet_applicant(), staff=gz_admin)
    assert client_for(gz_reviewer).get(review_url(draft)).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["application_list", "proposed_list", "meeting_list", "meeting_create", "notice_list"],
)
def test_outsider_finds_no_pool_page(outsider: User, gz_pool: Pool, name: str) -> None:
    response = client_for(outsider).get(reverse(f"console:{name}", kwargs={"pool_slug": gz_pool.slug}))
    assert response.status_code == 404


def test_outsider_finds_no_application_and_cannot_decide(outsider: User, in_review: Application) -> None:
    client = client_for(outsider)
    assert client.get(review_url(in_review)).status_code == 404
    response = client.post(review_url(in_review), {"outcome": "reject", "reason": "越权。"})
    assert response.status_code == 404
    in_review.refresh_from_db()
    assert in_review.status == Status.QUALIFICATION_REVIEW


def test_another_pools_application_is_not_found_under_ones_own_pool(
    outsider: User, ur_pool: Pool, in_review: Application
) -> None:
    url = reverse("console:application_review", kwargs={"pool_slug": ur_pool.slug, "pk": in_review.pk})
    assert client_for(outsider).get(url).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(in_review: Application) -> None:
    response = english_client().get(review_url(in_review))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_attachments_and_photo_link_to_the_permission_checked_downloads(
    gz_reviewer: User, outsider: User, in_review: Application
) -> None:
    attachments = list(in_review.attachments.all())
    assert attachments
    text = client_for(gz_reviewer).get(review_url(in_review)).text
    assert reverse("applications:photo", kwargs={"pk": in_review.pk}) in text
    for attachment in attachments:
        url = reverse("applications:attachment", kwargs={"pk": in_review.pk, "attachment_id": attachment.pk})
        assert url in text
    download = reverse("applications:attachment", kwargs={"pk": in_review.pk, "attachment_id": attachments[0].pk})
    assert client_for(gz_reviewer).get(download).status_code == 200
    assert client_for(outsider).get(download).status_code == 404
