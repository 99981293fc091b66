"""Who may print an application: the applicant, the pool's staff and the nominating
unit. Anyone else gets "not found", as for an application that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.accounts.permissions import can_see_personal_data, can_view_registry
from expertpool.applications.models import Application
from expertpool.pools.models import Pool

if TYPE_CHECKING:
    from expertpool.accounts.permissions import AnyUser


def get_application_for_print(user: AnyUser, pk: int) -> tuple[Application, bool]:
    """The application and whether its ID number and mobile may be printed in full:
    for the applicant (their own form, to sign) and for staff who see personal data."""
    application = Application.objects.select_related("pool__policy").filter(pk=pk).first()
    if application is None or not isinstance(user, User):
        raise Http404
    if application.applicant_id == user.pk:
        return application, True
    pool = application.pool
    if can_view_registry(user, pool) or _is_nominating_unit(user, application):
        return application, can_see_personal_data(user, pool)
    raise Http404


def _is_nominating_unit(user: User, application: Application) -> bool:
    return application.nominating_unit_id is not None and (
        PoolRole.objects.filter(
            user_id=user.pk,
            pool_id=application.pool_id,
            role=Role.NOMINATING_UNIT,
            organisation_id=application.nominating_unit_id,
        ).exists()
    )


def get_pool_for_blank_form(slug: str) -> Pool:
    """Any active pool's blank form is public, like the call for experts it belongs to."""
    pool = Pool.objects.select_related("policy").filter(slug=slug, is_active=True).first()
    if pool is None:
        raise Http404
    return pool
