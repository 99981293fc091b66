"""Activities over HTTP: a client unit requests and follows its own, the pool's staff
read them all and its admins approve a panel size outside the rule; after the
activity the client unit records attendance.

An activity or pool that is not the caller's to see answers 404, the same as a
missing one; a caller who may see it but not do the action gets 403. Who was drawn
comes only from ``draws.selectors.panel_for_viewer``, which audits every view.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from expertpool.accounts.models import User
from expertpool.accounts.permissions import can_view_registry, client_unit_for
from expertpool.activities.models import Activity, ActivityParty, DirectedSelection
from expertpool.activities.selectors_client import (
    get_activity_for_user,
    kind_name,
    panel_size_state,
    parties,
    pool_activity_list,
)
from expertpool.activities.services import activity_approve_panel_size, activity_create
from expertpool.draws.attendance import AttendanceEntry, AttendanceRowError, attendance_record_all
from expertpool.draws.models import Attendance, PanelSeat
from expertpool.draws.selectors import PanelView, panel_for_viewer
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Pool

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}. Nothing changed.")
NOT_FOUND = OpenApiResponse(description="No such pool or activity, or not yours to see.")
FORBIDDEN = OpenApiResponse(description="You may see this but not do it.")
TAGS = ["activities"]
PANEL_SIZE_STATES = ["within_rule", "awaiting_approval", "approved"]


def _user(request: Request) -> User:
    return cast(User, request.user)  # every view here requires authentication


def _field_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(dict(exc.message_dict))
    return serializers.ValidationError({"non_field_errors": exc.messages})


# Shapes ------------------------------------------------------------------------------


class OrganisationSerializer(serializers.Serializer[Organisation]):
    name = serializers.CharField()
    uscc = serializers.CharField(allow_null=True)


def _organisations(organisations: list[Organisation]) -> list[dict[str, Any]]:
    return [{"name": o.name, "uscc": o.uscc} for o in organisations]


class CategoryNeedSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(source="category.code")
    count = serializers.IntegerField()


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    pool = serializers.CharField(source="pool.slug")
    kind_name = serializers.SerializerMethodField()
    client_unit = OrganisationSerializer()
    subjects = serializers.SerializerMethodField()
    consultants = serializers.SerializerMethodField()
    category_needs = CategoryNeedSerializer(many=True)
    panel_size_state = serializers.SerializerMethodField(
        help_text="within_rule; awaiting_approval (outside the rule, with a reason); approved."
    )

    class Meta:
        model = Activity
        fields = [
            "id", "pool", "kind", "kind_name", "title", "starts_at", "ends_at", "place", "notes", "status",
            "client_unit", "subjects", "consultants", "category_needs", "panel_size", "panel_size_reason",
            "panel_size_state", "panel_size_approved_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _pool(self, activity: Activity) -> Pool:
        # A list passes its pool once, so the policy is parsed once rather than per row.
        pool: Pool | None = self.context.get("pool")
        return pool if pool is not None else activity.pool

    def get_kind_name(self, activity: Activity) -> str:
        return kind_name(self._pool(activity), activity.kind)

    @extend_schema_field(OrganisationSerializer(many=True))
    def get_subjects(self, activity: Activity) -> list[dict[str, Any]]:
        return _organisations(parties(activity, ActivityParty.Role.SUBJECT))

    @extend_schema_field(OrganisationSerializer(many=True))
    def get_consultants(self, activity: Activity) -> list[dict[str, Any]]:
        return _organisations(parties(activity, ActivityParty.Role.CONSULTANT))

    @extend_schema_field(serializers.ChoiceField(choices=PANEL_SIZE_STATES))
    def get_panel_size_state(self, activity: Activity) -> str:
        return panel_size_state(activity, self._pool(activity))


class PanelEntrySerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    employer = serializers.CharField()
    title = serializers.CharField()
    role = serializers.ChoiceField(choices=["panel", "reserve", "directed"])
    position = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    status_note = serializers.CharField(
        help_text="Why a released seat was released: a re-draw with its reason, or the rule (and clause) that "
        "excluded a reserve when their turn came; blank otherwise."
    )
    category = serializers.CharField()
    directed = serializers.BooleanField(help_text="Selected by name outside the pool (定向选取), never a pool member.")
    seat_id = serializers.IntegerField(allow_null=True)
    directed_selection_id = serializers.IntegerField(allow_null=True)
    expert_id = serializers.IntegerField(allow_null=True)


class PanelSerializer(serializers.Serializer[Any]):
    full = serializers.BooleanField(
        help_text="True for pool admins and supervisors (every seat as drawn); false for the client unit "
        "(accepted experts and approved directed selections only)."
    )
    entries = PanelEntrySerializer(many=True)


class ActivityDetailSerializer(ActivitySerializer):
    panel = serializers.SerializerMethodField(
        help_text="Who was drawn, as far as you may know; null when you may not (a reviewer, or a client "
        "unit that is itself a subject). Every answer with a panel is audited as panel.viewed."
    )

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "panel"]
        read_only_fields = fields

    @extend_schema_field(PanelSerializer(allow_null=True))
    def get_panel(self, _activity: Activity) -> dict[str, Any] | None:
        panel: PanelView | None = self.context.get("panel")
        return None if panel is None else dict(PanelSerializer(panel).data)


class PartyInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_blank=True)
    uscc = serializers.CharField(required=False, allow_blank=True, default="")


class NeedInputSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(help_text="A category code of the pool.")
    count = serializers.IntegerField()


class ActivityCreateSerializer(serializers.Serializer[Any]):
    """Only the types are checked here: the service checks the rules, so the API and
    the page give the same messages under the same field names."""

    kind = serializers.CharField(allow_blank=True, help_text="A code from the policy's activity_kinds.")
    title = serializers.CharField(allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True)
    panel_size = serializers.IntegerField(required=False, help_text="Default: the policy's panel.min_size.")
    panel_size_reason = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    subjects = PartyInputSerializer(many=True)
    consultants = PartyInputSerializer(many=True, required=False, default=list)
    category_needs = NeedInputSerializer(
        many=True, required=False, default=list, help_text="Empty: the whole panel from any category."
    )


class AttendanceRowSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    employer = serializers.CharField()
    directed = serializers.BooleanField()
    seat_id = serializers.IntegerField(allow_null=True)
    directed_selection_id = serializers.IntegerField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Attendance.Outcome.choices, allow_null=True)
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField(allow_null=True)


class AttendanceSerializer(serializers.Serializer[Any]):
    activity_status = serializers.ChoiceField(choices=Activity.Status.choices)
    entries = AttendanceRowSerializer(many=True)


class AttendanceInputRowSerializer(serializers.Serializer[Any]):
    seat_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    directed_selection_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    outcome = serializers.CharField(allow_blank=True, help_text="One of: " + ", ".join(Attendance.Outcome.values))
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required for an absence "
                                 "with a valid reason: the reason.")  # fmt: skip


class AttendanceInputSerializer(serializers.Serializer[Any]):
    entries = AttendanceInputRowSerializer(many=True)


# A pool's activities ---------------------------------------------------------------------


def _pool_access(user: User, slug: str) -> tuple[Pool, Organisation | None]:
    """The pool and the unit the caller acts for in it (``None`` for the pool's staff);
    404 for anyone else."""
    pool = Pool.objects.select_related("policy").filter(slug=slug).first()
    if pool is None:
        raise Http404
    unit = client_unit_for(user, pool)
    if unit is None and not can_view_registry(user, pool):
        raise Http404
    return pool, unit


class PoolActivityListView(GenericAPIView[Activity]):
    serializer_class = ActivitySerializer

    @extend_schema(
        operation_id="pools_activities_list",
        tags=TAGS,
        responses={200: ActivitySerializer(many=True), 404: NOT_FOUND},
        summary="The pool's activities",
        description="A client unit sees its own activities; the pool's staff see all of them. Latest start first.",
    )
    def get(self, request: Request, slug: str) -> Response:
        user = _user(request)
        pool, unit = _pool_access(user, slug)
        client_unit = None if can_view_registry(user, pool) else unit
        page = self.paginate_queryset(pool_activity_list(pool=pool, client_unit=client_unit)) or []
        return self.get_paginated_response(self.get_serializer(page, many=True, context={"pool": pool}).data)

    @extend_schema(
        operation_id="pools_activities_create",
        tags=TAGS,
        request=ActivityCreateSerializer,
        responses={201: ActivityDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Request an activity",
        description="Client units of the pool only. Subjects and consultants by name and unified social credit "
        "code; a panel size outside the policy's rule needs panel_size_reason and waits for a pool admin's "
        "approval. Audited as activity.requested.",
    )
    def post(self, request: Request, slug: str) -> Response:
        user = _user(request)
        pool, unit = _pool_access(user, slug)
        if unit is None:
            raise PermissionDenied(_("Only a client unit of the pool may request an activity."))
        serializer = ActivityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            activity = activity_create(
                actor=user,
                pool=pool,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                panel_size=data.get("panel_size", pool.policy.rules.panel.min_size),
                panel_size_reason=data["panel_size_reason"],
                notes=data["notes"],
                subjects=[(p["name"], p["uscc"]) for p in data["subjects"]],
                consultants=[(p["name"], p["uscc"]) for p in data["consultants"]],
                category_needs=[(n["category"], n["count"]) for n in data["category_needs"]],
            )
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(_detail(user, activity.pk, with_panel=False), status=status.HTTP_201_CREATED)


# One activity --------------------------------------------------------------------------


def _panel(activity: Activity, user: User) -> PanelView | None:
    try:
        return panel_for_viewer(activity=activity, viewer=user)
    except DjangoPermissionDenied:
        return None


def _detail(user: User, pk: int, *, with_panel: bool = True) -> dict[str, Any]:
    """The activity as the detail answers; a write's answer leaves the panel out (and
    unaudited): the write's own record names the activity."""
    activity = get_activity_for_user(user, pk)
    panel = _panel(activity, user) if with_panel else None
    return dict(ActivityDetailSerializer(activity, context={"panel": panel}).data)


