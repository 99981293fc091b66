"""The expert registry over HTTP: a pool's staff read it, its admins write it.

Another pool's experts, an unknown pool and a pool the caller is not staff of all
answer 404 alike. A known pool's staff without the write role get 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.accounts.models import User
from expertpool.accounts.permissions import can_change_registry, can_see_personal_data
from expertpool.audit.services import audit_log
from expertpool.experts.models import Membership
from expertpool.experts.selectors import get_membership_for_user, get_pool_for_user, membership_list
from expertpool.experts.serializers import (
    ExpertContactSerializer,
    ExpertRegisterSerializer,
    ExpertSerializer,
    ExpertSummarySerializer,
    MembershipFilterSerializer,
)
from expertpool.experts.services import expert_register, expert_update_contact
from expertpool.pools.models import Pool

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}. Nothing changed.")
NOT_FOUND = OpenApiResponse(description="No such pool or expert, or not yours to see.")
FORBIDDEN = OpenApiResponse(description="You may read this pool's registry but not change it.")
# Service field names that the API nests under ``employer``.
SERVICE_FIELD_NAMES = {"employer_uscc": "employer"}


def _user(request: Request) -> User:
    return cast(User, request.user)  # every view here requires authentication


def _require_write(user: User, pool: Pool) -> None:
    if not can_change_registry(user, pool):
        raise PermissionDenied(_("Only the pool's admins may change its registry."))


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    errors: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        errors.setdefault(SERVICE_FIELD_NAMES.get(field, field), []).extend(messages)
    return errors


def _detail(user: User, pool: Pool, expert_id: int) -> dict[str, Any]:
    """The member as the detail endpoint answers; a write's answer needs no view record
    because the write's own audit record already names the expert."""
    membership = get_membership_for_user(user, pool, expert_id)
    context = {"personal_data": can_see_personal_data(user, pool)}
    return dict(ExpertSerializer(membership, context=context).data)


class PoolExpertListView(GenericAPIView[Membership]):
    serializer_class = ExpertSummarySerializer

    @extend_schema(
        operation_id="pools_experts_list",
        parameters=[MembershipFilterSerializer],
        responses={200: ExpertSummarySerializer(many=True), 404: NOT_FOUND},
        summary="The pool's experts",
        description="ID numbers and phones are masked unless your role may see them (pool admin, reviewer); "
        "a full list is recorded in the audit log as experts.personal_data_listed.",
    )
    def get(self, request: Request, slug: str) -> Response:
        user = _user(request)
        pool = get_pool_for_user(user, slug)
        filters = MembershipFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(membership_list(pool=pool, **filters.validated_data)) or []
        personal_data = can_see_personal_data(user, pool)
        data = self.get_serializer(page, many=True, context={"personal_data": personal_data}).data
        if personal_data and page:
            audit_log(
                actor=user,
                action="experts.personal_data_listed",
                pool=pool,
                data={"count": len(page), "experts": [m.expert_id for m in page]},
            )
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="pools_experts_create",
        request=ExpertRegisterSerializer,
        responses={201: ExpertSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Register an expert as a member of the pool",
        description="Pool admins only. A resident ID number already in the registry is refused.",
    )
    def post(self, request: Request, slug: str) -> Response:
        user = _user(request)
        pool = get_pool_for_user(user, slug)
        _require_write(user, pool)
        serializer = ExpertRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership = expert_register(actor=user, pool=pool, record=serializer.to_record())
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_field_errors(exc)) from exc
        return Response(_detail(user, pool, membership.expert_id), status=status.HTTP_201_CREATED)


class PoolExpertDetailView(GenericAPIView[Membership]):
    serializer_class = ExpertSerializer

    @extend_schema(
        operation_id="pools_experts_retrieve",
        responses={200: ExpertSerializer, 404: NOT_FOUND},
        summary="One expert of the pool",
        description="A response with full ID number and phone is recorded as expert.personal_data_viewed.",
    )
    def get(self, request: Request, slug: str, expert_id: int) -> Response:
        user = _user(request)
        pool = get_pool_for_user(user, slug)
        membership = get_membership_for_user(user, pool, expert_id)
        personal_data = can_see_personal_data(user, pool)
        if personal_data:
            audit_log(actor=user, action="expert.personal_data_viewed", target=membership.expert, pool=pool)
        return Response(ExpertSerializer(membership, context={"personal_data": personal_data}).data)


class PoolExpertContactView(GenericAPIView[Membership]):
    serializer_class = ExpertContactSerializer

    @extend_schema(
        operation_id="pools_experts_contact_partial_update",
        request=ExpertContactSerializer,
        responses={200: ExpertSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Change an expert's employer or contact data",
        description="Pool admins only. The change is kept in the audit log as expert.contact_changed.",
    )
    def patch(self, request: Request, slug: str, expert_id: int) -> Response:
        user = _user(request)
        pool = get_pool_for_user(user, slug)
        _require_write(user, pool)
        membership = get_membership_for_user(user, pool, expert_id, write=True)
        serializer = ExpertContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            expert_update_contact(actor=user, expert=membership.expert, **serializer.service_arguments())
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_field_errors(exc)) from exc
        return Response(_detail(user, pool, expert_id))
