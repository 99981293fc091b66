"""The eligibility engine over HTTP: anyone with a role in the pool may ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from expertpool.eligibility.profile import ProfileError, parse_on_date
from expertpool.eligibility.selectors import get_pool_for_participant
from expertpool.eligibility.services import eligibility_check
from expertpool.experts.models import DEGREE_CHOICES, DISTINCTION_CHOICES, TITLE_LEVEL_CHOICES, Gender

# These serializers describe the shapes for the OpenAPI schema only: the input is
# validated by ``parse_profile``, which the command and the console share, so that
# all three report the same errors.


class EligibilityRequestSerializer(serializers.Serializer[None]):
    birth_date = serializers.DateField(help_text=_("YYYY-MM-DD; age is counted in full years on on_date."))
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_null=True)
    id_number = serializers.CharField(
        required=False, allow_null=True, help_text=_("Resident ID number; must match birth_date and gender.")
    )
    title_level = serializers.ChoiceField(choices=TITLE_LEVEL_CHOICES)
    field_years = serializers.IntegerField(min_value=0, max_value=80, help_text=_("Years of work in the field."))
    qualifications = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    degree = serializers.ChoiceField(choices=DEGREE_CHOICES, required=False, default="other")
    postdoc = serializers.BooleanField(required=False, default=False)
    distinctions = serializers.ListField(
        child=serializers.ChoiceField(choices=DISTINCTION_CHOICES), required=False, default=list
    )
    categories = serializers.ListField(
        child=serializers.CharField(), min_length=1, help_text=_("Category codes of the pool's policy.")
    )
    industry_codes = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text=_("GB/T 4754-2017 codes.")
    )
    declarations = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text=_("Declaration codes ticked.")
    )
    on_date = serializers.DateField(required=False, help_text=_("The date to judge on; default: today."))


class ReasonSerializer(serializers.Serializer[None]):
    rule = serializers.CharField(help_text=_("The rule checked, e.g. age_limit or declaration.integrity."))
    clause = serializers.CharField(help_text=_("The policy clause the rule applies."))
    outcome = serializers.ChoiceField(choices=["pass", "fail", "review"])
    message = inline_serializer(
        name="EligibilityMessage", fields={"zh-hans": serializers.CharField(), "en": serializers.CharField()}
    )


class DecisionSerializer(serializers.Serializer[None]):
    outcome = serializers.ChoiceField(choices=["eligible", "ineligible", "manual_review"])
    on_date = serializers.DateField()
    reasons = ReasonSerializer(many=True)
    policy = inline_serializer(
        name="EligibilityPolicy", fields={"slug": serializers.CharField(), "version": serializers.CharField()}
    )


ERRORS = OpenApiResponse(
    inline_serializer(
        name="EligibilityErrors",
        fields={"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
    ),
    description="The input is not a usable profile: {field: [messages]}.",
)
NOT_FOUND = OpenApiResponse(description="No such pool, or you hold no role in it.")
EXAMPLE = OpenApiExample(
    "Urumqi: an associate senior engineer",
    request_only=True,
    value={
        "birth_date": "1972-03-15",
        "title_level": "associate_senior",
        "field_years": 12,
        "degree": "master",
        "categories": ["environmental_engineering", "environmental_monitoring"],
        "declarations": ["constitution_and_credit", "expertise_and_regulations", "impartiality", "health"],
        "on_date": "2025-09-01",
    },
)


class EligibilityCheckView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="pools_eligibility_check",
        tags=["eligibility"],
        request=EligibilityRequestSerializer,
        responses={200: DecisionSerializer, 400: ERRORS, 404: NOT_FOUND},
        examples=[EXAMPLE],
        summary="Check a profile against the pool's eligibility conditions",
        description="Eligible, ineligible or manual_review, with every rule checked and the clause it applies. "
        "Stores nothing.",
    )
    def post(self, request: Request, slug: str) -> Response:
        pool = get_pool_for_participant(request.user, slug)
        data: Any = request.data  # a JSON body may be a list or a scalar too: parse_profile says so
        try:
            on_date = parse_on_date(data.get("on_date")) if isinstance(data, Mapping) else None
            decision = eligibility_check(pool=pool, data=data, on_date=on_date)
        except ProfileError as exc:
            return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(decision.as_dict())
