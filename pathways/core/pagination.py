"""Lists paginate: one helper so every list pages the same way."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.pagination import PageNumberPagination

from pathways.core import reads

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The page the request asks for (?page=N); a bad number gives the nearest real page.
    The records on it are noted for the read audit."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    reads.note(page.object_list)
    return page


class ApiPages(PageNumberPagination):
    """The API's pages (?page=N), noted for the read audit like the pages'."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        page = super().paginate_queryset(queryset, request, view)
        reads.note(page or [])
        return page
