"""The public directory as JSON: anyone may read a pool's active members, without
personal data (no ID number, phone, e-mail or birth date)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.experts.models import TITLE_LEVEL_CHOICES, Gender, Membership
from expertpool.experts.selectors_public import directory_list, get_public_pool
from expertpool.experts.serializers import CodeListField, MembershipFilterSerializer


class DirectoryFilterSerializer(MembershipFilterSerializer):
    """The registry list's filters, less the status: only active members are public."""

    status = None  # type: ignore[assignment]

    def validate_industry_code(self, value: str) -> str:
        return value.strip().upper()


class DirectoryMemberSerializer(serializers.Serializer[Membership]):
    """One active member as the public directory shows them."""

    name = serializers.CharField(source="expert.name", read_only=True)
    gender = serializers.ChoiceField(source="expert.gender", choices=Gender.choices, read_only=True)
    employer = serializers.CharField(source="expert.employer.name", read_only=True, allow_null=True)
    title_level = serializers.ChoiceField(source="expert.title_level", choices=TITLE_LEVEL_CHOICES, read_only=True)
    categories = CodeListField(attribute="code")
    industry_codes = CodeListField(attribute="code")
    term_ends_on = serializers.DateField(read_only=True, allow_null=True)


class DirectoryPagination(PageNumberPagination):
    page_size = 25  # as on the directory page


class PublicDirectoryView(GenericAPIView[Membership]):
    serializer_class = DirectoryMemberSerializer
    pagination_class = DirectoryPagination
    # Public: a stale token or session must not turn a readable page into a 401 or 403.
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes: list[type[BasePermission]] = [AllowAny]

    @extend_schema(
        operation_id="public_pools_directory_list",
        parameters=[DirectoryFilterSerializer],
        responses={
            200: DirectoryMemberSerializer(many=True),
            404: OpenApiResponse(description="No such active pool."),
        },
        summary="The pool's public directory",
        description="Active members of the pool, without login. Personal data (ID number, phone, "
        "e-mail, birth date) is never included. 25 a page.",
    )
    def get(self, request: Request, slug: str) -> Response:
        pool = get_public_pool(slug)
        filters = DirectoryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values: dict[str, Any] = filters.validated_data
        page = self.paginate_queryset(directory_list(pool=pool, **values)) or []
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
