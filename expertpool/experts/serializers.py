"""The expert API's shapes. Field names are the registry's and are reused by the
profile JSON export, so a name changed here changes both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from expertpool.core.masking import mask_id_number, mask_phone
from expertpool.core.validators import validate_email, validate_phone, validate_uscc
from expertpool.experts.models import (
    DEGREE_CHOICES,
    DISTINCTION_CHOICES,
    TITLE_LEVEL_CHOICES,
    Achievement,
    Credential,
    CredentialKind,
    Education,
    EmploymentStatus,
    Gender,
    Membership,
    MembershipStatus,
    WorkHistory,
)
from expertpool.experts.records import AchievementRow, CredentialRow, EducationRow, ExpertRecord, WorkRow
from expertpool.organisations.models import Nature


def _django_rule(func: Any, value: str) -> str:
    """Run a core validator and report its message the DRF way, under the field."""
    try:
        result: str = func(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc
    return result


class EmployerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True, allow_null=True, default="")
    nature = serializers.ChoiceField(choices=Nature.choices, required=False, allow_blank=True, default="")

    def validate_uscc(self, value: str | None) -> str:
        return _django_rule(validate_uscc, value) if value else ""


class EducationSerializer(serializers.ModelSerializer[Education]):
    class Meta:
        model = Education
        fields = ["institution", "major", "education_level", "degree", "is_postdoc", "start_month", "end_month"]


class WorkHistorySerializer(serializers.ModelSerializer[WorkHistory]):
    class Meta:
        model = WorkHistory
        fields = ["employer_name", "position", "start_month", "end_month"]


class CredentialSerializer(serializers.ModelSerializer[Credential]):
    class Meta:
        model = Credential
        fields = ["kind", "name", "level", "certificate_number", "obtained_on", "issuer"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("kind") == CredentialKind.TITLE and not attrs.get("level"):
            raise serializers.ValidationError({"level": [_("A professional title needs its title level.")]})
        return attrs


class AchievementSerializer(serializers.ModelSerializer[Achievement]):
    class Meta:
        model = Achievement
        fields = ["kind", "title", "year", "description"]


class PersonalDataField(serializers.CharField):
    """An ID number or phone, in full only when the serializer's context allows it."""

    def __init__(self, *, mask: Callable[[str], str], **kwargs: Any) -> None:
        self.mask = mask
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        text = str(value)
        return text if self.context.get("personal_data") else self.mask(text)


class CodeListField(serializers.ListField):
    """Codes of a prefetched to-many relation, read without extra queries."""

    def __init__(self, *, attribute: str, **kwargs: Any) -> None:
        self.attribute = attribute
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)

    def to_representation(self, data: Any) -> list[str]:
        return [getattr(item, self.attribute) for item in data.all()]


