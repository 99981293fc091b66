"""The signed-in expert's invitations over HTTP: list them, accept or decline one.

Another expert's seat answers 404, like a missing one. The services decide; field
errors come back as ``{field: [messages]}`` with nothing changed.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.accounts.models import User
from expertpool.draws.invitation_notices import kind_name
from expertpool.draws.invitations import NOTE_MAX_LENGTH, invitation_accept, invitation_decline
from expertpool.draws.models import PanelSeat
from expertpool.draws.selectors_invitations import expert_invitations, get_invitation_for_user

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}. Nothing changed.")
NOT_FOUND = OpenApiResponse(description="No such invitation, or not yours.")


class InvitationActivitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    pool = serializers.CharField(source="pool.slug")
    kind = serializers.CharField()
    kind_name = serializers.SerializerMethodField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    subjects = serializers.SerializerMethodField(help_text="Names of the subject organisations, to spot a conflict.")

    def get_kind_name(self, activity: Any) -> str:
        return kind_name(activity)

    def get_subjects(self, activity: Any) -> list[str]:
        return [party.organisation.name for party in getattr(activity, "subjects", [])]


class InvitationSerializer(serializers.ModelSerializer[PanelSeat]):
    activity = InvitationActivitySerializer()

    class Meta:
        model = PanelSeat
        fields = [
            "id",
            "activity",
            "role",
            "position",
            "category",
            "status",
            "invited_at",
            "answer_due_at",
            "answered_at",
            "decline_reason",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=PanelSeat.DeclineReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")


def _user(request: Request) -> User:
    return cast(User, request.user)  # every view here requires authentication


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    return dict(exc.message_dict)


def _answered(request: Request, seat_id: int) -> PanelSeat:
    """The seat again, with what the list shows, after the answer."""
    return get_invitation_for_user(_user(request), seat_id)


class InvitationListView(GenericAPIView[PanelSeat]):
    serializer_class = InvitationSerializer

    @extend_schema(
        operation_id="invitations_list",
        tags=["invitations"],
        responses={200: InvitationSerializer(many=True)},
        summary="Your invitations",
        description="Every panel seat your expert record was invited to, newest first. Empty without one.",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(expert_invitations(user=_user(request))) or []
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class InvitationAcceptView(GenericAPIView[PanelSeat]):
    serializer_class = InvitationSerializer

    @extend_schema(
        operation_id="invitations_accept",
        tags=["invitations"],
        request=None,
        responses={200: InvitationSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
        summary="Accept an invitation",
        description="Refused when it was answered already, its deadline has passed or it is no longer open.",
    )
    def post(self, request: Request, pk: int) -> Response:
        seat = get_invitation_for_user(_user(request), pk)
        try:
            invitation_accept(seat=seat, actor=_user(request), via="account")
        except DjangoPermissionDenied:
            raise Http404 from None
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_field_errors(exc)) from exc
        return Response(InvitationSerializer(_answered(request, pk)).data)


class InvitationDeclineView(GenericAPIView[PanelSeat]):
    serializer_class = InvitationSerializer

    @extend_schema(
        operation_id="invitations_decline",
        tags=["invitations"],
        request=DeclineSerializer,
        responses={200: InvitationSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
        summary="Decline an invitation",
        description="With a reason from the list; ``other`` needs the ``note``. A conflict of interest is "
        "recorded as a declared conflict with the activity's subjects. The next reserve is invited.",
    )
    def post(self, request: Request, pk: int) -> Response:
        seat = get_invitation_for_user(_user(request), pk)
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            invitation_decline(seat=seat, actor=_user(request), via="account", **body.validated_data)
        except DjangoPermissionDenied:
            raise Http404 from None
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_field_errors(exc)) from exc
        return Response(InvitationSerializer(_answered(request, pk)).data)
