"""Searching the audit log (read-only: nothing in the app changes it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pathways.audit import selectors
from pathways.audit.forms import AuditSearchForm
from pathways.core.access import roles
from pathways.core.pagination import paginate
from pathways.core.roles import Role


@require_GET
@roles(Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR)
def search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.search_events(request.user, **filters)
    query = request.GET.copy()
    query.pop("page", None)
    page = paginate(request, events, per_page=50)
    context = {
        "form": form,
        "page": page,
        "events": page.object_list,
        "query_prefix": (query.urlencode() + "&") if query else "",
    }
    return render(request, "audit/search.html", context)
