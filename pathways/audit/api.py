"""The audit log over the API: read-only by construction (no write methods exist)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from pathways.audit.models import AuditEvent
from pathways.audit.selectors import events_visible_to
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields
from pathways.core.roles import Role


class AuditEventSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_label",
            "verb",
            "target_type",
            "target_id",
            "target_label",
            "programme",
            "data",
            "ip_address",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    access = roles_access([Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR])
    serializer_class = AuditEventSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return events_visible_to(self.request.user).order_by("-at", "-id")
