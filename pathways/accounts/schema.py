"""Tell drf-spectacular that our session authentication is a cookie session, as DRF's is."""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "pathways.accounts.api_auth.VerifiedSessionAuthentication"
