"""Verifying a draw record over HTTP: any signed-in user may check one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from expertpool.draws import algorithm

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
