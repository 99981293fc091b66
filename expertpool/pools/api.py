"""Pools and their policies, as seen by their own staff."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.accounts.permissions import pools_for_user
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Category, Pool


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "subfields", "requires_industry_codes", "clause"]


class PoolSerializer(serializers.ModelSerializer[Pool]):
    policy_slug = serializers.CharField(source="policy.slug", read_only=True)
    policy_version = serializers.CharField(source="policy.version", read_only=True)

    class Meta:
        model = Pool
        fields = ["slug", "name", "name_en", "managing_body", "is_active", "policy_slug", "policy_version"]


# Described as a plain object: its own JSON Schema is generated from pools/policy.py.
@extend_schema_field(OpenApiTypes.OBJECT)
class PolicyDocumentField(serializers.JSONField):
    pass


class PoolDetailSerializer(PoolSerializer):
    categories = serializers.SerializerMethodField()
    policy = PolicyDocumentField(
        source="policy.document",
        read_only=True,
        help_text=_("The full policy document the pool runs under (schema: docs/policy.schema.json)."),
    )

    class Meta(PoolSerializer.Meta):
        fields = [*PoolSerializer.Meta.fields, "categories", "policy"]

    @extend_schema_field(CategorySerializer(many=True))
    def get_categories(self, pool: Pool) -> Any:
        categories = Category.objects.filter(pool=pool, is_active=True).order_by("position")
        return CategorySerializer(categories, many=True).data


class PoolListView(GenericAPIView[Pool]):
    serializer_class = PoolSerializer
    pagination_class = None  # a person is staff of a handful of pools at most

    def get_queryset(self) -> QuerySet[Pool]:
        return pools_for_user(self.request.user).select_related("policy").order_by("slug")

    @extend_schema(operation_id="pools_list", summary="The pools you are staff of")
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class PoolDetailView(GenericAPIView[Pool]):
    serializer_class = PoolDetailSerializer

    @extend_schema(operation_id="pools_retrieve", summary="One pool with its policy")
    def get(self, request: Request, slug: str) -> Response:
        pool = get_pool_for_user(request.user, slug)
        return Response(self.get_serializer(pool).data)
