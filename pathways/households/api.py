"""Households over the API: the same scoped selectors as the pages."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from pathways.core.access import CASEWORK_ROLES, roles_access
from pathways.households import selectors, services
from pathways.households.models import Household, Person


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "given_name", "family_name", "date_of_birth", "role"]


class HouseholdSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    advocate = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "reference",
            "programme",
            "local_authority",
            "advocate",
            "referral_date",
            "start_date",
            "end_date",
        ]


class HouseholdDetailSerializer(HouseholdSerializer):
    members = PersonSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Households the caller may see. Opening one is audited as a view of its people."""

    access = roles_access(CASEWORK_ROLES)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        households = selectors.household_list(self.request.user)
        if self.action == "retrieve":
            households = households.prefetch_related("members")
        return households

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    def retrieve(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().retrieve(request, *args, **kwargs)
        services.record_household_viewed(actor=request.user, household=self.get_object())
        return response
