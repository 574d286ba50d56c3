"""The API's schema and docs, open to any signed-in user with a role."""

from __future__ import annotations

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pathways.core.access import ALL_ROLES, roles_access


class SchemaView(SpectacularAPIView):
    access = roles_access(ALL_ROLES)


# Swagger UI sets inline styles; its script is served as a separate file (the split view),
# so only styles need relaxing, and only on this page.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    access = roles_access(ALL_ROLES)
