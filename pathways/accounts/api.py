"""Who the API caller is."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.accounts.models import User
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields
from pathways.core.roles import ALL_ROLES


class MeSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "organisation"]


class MeView(APIView):
    access = roles_access(ALL_ROLES)

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
