"""Directed selection over HTTP (UR 第十二条): the client unit asks, a pool admin decides.

An activity or request that is not the caller's to see answers 404, the same as a
missing one; a caller who may see it but not do the action gets 403. Phones are
masked unless the caller's role checks personal data.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.accounts.models import User
from expertpool.accounts.permissions import can_see_personal_data
from expertpool.activities import directed as services
from expertpool.activities.models import DirectedSelection, DirectedSelectionLetter
from expertpool.activities.selectors_directed import (
    directed_for_activity,
    directed_list,
    get_activity_for_reader,
    get_directed_for_reader,
)
from expertpool.audit.services import audit_log
from expertpool.core.masking import mask_phone
from expertpool.experts.selectors import get_pool_for_user
from expertpool.pools.models import Pool

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}. Nothing changed.")
NOT_FOUND = OpenApiResponse(description="No such activity or request, or not yours to see.")
TAGS = ["directed selections"]


def _user(request: Request) -> User:
    return cast(User, request.user)  # every view here requires authentication


def _field_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(dict(exc.message_dict))
    return serializers.ValidationError({"non_field_errors": exc.messages})


class DirectedLetterSerializer(serializers.ModelSerializer[DirectedSelectionLetter]):
    class Meta:
        model = DirectedSelectionLetter
        fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]


class DirectedSelectionSerializer(serializers.ModelSerializer[DirectedSelection]):
    mobile = serializers.SerializerMethodField(help_text="Masked unless your role checks personal data.")
    letter = DirectedLetterSerializer(read_only=True)
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    directed = serializers.SerializerMethodField(help_text="Always true: a directed expert is never a pool member.")

    class Meta:
        model = DirectedSelection
        fields = [
            "id", "activity", "name", "employer_name", "title", "specialty", "mobile", "email", "reason",
            "status", "requested_by", "requested_at", "decided_by", "decided_at", "decision_reason", "letter",
            "directed",
        ]  # fmt: skip
        read_only_fields = fields

    def get_mobile(self, directed: DirectedSelection) -> str:
        return directed.mobile if self.context.get("personal_data") else mask_phone(directed.mobile)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_directed(self, _directed: DirectedSelection) -> bool:
        return True


class DirectedRequestSerializer(serializers.Serializer[Any]):
    """Everything optional here: the service checks the rules, so the API and the
    page give the same messages under the same field names."""

    name = serializers.CharField(required=False, allow_blank=True, default="")
    employer_name = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, default="")
    specialty = serializers.CharField(required=False, allow_blank=True, default="")
    mobile = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    letter = serializers.FileField(required=False, help_text="The signed letter: PDF, JPEG or PNG, checked by content.")


class DirectedDecisionSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DirectedStatusFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=DirectedSelection.Status.choices, required=False, allow_blank=True)


def _listing(user: User, pool: Pool, rows: list[DirectedSelection]) -> list[dict[str, Any]]:
    """Serialise rows; full phones in a list are recorded as ``directed_selections.personal_data_listed``."""
    personal_data = can_see_personal_data(user, pool)
    if personal_data and any(row.mobile for row in rows):
        audit_log(
            actor=user,
            action="directed_selections.personal_data_listed",
            pool=pool,
            data={"directed_selections": [row.pk for row in rows]},
        )
    return list(DirectedSelectionSerializer(rows, many=True, context={"personal_data": personal_data}).data)


class ActivityDirectedSelectionsView(GenericAPIView[DirectedSelection]):
    serializer_class = DirectedSelectionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="activities_directed_selections_list",
        tags=TAGS,
        responses={200: DirectedSelectionSerializer(many=True), 404: NOT_FOUND},
        summary="The activity's directed selections",
        description="For the requesting client unit and the pool's staff.",
    )
    def get(self, request: Request, activity_id: int) -> Response:
        user = _user(request)
        activity = get_activity_for_reader(user, activity_id)
        return Response(_listing(user, activity.pool, list(directed_for_activity(activity))))

    @extend_schema(
        operation_id="activities_directed_selections_create",
        tags=TAGS,
        request={"multipart/form-data": DirectedRequestSerializer},
        responses={
            201: DirectedSelectionSerializer,
            400: FIELD_ERRORS,
            403: OpenApiResponse(description="Only the client unit that requested the activity may ask."),
            404: NOT_FOUND,
        },
        summary="Ask for an expert from outside the pool",
        description="Multipart, with the signed letter as `letter`. Needs a name, an employer, a reason, a phone "
        "or an e-mail and the letter; the pool's admins are mailed. Recorded as directed_selection.requested.",
    )
    def post(self, request: Request, activity_id: int) -> Response:
        user = _user(request)
        activity = get_activity_for_reader(user, activity_id)
        serializer = DirectedRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        try:
            directed = services.directed_request(
                actor=user, activity=activity, letter=values.pop("letter", None), **values
            )
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        directed = get_directed_for_reader(user, directed.pk)
        data = DirectedSelectionSerializer(directed, context={"personal_data": False}).data
        return Response(data, status=status.HTTP_201_CREATED)


class _DecisionView(GenericAPIView[DirectedSelection]):
    serializer_class = DirectedDecisionSerializer
    parser_classes = [JSONParser, FormParser]

    def _decide(self, request: Request, directed_id: int, *, approve: bool) -> Response:
        user = _user(request)
        directed = get_directed_for_reader(user, directed_id)
        serializer = DirectedDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide = services.directed_approve if approve else services.directed_refuse
        try:
            decide(actor=user, directed=directed, reason=serializer.validated_data["reason"])
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        directed = get_directed_for_reader(user, directed_id)
        # The decision's own audit record names the request; no full phone in the answer.
        return Response(DirectedSelectionSerializer(directed, context={"personal_data": False}).data)


DECISION_RESPONSES = {
    200: DirectedSelectionSerializer,
    400: FIELD_ERRORS,
    403: OpenApiResponse(description="Only the pool's admins decide."),
    404: NOT_FOUND,
}


class DirectedSelectionApproveView(_DecisionView):
    @extend_schema(
        operation_id="directed_selections_approve",
        tags=TAGS,
        request=DirectedDecisionSerializer,
        responses=DECISION_RESPONSES,
        summary="Approve a directed selection",
        description="Pool admins only, while it is requested. Recorded as directed_selection.approved.",
    )
    def post(self, request: Request, directed_id: int) -> Response:
        return self._decide(request, directed_id, approve=True)


class DirectedSelectionRefuseView(_DecisionView):
    @extend_schema(
        operation_id="directed_selections_refuse",
        tags=TAGS,
        request=DirectedDecisionSerializer,
        responses=DECISION_RESPONSES,
        summary="Refuse a directed selection",
        description="Pool admins only, while it is requested; the reason is required and shown to the client "
        "unit. Recorded as directed_selection.refused.",
    )
    def post(self, request: Request, directed_id: int) -> Response:
        return self._decide(request, directed_id, approve=False)


class PoolDirectedSelectionsView(GenericAPIView[DirectedSelection]):
    serializer_class = DirectedSelectionSerializer

    def get_queryset(self) -> QuerySet[DirectedSelection]:
        return DirectedSelection.objects.none()  # the schema generator's; ``get`` reads through the selector

    @extend_schema(
        operation_id="pools_directed_selections_list",
        tags=TAGS,
        parameters=[DirectedStatusFilterSerializer],
        responses={200: DirectedSelectionSerializer(many=True), 404: NOT_FOUND},
        summary="The pool's directed selections",
        description="For the pool's staff, newest first. A page with full phones is recorded as "
        "directed_selections.personal_data_listed.",
    )
    def get(self, request: Request, slug: str) -> Response:
        user = _user(request)
        pool = get_pool_for_user(user, slug)
        filters = DirectedStatusFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = self.paginate_queryset(directed_list(pool=pool, status=filters.validated_data.get("status", "")))
        return self.get_paginated_response(_listing(user, pool, list(rows or [])))