class ActivityDetailView(GenericAPIView[Activity]):
    serializer_class = ActivityDetailSerializer

    @extend_schema(
        operation_id="activities_retrieve",
        tags=TAGS,
        responses={200: ActivityDetailSerializer, 404: NOT_FOUND},
        summary="One activity, with its panel as far as you may see it",
        description="For the activity's client unit and the pool's staff. The client unit sees only experts who "
        "accepted, never reserves or declines; a subject of the activity never sees the panel.",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_user(request), pk))


class ActivityApprovePanelSizeView(GenericAPIView[Activity]):
    serializer_class = ActivityDetailSerializer

    @extend_schema(
        operation_id="activities_approve_panel_size",
        tags=TAGS,
        request=None,
        responses={200: ActivityDetailSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Approve a panel size outside the rule",
        description="Pool admins only; only a size recorded with a reason and not yet approved. "
        "Audited as activity.panel_size_approved.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        activity = get_activity_for_user(user, pk)
        try:
            activity_approve_panel_size(actor=user, activity=activity)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(_detail(user, activity.pk, with_panel=False))


# Attendance ----------------------------------------------------------------------------


def _attendance(activity: Activity, user: User) -> dict[str, Any]:
    """Every accepted panel member and approved directed selection, with the record so far."""
    panel = _panel(activity, user)
    if panel is None:
        raise PermissionDenied(_("Only the managing body and the requesting client unit may see the panel."))
    records = {(r.seat_id, r.directed_selection_id): r for r in Attendance.objects.filter(activity_id=activity.pk)}
    rows = []
    for entry in panel.entries:
        if not entry.directed and entry.status != PanelSeat.Status.ACCEPTED:
            continue
        record = records.get((entry.seat_id, entry.directed_selection_id))
        rows.append(
            {
                "name": entry.name,
                "employer": entry.employer,
                "directed": entry.directed,
                "seat_id": entry.seat_id,
                "directed_selection_id": entry.directed_selection_id,
                "outcome": record.outcome if record else None,
                "note": record.note if record else "",
                "recorded_at": record.recorded_at if record else None,
            }
        )
    return dict(AttendanceSerializer({"activity_status": activity.status, "entries": rows}).data)


def _entries(activity: Activity, rows: list[dict[str, Any]]) -> list[AttendanceEntry]:
    seats = PanelSeat.objects.filter(activity_id=activity.pk).in_bulk([r["seat_id"] for r in rows if r["seat_id"]])
    directed = DirectedSelection.objects.filter(activity_id=activity.pk).in_bulk(
        [r["directed_selection_id"] for r in rows if r["directed_selection_id"]]
    )
    return [
        AttendanceEntry(
            outcome=row["outcome"],
            note=row["note"],
            seat=seats.get(row["seat_id"]) if row["seat_id"] else None,
            directed_selection=directed.get(row["directed_selection_id"]) if row["directed_selection_id"] else None,
        )
        for row in rows
    ]


def _row_errors(rows: list[dict[str, Any]], entries: list[AttendanceEntry]) -> dict[str, dict[str, list[str]]]:
    """Entries that name no seat or directed selection of the activity, by index."""
    errors = {}
    for index, (row, entry) in enumerate(zip(rows, entries, strict=True)):
        if (row["seat_id"] and entry.seat is None) or (
            row["directed_selection_id"] and entry.directed_selection is None
        ):
            errors[str(index)] = {"seat_id": [_("No such panel member of this activity.")]}
    return errors


class ActivityAttendanceView(GenericAPIView[Activity]):
    serializer_class = AttendanceSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="activities_attendance_retrieve",
        tags=TAGS,
        responses={200: AttendanceSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Attendance of the panel",
        description="One entry per accepted expert and approved directed selection, with the outcome recorded so far "
        "(null if none). Shows who served, so it is audited as panel.viewed.",
    )
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        return Response(_attendance(get_activity_for_user(user, pk), user))

    @extend_schema(
        operation_id="activities_attendance_create",
        tags=TAGS,
        request=AttendanceInputSerializer,
        responses={200: AttendanceSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Record attendance",
        description="The activity's client unit only, once the activity has started. Each entry names a seat_id "
        "(an accepted seat) or a directed_selection_id (an approved one). All entries are stored or none; errors "
        'come by entry index: {"entries": {"0": {"note": [...]}}}. A changed entry is audited as '
        "attendance.corrected with the old and new values; when every member has a record the activity is "
        "completed.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        activity = get_activity_for_user(user, pk)
        serializer = AttendanceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows: list[dict[str, Any]] = serializer.validated_data["entries"]
        entries = _entries(activity, rows)
        unknown = _row_errors(rows, entries)
        if unknown:
            raise serializers.ValidationError({"entries": unknown})
        try:
            attendance_record_all(actor=user, activity=activity, entries=entries)
        except AttendanceRowError as exc:
            index = {entry.key: str(number) for number, entry in enumerate(entries)}
            raise serializers.ValidationError({"entries": {index[k]: v for k, v in exc.rows.items()}}) from exc
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(_attendance(activity, user))
