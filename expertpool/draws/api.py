"""Draws over HTTP: verifying a record (any signed-in user), and for a pool's staff the
list of draws with their verification status, a draw's record, commit and reveal.

Another pool's draw or activity answers 404 like a missing one; a pool's staff who
may read but not draw get 403 from the services.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.activities.selectors_console import get_activity_for_pool_staff
from expertpool.audit.services import audit_log
from expertpool.draws import algorithm
from expertpool.draws.forms_staff import SOURCE_MAX_LENGTH
from expertpool.draws.models import Draw
from expertpool.draws.records import draw_record
from expertpool.draws.selectors_staff import DrawRow, draw_rows, get_draw_for_user, pool_draws
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.experts.selectors import get_pool_for_user

VERDICT = inline_serializer(
    name="DrawVerification",
    fields={
        "verified": serializers.BooleanField(),
        "differences": serializers.ListField(
            child=serializers.CharField(), help_text="One line per difference, naming where it is."
        ),
    },
)


class DrawVerifyView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="draws_verify",
        tags=["draws"],
        request=OpenApiTypes.OBJECT,
        responses={200: VERDICT, 401: OpenApiResponse(description="Not signed in.")},
        summary="Verify a draw record",
        description="The body is a draw record as exported (docs/draw.md §10). The draw is recomputed from its "
        "commitment and revealed inputs; the answer is verified, or every difference. Stores nothing.",
    )
    def post(self, request: Request) -> Response:
        record: Any = request.data
        differences = algorithm.verify(record)
        return Response({"verified": not differences, "differences": differences})


# The pool staff's draws: list with verification, record, commit and reveal -----------------

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}. Nothing stored.")
NOT_FOUND = OpenApiResponse(description="No such pool, activity or draw, or not yours to see.")
FORBIDDEN = OpenApiResponse(description="You may read the pool's draws, but only its admins commit and reveal.")


def _user(request: Request) -> User:
    return cast(User, request.user)  # every view here requires authentication


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    return {field: list(messages) for field, messages in exc.message_dict.items()}


class VerificationSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=["verified", "differs", "not_revealed"])
    differences = serializers.ListField(child=serializers.CharField())


class DrawSummarySerializer(serializers.Serializer[Any]):
    """A draw as a list shows it: who, when, which kind, its status and whether it verifies."""

    id = serializers.IntegerField(source="draw.pk")
    activity = serializers.IntegerField(source="draw.activity_id")
    activity_title = serializers.CharField(source="draw.activity.title")
    kind = serializers.ChoiceField(source="draw.kind", choices=Draw.Kind.choices)
    previous = serializers.IntegerField(source="draw.previous_id", allow_null=True)
    reason = serializers.CharField(source="draw.reason")
    commitment_hash = serializers.CharField(source="draw.commitment_hash")
    randomness_source = serializers.SerializerMethodField()
    committed_at = serializers.DateTimeField(source="draw.committed_at")
    committed_by = serializers.CharField(source="draw.committed_by.username")
    supervisor = serializers.SerializerMethodField()
    revealed_at = serializers.SerializerMethodField()
    # Plain text, not an enum: "status" names other choice sets in the schema already.
    status = serializers.CharField(help_text="committed (not revealed yet), drawn or insufficient.")
    superseded = serializers.BooleanField(help_text="A re-draw replaced this draw.")
    verification = VerificationSerializer()

    def get_randomness_source(self, row: DrawRow) -> str:
        return str(row.draw.commitment_summary["randomness"]["source"])

    def get_supervisor(self, row: DrawRow) -> str | None:
        supervisor = row.draw.supervisor
        return None if supervisor is None else supervisor.get_username()

    def get_revealed_at(self, row: DrawRow) -> str | None:
        return None if row.reveal is None else row.reveal.revealed_at.isoformat()


class PoolDrawListView(GenericAPIView[Draw]):
    serializer_class = DrawSummarySerializer

    @extend_schema(
        operation_id="pools_draws_list",
        tags=["draws"],
        responses={200: DrawSummarySerializer(many=True), 404: NOT_FOUND},
        summary="The pool's draws, each with its verification status",
        description="Pool staff only. Every revealed draw is recomputed from its stored commitment and "
        "numbers: verified, or each difference.",
    )
    def get(self, request: Request, slug: str) -> Response:
        pool = get_pool_for_user(_user(request), slug)
        page = self.paginate_queryset(pool_draws(pool=pool)) or []
        return self.get_paginated_response(DrawSummarySerializer(draw_rows(list(page)), many=True).data)


class DrawRecordView(APIView):
    @extend_schema(
        operation_id="draws_retrieve",
        tags=["draws"],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
        summary="A draw's record",
        description="The exportable record (docs/draw.md §10): pseudonymous labels, no names. Pool staff only; "
        "recorded in the audit log as draw.exported.",
    )
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        draw = get_draw_for_user(user, pk)
        audit_log(
            actor=user,
            action="draw.exported",
            target=draw,
            pool=draw.pool,
            clause=draw.pool.policy.rules.confidentiality.clause,
            data={"format": "json", "via": "api", "commitment_hash": draw.commitment_hash},
        )
        return Response(draw_record(draw))


class DrawCommitSerializer(serializers.Serializer[Any]):
    randomness_source = serializers.CharField(
        max_length=SOURCE_MAX_LENGTH, help_text="The named future source of the randomness, e.g. a lottery draw."
    )
    supervisor = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Username of the supervisor present."
    )
    previous = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="For a re-draw or supplementary draw: the latest draw."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why a re-draw is made.")
    supplementary = serializers.BooleanField(
        required=False, default=False, help_text="Draw only the open seats after the reserves ran out."
    )


class ActivityDrawCommitView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="activities_draws_create",
        tags=["draws"],
        request=DrawCommitSerializer,
        responses={201: DrawSummarySerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Commit a draw for an activity",
        description="Pool admins only. Freezes the candidates, exclusions, panel rule and named randomness; "
        "a re-draw names the latest draw as previous, with a reason.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        activity = get_activity_for_pool_staff(user, pk)
        given = DrawCommitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            draw = draw_commit(
                actor=user,
                activity=activity,
                randomness_source=data["randomness_source"],
                supervisor=_supervisor(data["supervisor"]),
                previous=_previous(activity, data["previous"]),
                reason=data["reason"],
                supplementary=data["supplementary"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_field_errors(exc)) from exc
        row = draw_rows([get_draw_for_user(user, draw.pk)])[0]
        return Response(DrawSummarySerializer(row).data, status=status.HTTP_201_CREATED)


def _supervisor(username: str) -> User | None:
    if not username:
        return None
    supervisor = User.objects.filter(username=username).first()
    if supervisor is None:
        raise serializers.ValidationError({"supervisor": [_("No user with this username.")]})
    return supervisor


def _previous(activity: Activity, draw_id: int | None) -> Draw | None:
    if draw_id is None:
        return None
    previous: Draw | None = Draw.objects.filter(activity_id=activity.pk, pk=draw_id).first()
    if previous is None:
        raise serializers.ValidationError({"previous": [_("No draw with this id for this activity.")]})
    return previous


class DrawRevealSerializer(serializers.Serializer[Any]):
    public_numbers = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="The public groups' numbers in the declared order, e.g. [[27, 3, 14, 9, 31, 22], [7]].",
    )
    supervisor_inputs = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="The supervisor's groups, e.g. [[408215]].",
    )


class DrawRevealView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="draws_reveal",
        tags=["draws"],
        request=DrawRevealSerializer,
        responses={201: OpenApiTypes.OBJECT, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Reveal a committed draw",
        description="Pool admins only. Enters the revealed numbers; the answer is the draw's record with its "
        "seed and result (pseudonymous labels).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        draw = get_draw_for_user(user, pk)
        given = DrawRevealSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            draw_reveal(
                actor=user,
                draw=draw,
                public_numbers=given.validated_data["public_numbers"],
                supervisor_inputs=given.validated_data["supervisor_inputs"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_field_errors(exc)) from exc
        return Response(draw_record(draw), status=status.HTTP_201_CREATED)
