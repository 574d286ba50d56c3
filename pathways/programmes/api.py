"""Programmes over the API (read-only; settings change through the settings page)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields
from pathways.core.roles import Role
from pathways.programmes.definition import DEFINITION_FIELDS
from pathways.programmes.models import Programme
from pathways.programmes.selectors import programmes_for


class ProgrammeSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    local_authorities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    # Money as a string of pounds and pence ("1000.00"), never a float.
    budget_per_household = serializers.DecimalField(
        max_digits=9, decimal_places=2, read_only=True, coerce_to_string=True
    )

    class Meta:
        model = Programme
        fields = [*DEFINITION_FIELDS, "version"]


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    access = roles_access(set(Role.values) - {Role.ADMINISTRATOR})
    serializer_class = ProgrammeSerializer
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return programmes_for(self.request.user)
