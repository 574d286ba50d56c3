"""The API's schema and docs, open to any signed-in user with a role."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pathways.core.access import ALL_ROLES, roles_access


class SchemaView(SpectacularAPIView):
    access = roles_access(ALL_ROLES)
    permission_classes = SpectacularAPIView.permission_classes


class DocsView(SpectacularSwaggerView):
    access = roles_access(ALL_ROLES)
