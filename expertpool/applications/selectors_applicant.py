"""Reading applications as their applicant sees them; "not found" alike for missing and forbidden.

The applicant sees their own applications. Pool staff see an application's status
page and files once it has been submitted (drafts are the applicant's own work);
the application's nominating unit sees its files too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from expertpool.accounts.models import PoolRole, Role
from expertpool.accounts.permissions import can_view_registry
from expertpool.applications.models import (
    Application,
    ApplicationAttachment,
    ReviewDecision,
    StatusChange,
    UnitOpinion,
)
from expertpool.applications.states import FINAL, Status
from expertpool.pools.models import Pool

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("pool__policy", "applicant", "nominating_unit")


def application_for_applicant(user: AnyUser, pk: int) -> Application:
    """The user's own application (for the form and everything that changes it)."""
    application = _applications().filter(pk=pk, applicant_id=user.pk).first() if user.is_authenticated else None
    if application is None:
        raise Http404
    return application


def _is_unit_user(user: AnyUser, application: Application) -> bool:
    if application.nominating_unit_id is None or not user.is_authenticated:
        return False
    return PoolRole.objects.filter(
        user_id=user.pk,
        pool_id=application.pool_id,
        role=Role.NOMINATING_UNIT,
        organisation_id=application.nominating_unit_id,
    ).exists()


def may_view(user: AnyUser, application: Application) -> bool:
    if user.is_authenticated and application.applicant_id == user.pk:
        return True
    return application.status != Status.DRAFT and can_view_registry(user, application.pool)


def may_download(user: AnyUser, application: Application) -> bool:
    if may_view(user, application):
        return True
    return application.status != Status.DRAFT and _is_unit_user(user, application)


def application_for_viewer(user: AnyUser, pk: int) -> Application:
    """The status page's application, with its history, opinions and decisions."""
    application = (
        _applications()
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
            Prefetch("unit_opinions", queryset=UnitOpinion.objects.select_related("organisation", "given_by")),
            Prefetch("review_decisions", queryset=ReviewDecision.objects.select_related("reviewer", "meeting")),
            Prefetch("attachments", queryset=ApplicationAttachment.objects.filter(superseded=False)),
            "notices",
        )
        .first()
    )
    if application is None or not may_view(user, application):
        raise Http404
    return application


def attachment_for_downloader(user: AnyUser, pk: int, attachment_id: int) -> ApplicationAttachment:
    attachment = (
        ApplicationAttachment.objects.select_related("application__pool__policy", "application__nominating_unit")
        .filter(pk=attachment_id, application_id=pk)
        .first()
    )
    if attachment is None or not may_download(user, attachment.application):
        raise Http404
    return attachment


def application_for_photo(user: AnyUser, pk: int) -> Application:
    application = _applications().filter(pk=pk).first()
    if application is None or not application.photo or not may_download(user, application):
        raise Http404
    return application


def applications_of(user: AnyUser) -> list[Application]:
    """The user's applications, newest first."""
    return list(_applications().filter(applicant_id=user.pk).order_by("-created_at", "-pk"))


def pools_open_to_self_nomination() -> list[Pool]:
    """Active pools whose policy lets a person apply on their own."""
    pools = Pool.objects.filter(is_active=True).select_related("policy").order_by("slug")
    return [pool for pool in pools if "self" in pool.policy.rules.application.nomination_modes]


def open_application_pool_ids(applications: list[Application]) -> set[int]:
    return {application.pool_id for application in applications if application.status not in FINAL}
