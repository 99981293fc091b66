"""Signing in to the API with a token (session sign-in is the web login)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from expertpool.accounts.models import User
from expertpool.accounts.tokens import token_issue, token_revoke

TokenResponse = inline_serializer("AuthTokenIssued", fields={"token": serializers.CharField(read_only=True)})


class AuthTokenView(ObtainAuthToken):
    """POST exchanges a username and password for a token; DELETE revokes the caller's token."""

    # DRF's view takes no authentication at all; revoking needs the caller's identity.
    authentication_classes = APIView.authentication_classes

    def get_permissions(self) -> Sequence[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_create",
        request=AuthTokenSerializer,
        responses={200: TokenResponse, 400: OpenApiResponse(description="Wrong username or password.")},
        summary="Obtain an API token",
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = serializer.validated_data["user"]
        return Response({"token": token_issue(actor=user).key})

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked (or there was none).")},
        summary="Revoke your API token",
    )
    def delete(self, request: Request) -> Response:
        token_revoke(actor=cast(User, request.user))  # IsAuthenticated has run
        return Response(status=status.HTTP_204_NO_CONTENT)
