"""Programmes over the API (read-only; settings change through the settings page)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from pathways.accounts.models import Role
from pathways.core.access import roles_access
from pathways.programmes.models import Programme
from pathways.programmes.selectors import programmes_for


class ProgrammeSerializer(serializers.ModelSerializer):
    local_authorities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "code",
            "name",
            "description",
            "funder",
            "start_date",
            "end_date",
            "support_months",
            "budget_per_household",
            "instrument",
            "local_authorities",
            "lsoas",
            "eligibility",
            "measures",
            "targets",
            "outcome_payments",
            "disclosure",
            "version",
        ]


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    access = roles_access(set(Role.values) - {Role.ADMINISTRATOR})
    serializer_class = ProgrammeSerializer
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return programmes_for(self.request.user)