class ExpertSummarySerializer(serializers.Serializer[Membership]):
    """One member as the registry list shows them (from ``membership_list``)."""

    id = serializers.IntegerField(source="expert_id", read_only=True)
    name = serializers.CharField(source="expert.name", read_only=True)
    gender = serializers.ChoiceField(source="expert.gender", choices=Gender.choices, read_only=True)
    birth_date = serializers.DateField(source="expert.birth_date", read_only=True)
    id_number = PersonalDataField(source="expert.id_number", mask=mask_id_number)
    mobile = PersonalDataField(source="expert.mobile", mask=mask_phone)
    email = serializers.EmailField(source="expert.email", read_only=True)
    employer = EmployerSerializer(source="expert.employer", read_only=True, allow_null=True)
    position = serializers.CharField(source="expert.position", read_only=True)
    employment_status = serializers.ChoiceField(
        source="expert.employment_status", choices=EmploymentStatus.choices, read_only=True
    )
    title_level = serializers.ChoiceField(source="expert.title_level", choices=TITLE_LEVEL_CHOICES, read_only=True)
    qualifications = serializers.SerializerMethodField()
    distinctions = CodeListField(source="expert.distinctions", attribute="kind")
    categories = CodeListField(attribute="code")
    industry_codes = CodeListField(attribute="code")
    status = serializers.ChoiceField(choices=MembershipStatus.choices, read_only=True)
    admitted_on = serializers.DateField(read_only=True)
    term_ends_on = serializers.DateField(read_only=True, allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_qualifications(self, membership: Membership) -> list[str]:
        return [c.name for c in membership.expert.credentials.all() if c.kind == CredentialKind.QUALIFICATION]


class ExpertSerializer(ExpertSummarySerializer):
    """One member in full: every field of the registry."""

    ethnicity = serializers.CharField(source="expert.ethnicity", read_only=True)
    address = serializers.CharField(source="expert.address", read_only=True)
    current_specialty = serializers.CharField(source="expert.current_specialty", read_only=True)
    field_years = serializers.IntegerField(source="expert.field_years", read_only=True)
    degree = serializers.ChoiceField(source="expert.degree", choices=DEGREE_CHOICES, read_only=True)
    postdoc = serializers.BooleanField(source="expert.postdoc", read_only=True)
    credentials = CredentialSerializer(source="expert.credentials", many=True, read_only=True)
    education = EducationSerializer(source="expert.education", many=True, read_only=True)
    work_history = WorkHistorySerializer(source="expert.work_history", many=True, read_only=True)
    achievements = AchievementSerializer(source="expert.achievements", many=True, read_only=True)


class ExpertRegisterSerializer(serializers.Serializer[Any]):
    """What registering an expert takes. Title level, degree, postdoc and qualifications
    are derived from the credentials and education rows, so they are not accepted here."""

    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Gender.choices)
    birth_date = serializers.DateField()
    ethnicity = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    # Checked by the registry's own rules (check digit, birth date, duplicates) in the service.
    id_number = serializers.CharField(max_length=30)
    mobile = serializers.CharField(max_length=30)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    employer = EmployerSerializer(required=False, allow_null=True, default=None)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    employment_status = serializers.ChoiceField(
        choices=EmploymentStatus.choices, required=False, default=EmploymentStatus.IN_SERVICE
    )
    current_specialty = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    field_years = serializers.IntegerField(min_value=0, max_value=80, required=False, default=0)
    credentials = CredentialSerializer(many=True, required=False, default=list)
    education = EducationSerializer(many=True, required=False, default=list)
    work_history = WorkHistorySerializer(many=True, required=False, default=list)
    distinctions = serializers.ListField(
        child=serializers.ChoiceField(choices=DISTINCTION_CHOICES), required=False, default=list
    )
    achievements = AchievementSerializer(many=True, required=False, default=list)
    categories = serializers.ListField(child=serializers.CharField(max_length=50), allow_empty=True)
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=4), required=False, default=list)

    def to_record(self) -> ExpertRecord:
        data = dict(self.validated_data)
        employer = data.pop("employer") or {"name": "", "uscc": "", "nature": ""}
        scalars = {key: value for key, value in data.items() if key not in _ROW_FIELDS}
        return ExpertRecord(
            **scalars,
            employer_name=employer["name"],
            employer_uscc=employer["uscc"] or "",
            employer_nature=employer["nature"],
            education=tuple(EducationRow(**row) for row in data["education"]),
            work_history=tuple(WorkRow(**row) for row in data["work_history"]),
            credentials=tuple(CredentialRow(**row) for row in data["credentials"]),
            achievements=tuple(AchievementRow(**row) for row in data["achievements"]),
            distinctions=tuple(data["distinctions"]),
            categories=tuple(data["categories"]),
            industry_codes=tuple(data["industry_codes"]),
        )


_ROW_FIELDS = frozenset(
    {"education", "work_history", "credentials", "achievements", "distinctions", "categories", "industry_codes"}
)


class ContactEmployerSerializer(EmployerSerializer):
    # The nature of a known unit is the registry's to keep, not the expert's to change.
    nature = None  # type: ignore[assignment]


class ExpertContactSerializer(serializers.Serializer[Any]):
    """A change of employer or contact data (GZ 三（七）); absent fields stay as they are.
    ``employer: null`` records that the expert no longer has one."""

    mobile = serializers.CharField(max_length=30, required=False)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    employer = ContactEmployerSerializer(required=False, allow_null=True)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate_mobile(self, value: str) -> str:
        return _django_rule(validate_phone, value)

    def validate_email(self, value: str) -> str:
        return _django_rule(validate_email, value) if value else ""

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``expert_update_contact``."""
        data = dict(self.validated_data)
        arguments = {key: data[key] for key in ("mobile", "email", "address", "position") if key in data}
        if "employer" in data:
            employer = data["employer"] or {"name": "", "uscc": ""}
            arguments["employer_name"] = employer["name"]
            arguments["employer_uscc"] = employer["uscc"] or ""
        return arguments


class MembershipFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of the registry list."""

    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", help_text=_lazy("Part of a name or employer.")
    )
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=50, default="", help_text=_lazy("A category code of the pool.")
    )
    industry_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4,
        default="",
        help_text=_lazy("An industry code or its prefix (32 matches 3211)."),
    )
    status = serializers.ChoiceField(choices=MembershipStatus.choices, required=False, allow_blank=True, default="")
