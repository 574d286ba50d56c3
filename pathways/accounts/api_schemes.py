"""Tell drf-spectacular how the API authenticates: a cookie session, as DRF's is, or a token
in the Authorization header (`Token …`), as DRF's and knox's are."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class VerifiedSessionScheme(SessionScheme):
    target_class = "pathways.accounts.api_auth.VerifiedSessionAuthentication"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pathways.accounts.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        prefix = "Token"  # the word before the token in the header, not a secret
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=prefix)
