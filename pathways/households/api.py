"""Households and people over the API (referrals are in referral_api): the same scoped
selectors, the same rules and the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields, if_match, refused
from pathways.core.exceptions import RuleError
from pathways.core.roles import CASEWORK_ROLES, Role
from pathways.households import (
    consent,
    eligibility,
    enrolment,
    read_audit,
    records,
    rules,
    selectors,
    writing,
)
from pathways.households.codes import (
    AgeBand,
    Benefit,
    DebtBand,
    Ethnicity,
    ExitReason,
    Gender,
    IncomeBand,
    MemberRole,
    Qualification,
    ReferralSource,
    SupportNeed,
    Tenure,
    TimeSinceWork,
    WorkStatus,
)
from pathways.households.models import Eligibility, Household, Person


def with_etag(response: Response, record: Household | Person) -> Response:
    response["ETag"] = f'"{record.version}"'
    return response


def _today() -> Any:
    return timezone.localdate()


class PersonSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    """A person, with every field of people.csv. Codes are the exchange format's."""

    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    role = serializers.ChoiceField(choices=MemberRole.choices)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, allow_blank=True)
    work_status = serializers.ChoiceField(
        choices=WorkStatus.choices, required=False, allow_blank=True
    )
    time_since_work = serializers.ChoiceField(
        choices=TimeSinceWork.choices, required=False, allow_blank=True
    )
    qualification = serializers.ChoiceField(
        choices=Qualification.choices, required=False, allow_blank=True
    )
    benefits = serializers.ListField(
        child=serializers.ChoiceField(choices=Benefit.choices), required=False
    )
    support_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportNeed.choices), required=False
    )
    consent_date = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "reference",
            "household",
            *writing.PERSON_FIELDS,
            "consent_date",
            "version",
        ]
        read_only_fields = ["id", "reference", "consent_date", "version"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["household"].queryset = selectors.households_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["household"].read_only = True

    def get_consent_date(self, person: Person) -> str | None:
        consents = list(person.consents.all())
        return consents[0].given_on.isoformat() if consents else None

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        proposed = (
            {name: getattr(self.instance, name) for name in writing.PERSON_FIELDS}
            if self.instance
            else {}
        )
        proposed.update(data)
        problems = rules.check_person(proposed, today=_today())
        if problems:
            raise ValidationError({k: [v] for k, v in problems.items()})
        return data


class MemberSerializer(PersonSerializer):
    """A person inside a referral (no household yet)."""

    household = None
    consent_date = None

    class Meta(PersonSerializer.Meta):
        fields = [
            f
            for f in PersonSerializer.Meta.fields
            if f not in ("id", "reference", "household", "consent_date")
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(PersonSerializer, self).__init__(*args, **kwargs)


class HouseholdSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    local_authority = serializers.SlugRelatedField(
        slug_field="code", queryset=LocalAuthority.objects.all()
    )
    advocate = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tenure = serializers.ChoiceField(choices=Tenure.choices, required=False, allow_blank=True)
    income_band = serializers.ChoiceField(
        choices=IncomeBand.choices, required=False, allow_blank=True
    )
    debt_band = serializers.ChoiceField(choices=DebtBand.choices, required=False, allow_blank=True)
    # Empty until known: the schema says so.
    referral_source = serializers.ChoiceField(
        choices=ReferralSource.choices, allow_blank=True, read_only=True
    )
    eligibility_override = serializers.ChoiceField(
        choices=[(Eligibility.ELIGIBLE, "Eligible"), (Eligibility.NOT_ELIGIBLE, "Not eligible")],
        allow_blank=True,
        read_only=True,
    )
    exit_reason = serializers.ChoiceField(
        choices=ExitReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "reference",
            "programme",
            "status",
            "local_authority",
            "advocate",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "lsoa",
            "referral_source",
            "referral_date",
            "eligibility",
            "eligibility_override",
            "start_date",
            "support_end_date",
            "end_date",
            "exit_reason",
            "income_band",
            "debt_band",
            "tenure",
            "landlord",
            "version",
        ]
        read_only_fields = [
            "id",
            "version",
            "reference",
            "status",
            "referral_source",
            "referral_date",
            "eligibility",
            "eligibility_override",
            "start_date",
            "support_end_date",
            "end_date",
            "exit_reason",
        ]


class HouseholdDetailSerializer(HouseholdSerializer):
    members = PersonSerializer(many=True, read_only=True)
    eligibility_reasons = serializers.JSONField(read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "eligibility_reasons", "members"]


class StartSerializer(RefusesUnknownFields, serializers.Serializer):
    start_date = serializers.DateField()
    advocate = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(role=Role.ADVOCATE, is_active=True)
    )


class ConsentSerializer(RefusesUnknownFields, serializers.Serializer):
    given_on = serializers.DateField()


class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Households the caller may see. Opening one is audited as a view of its people.

    Create a household by posting a referral to /api/referrals/.
    """

    access = roles_access(CASEWORK_ROLES)
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        households = selectors.household_list(self.request.user)
        if self.action != "list":
            households = households.prefetch_related("members__consents")
        return households

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action == "start":
            return StartSerializer
        return HouseholdDetailSerializer if self.action != "list" else HouseholdSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        household = self.get_object()
        read_audit.record_household_viewed(actor=request.user, household=household)
        return with_etag(response, household)

    def perform_update(self, serializer: Any) -> None:
        try:
            records.update_household(
                actor=self.request.user,
                household=serializer.instance,
                changes=serializer.validated_data,
                version=if_match(self.request),
            )
        except RuleError as error:
            raise refused(error) from None

    @extend_schema(request=None, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"])
    def eligibility(self, request: Request, pk: str | None = None) -> Response:
        """Evaluate the programme's eligibility rule now; the answer comes with its reasons."""
        household = self.get_object()
        eligibility.check_eligibility(actor=request.user, household=household)
        return Response(
            HouseholdDetailSerializer(self.get_object(), context={"request": request}).data
        )

    @extend_schema(
        request=StartSerializer,
        responses={
            200: HouseholdDetailSerializer,
            204: OpenApiResponse(description="Started, on a caseload the caller cannot see"),
        },
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Start the household on the programme (consent must be recorded for every adult)."""
        household = self.get_object()
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        advocate = serializer.validated_data["advocate"]
        if request.user.role == Role.ADVOCATE and advocate != request.user:
            raise ValidationError(
                {"advocate": ["An advocate can start a household only on their own caseload"]}
            )
        try:
            enrolment.enrol(actor=request.user, household=household, **serializer.validated_data)
        except RuleError as error:
            raise refused(error) from None
        household = selectors.households_visible_to(request.user).filter(pk=household.pk).first()
        if household is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(HouseholdDetailSerializer(household, context={"request": request}).data)


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People in the households the caller may see. Posting a person adds them to a household."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = PersonSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.people_visible_to(self.request.user)
            .select_related("household")
            .prefetch_related("consents")
            .order_by("id")
        )

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return ConsentSerializer if self.action == "consent" else PersonSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        person = self.get_object()
        read_audit.record_household_viewed(actor=request.user, household=person.household)
        return with_etag(response, person)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        household = data.pop("household")
        try:
            serializer.instance = records.add_member(
                actor=self.request.user, household=household, member=data
            )
        except RuleError as error:
            raise refused(error) from None

    def perform_update(self, serializer: Any) -> None:
        try:
            records.update_member(
                actor=self.request.user,
                person=serializer.instance,
                changes=serializer.validated_data,
                version=if_match(self.request),
            )
        except RuleError as error:
            raise refused(error) from None

    @extend_schema(request=ConsentSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def consent(self, request: Request, pk: str | None = None) -> Response:
        """Record the person's consent to the programme's current privacy notice."""
        person = self.get_object()
        serializer = ConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            consent.record_consent(actor=request.user, person=person, **serializer.validated_data)
        except RuleError as error:
            raise refused(error) from None
        return Response(
            PersonSerializer(
                self.get_queryset().get(pk=person.pk), context={"request": request}
            ).data
        )
