"""Referrals over the API: posting one refers a new household exactly as the referral page
does, people already known refused unless the caller confirms they are new."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.areas.models import LocalAuthority
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields, refused
from pathways.core.exceptions import RuleError
from pathways.core.postcodes import clean_postcode
from pathways.core.roles import CASEWORK_ROLES, Role
from pathways.households import (
    referrals,
    rules,
    selectors,
    writing,
)
from pathways.households.api import MemberSerializer
from pathways.households.codes import (
    ReferralSource,
)
from pathways.households.duplicates import find_duplicates
from pathways.households.models import Referral
from pathways.programmes.models import Programme
from pathways.programmes.selectors import programmes_for


class ReferralSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    """A referral. Posting one creates the household and its people, checks eligibility and
    routes it, exactly as the referral page does (duplicates are refused unless
    `confirm_new` says the people are not those already known)."""

    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), write_only=True
    )
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    household = serializers.PrimaryKeyRelatedField(read_only=True)
    address_line_1 = serializers.CharField(max_length=200, write_only=True)
    address_line_2 = serializers.CharField(
        max_length=200, write_only=True, required=False, allow_blank=True
    )
    town = serializers.CharField(max_length=100, write_only=True, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, write_only=True)
    local_authority = serializers.SlugRelatedField(
        slug_field="code", queryset=LocalAuthority.objects.all(), write_only=True
    )
    lsoa = serializers.CharField(max_length=9, write_only=True, required=False, allow_blank=True)
    members = MemberSerializer(many=True, write_only=True)
    confirm_new = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "programme",
            "source",
            "date",
            "referring_organisation",
            "referrer_name",
            "referrer_contact",
            "notes",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "local_authority",
            "lsoa",
            "members",
            "confirm_new",
        ]
        read_only_fields = ["id", "household"]

    def validate_programme(self, programme: Programme) -> Programme:
        user = self.context["request"].user
        allowed = (
            user.programmes.all() if user.role == Role.PROGRAMME_MANAGER else programmes_for(user)
        )
        if not allowed.filter(pk=programme.pk).exists():
            raise ValidationError("You do not work on this programme")
        return programme

    def validate_postcode(self, value: str) -> str:
        try:
            return clean_postcode(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_date(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise ValidationError("The date the referral was received must be today or in the past")
        return value

    def validate_members(self, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
        problem = rules.check_household_members(members)
        if problem:
            raise ValidationError(problem)
        return members


class ReferralViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals of the households the caller may see; post one to refer a new household."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = ReferralSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Referral.objects.filter(
            household__in=selectors.households_visible_to(self.request.user)
        ).order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = [dict(m) for m in data.pop("members")]
        duplicates = find_duplicates(
            request.user,
            programme=data["programme"],
            members=members,
            postcode=data["postcode"],
            address_line_1=data["address_line_1"],
        )
        if duplicates.found and not data.get("confirm_new"):
            return Response(
                {
                    "duplicates": [
                        {
                            "entered": d.entered,
                            "person": d.person.pk,
                            "household": d.household.pk,
                            "why": d.why,
                        }
                        for d in duplicates.people
                    ],
                    "households_at_address": [h.pk for h in duplicates.households],
                    "hidden_matches": duplicates.hidden,
                    "detail": "Some of these people may already be known. Link the referral to their "
                    "household, or post again with confirm_new true if they are different people.",
                },
                status=status.HTTP_409_CONFLICT,
            )
        with transaction.atomic():
            try:
                household = referrals.record_referral(
                    actor=request.user,
                    programme=data["programme"],
                    referral={k: data.get(k, "") for k in referrals.REFERRAL_FIELDS},
                    household={k: data.get(k, "") for k in writing.ADDRESS_FIELDS},
                    members=members,
                )
            except RuleError as error:
                raise refused(error) from None
        referral = household.referrals.get()
        body = ReferralSerializer(referral, context={"request": request}).data
        body["reference"] = household.reference
        body["eligibility"] = household.eligibility
        body["eligibility_reasons"] = household.eligibility_reasons
        return Response(body, status=status.HTTP_201_CREATED)
