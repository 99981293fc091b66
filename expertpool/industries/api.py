"""Read-only API over the GB/T 4754-2017 industry codes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.industries.models import IndustryCode, Level
from expertpool.industries.selectors import industry_code_get, industry_code_search


class IndustryCodeSerializer(serializers.ModelSerializer[IndustryCode]):
    class Meta:
        model = IndustryCode
        fields = ["code", "name", "level", "parent"]
        read_only_fields = fields


class IndustryCodeDetailSerializer(IndustryCodeSerializer):
    children = IndustryCodeSerializer(many=True, read_only=True)

    class Meta(IndustryCodeSerializer.Meta):
        fields = [*IndustryCodeSerializer.Meta.fields, "children"]


class IndustryCodeQuerySerializer(serializers.Serializer[None]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("A section letter (C), a code prefix (32, C321) or part of a name (冶炼)."),
    )
    level = serializers.ChoiceField(choices=Level.choices, required=False)


class IndustryCodeListView(GenericAPIView[IndustryCode]):
    serializer_class = IndustryCodeSerializer

    def get_queryset(self) -> QuerySet[IndustryCode]:
        params = IndustryCodeQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return industry_code_search(query=params.validated_data.get("q", ""), level=params.validated_data.get("level"))

    @extend_schema(
        operation_id="industry_codes_list",
        parameters=[IndustryCodeQuerySerializer],
        responses=IndustryCodeSerializer(many=True),
        summary="Search industry codes",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class IndustryCodeDetailView(GenericAPIView[IndustryCode]):
    serializer_class = IndustryCodeDetailSerializer

    @extend_schema(
        operation_id="industry_codes_retrieve", responses=IndustryCodeDetailSerializer, summary="One industry code"
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(self.get_serializer(industry_code_get(code=code)).data)
