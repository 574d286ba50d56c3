"""The start page for each role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pathways.core.access import any_role
from pathways.site import selectors


@any_role
def start(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own start page."""
    context = selectors.start_page_context(request.user)
    return render(request, f"site/start_{request.user.role}.html", context)
