"""`GET /api/reports/NAME/?programme=CODE[&to=DATE][&area=ONS_CODE][&publish=true]`: a report
table as the command line's `--format json` gives it (reports.md), for the same readers as the
pages; funders and evaluators get published figures whatever they ask."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.core.access import roles_access
from pathways.core.roles import REPORT_READERS
from pathways.programmes.selectors import programmes_for
from pathways.reporting import formats, services
from pathways.reporting.scope import ReportError
from pathways.reporting.tables import TABLES, build


class ReportView(APIView):
    access = roles_access(REPORT_READERS)

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", str, required=True, description="The programme's code"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Report date (today)"),
            OpenApiParameter("area", str, description="A local authority's ONS code"),
            OpenApiParameter("publish", bool, description="Apply disclosure control"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, name: str) -> Response:
        if name not in TABLES:
            raise NotFound(f"There is no report {name!r}. Reports: {', '.join(TABLES)}")
        code = request.query_params.get("programme", "")
        programme = programmes_for(request.user).filter(code=code).first()
        if programme is None:
            raise NotFound(
                "You may not see this programme's reports, or there is no such programme"
            )
        try:
            scope = services.scope_for_user(
                request.user,
                programme,
                date_to=services.parse_date(request.query_params.get("to"), "to"),
                area=services.area_called(programme, request.query_params.get("area")),
                published=request.query_params.get("publish", "").lower() in ("1", "true", "yes"),
            )
        except ReportError as error:
            raise ValidationError({"detail": str(error)}) from None
        if scope is None:
            raise NotFound("You may not see this programme's reports")
        found = formats.as_json(formats.show(build(name, scope)))
        services.record_download(request.user, scope, name, "json", via="api")
        return Response(found)
