"""The API's schema and docs, open to any signed-in user with a role."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request

from pathways.core.access import roles_access
from pathways.core.exceptions import EDIT_CONFLICT, RuleError
from pathways.core.roles import ALL_ROLES


class SchemaView(SpectacularAPIView):
    access = roles_access(ALL_ROLES)


# Swagger UI sets inline styles; its script is served as a separate file (the split view),
# so only styles need relaxing, and only on this page.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    access = roles_access(ALL_ROLES)


class RefusesUnknownFields:
    """A serializer mixin: input naming a field the caller may not write (read-only, such as an
    owner, a status or a reference) or a field that does not exist is refused with a 400 naming
    it, instead of being silently dropped, so a client never believes a change was made."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            problems = {
                key: [
                    "This field cannot be changed here"
                    if key in fields
                    else "There is no such field"
                ]
                for key in data
                if key not in fields or fields[key].read_only
            }
            if problems:
                raise ValidationError(problems)
        return super().to_internal_value(data)  # type: ignore[misc]


class EditConflict(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = EDIT_CONFLICT
    default_code = "edit_conflict"


def refused(error: RuleError) -> APIException:
    """A service's refusal as a 400 naming each field (412 for an edit conflict)."""
    if "version" in error.problems:
        return EditConflict(error.problems["version"])
    return ValidationError({key: [message] for key, message in error.problems.items()})


def if_match(request: Request) -> int | None:
    """The version a client's `If-Match: "N"` says it last read (the ETag it was given)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    found = re.fullmatch(r'(?:W/)?"(\d+)"', header)
    if found is None:
        raise ValidationError({"If-Match": ['Send the ETag you were given, like "3"']})
    return int(found.group(1))
