"""Reports on screen and as files: the programme dashboard, each table with its chart, and
downloads of a table or the pack. Programme and team managers see exact figures (and may preview
the published ones); funders and evaluators only ever published figures, filtered by programme,
date and local authority alone, and no case page. And the programme's Household Support Budget
spending, for managers; the evaluators' pseudonymised extract."""

from __future__ import annotations

import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from pathways.accounts.stepup import needs_step_up
from pathways.budgets import selectors as budgets
from pathways.budgets.forms import spend_filter_for
from pathways.core.access import roles
from pathways.core.roles import MANAGERS, REPORT_READERS, Role
from pathways.households.selectors import advocates_managed_by
from pathways.privacy import services as privacy
from pathways.programmes.selectors import programmes_for
from pathways.reporting import dashboard as dashboards
from pathways.reporting import extract, extract_dictionary, formats, services
from pathways.reporting.charts import table_figure
from pathways.reporting.figures import TITLES, figures
from pathways.reporting.forms import ReportFilterForm
from pathways.reporting.forms_evaluation import ExtractForm
from pathways.reporting.scope import ReportError, Scope, Subgroup
from pathways.reporting.spending import spend_by_outcome
from pathways.reporting.tables import TABLES, build


def _filters(request: HttpRequest, *, subgroups: bool = False) -> tuple[ReportFilterForm, Any]:
    """The filter form and, when it is valid, the scope it asks for (None otherwise)."""
    user = request.user
    programmes = list(programmes_for(user))
    if not programmes:
        raise Http404("You do not work on a programme")
    exact = user.role in MANAGERS
    asked = request.GET.get("programme")
    if asked is not None and asked not in {p.code for p in programmes}:
        raise Http404("You may not see this programme's reports")
    data = request.GET if asked is not None else {"programme": programmes[0].code}
    form = ReportFilterForm(
        data,
        programmes=programmes,
        advocates=advocates_managed_by(user) if exact else [],
        exact=exact,
        subgroups=subgroups,
    )
    if not form.is_valid():
        return form, None
    found = form.cleaned_data
    programme = form.programmes[found["programme"]]
    area_code = found.get("local_authority")
    try:
        scope = services.scope_for_user(
            user,
            programme,
            date_to=found.get("date_to"),
            area=services.area_called(programme, area_code) if area_code else None,
            published=bool(found.get("published")),
            advocate=form.advocates.get(found.get("advocate") or ""),
            team=form.teams.get(found.get("team") or ""),
            neighbourhood=form.neighbourhoods.get(found.get("neighbourhood") or ""),
            subgroup=Subgroup(
                found.get("gender", ""), found.get("age_band", ""), found.get("support_need", "")
            ),
        )
    except ReportError as error:
        form.add_error(None, str(error))
        return form, None
    if scope is None:
        raise Http404("You may not see this programme's reports")
    return form, scope


def _downloads(request: HttpRequest, name: str, scope: Scope) -> list[dict[str, str]]:
    allowed = formats.PACK_FORMATS if name == "pack" else ("csv", "xlsx", "ods", "pdf", "json")
    query = request.GET.urlencode()
    return [
        {
            "format": form.upper(),
            "url": reverse("reporting:download", args=[name, form])
            + (f"?{query}" if query else ""),
            "file_name": formats.file_name(scope, name, form),
        }
        for form in allowed
    ]


@roles(*REPORT_READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, scope = _filters(request)
    context: dict[str, Any] = {"form": form, "scope": scope, "tables": TITLES.items()}
    if scope is not None:
        context["board"] = dashboards.dashboard(
            scope,
            trend_from=form.cleaned_data.get("date_from"),
            with_advocates=request.user.role in MANAGERS
            and scope.advocate is None
            and not scope.published,
        )
        context["pack_downloads"] = _downloads(request, "pack", scope)
        context["query"] = request.GET.urlencode()
    return render(request, "reporting/dashboard.html", context)


@roles(*REPORT_READERS)
def table(request: HttpRequest, name: str) -> HttpResponse:
    if name not in TABLES:
        raise Http404("No such report")
    form, scope = _filters(request, subgroups=name == "distance-travelled")
    context: dict[str, Any] = {"form": form, "scope": scope, "name": name}
    if scope is not None:
        built = build(name, scope)
        shown = figures(built, scope.published)
        context.update(
            table=built,
            rows=[
                {"label": row["label"], "cells": [formats.text(row, c) for c in built.columns]}
                for row in shown["rows"]
            ],
            base=shown["base"],
            chart=table_figure(built, shown),
            status=formats.status_line(formats.Shown(built, shown)),
            downloads=_downloads(request, name, scope),
            query=request.GET.urlencode(),
        )
    return render(request, "reporting/table.html", context)


@roles(*REPORT_READERS)
def download(request: HttpRequest, name: str, form: str) -> HttpResponse:
    try:
        services.check_name(name)
        services.check_format(name, form)
    except ReportError as error:
        raise Http404(str(error)) from None
    filters, scope = _filters(request, subgroups=name == "distance-travelled")
    if scope is None:
        return render(
            request,
            "reporting/table.html",
            {"form": filters, "scope": None, "name": name},
            status=400,
        )
    content = formats.render(scope, name, form)
    services.record_download(request.user, scope, name, form, via="web")
    response = HttpResponse(content, content_type=formats.MEDIA_TYPES[form])
    response["Content-Disposition"] = (
        f'attachment; filename="{formats.file_name(scope, name, form)}"'
    )
    return response


@roles(*REPORT_READERS)
def trend_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's monthly trend as CSV (published for funders and evaluators)."""
    filters, scope = _filters(request)
    if scope is None:
        return render(request, "reporting/dashboard.html", {"form": filters}, status=400)
    trend = dashboards.monthly_trend(
        scope, dashboards.trend_start(scope, filters.cleaned_data.get("date_from"))
    )
    content = dashboards.trend_as_csv(trend, published=scope.published)
    services.record_download(request.user, scope, "trend", "csv", via="web")
    response = HttpResponse(content, content_type=formats.MEDIA_TYPES["csv"])
    response["Content-Disposition"] = (
        f'attachment; filename="{formats.file_name(scope, "trend", "csv")}"'
    )
    return response


@roles(*MANAGERS)
def spending(request: HttpRequest) -> HttpResponse:
    """Spend across the programme by category, local authority and month; per household by
    outcome; with the ledger to download for the same filter (budgets' downloads)."""
    form, spend_filter = spend_filter_for(request)
    context: dict[str, Any] = {"form": form}
    if spend_filter is not None:
        entries = budgets.entries_visible_to(request.user, spend_filter)
        context.update(
            totals=budgets.spend_totals(entries),
            by_category=budgets.spend_by_category(entries),
            by_local_authority=budgets.spend_by_local_authority(entries),
            by_month=budgets.spend_by_month(entries),
            by_outcome=spend_by_outcome(entries),
            query=request.GET.urlencode(),
        )
    return render(request, "budgets/spending.html", context)


@require_http_methods(["GET", "POST"])
@roles(Role.EVALUATOR, Role.PROGRAMME_MANAGER)
@needs_step_up
def evaluation_extract(request: HttpRequest) -> HttpResponse:
    """The pseudonymised extract of one of the user's programmes for a project (posted;
    audited); or, to check first, what its k-anonymity guard would coarsen."""
    programmes = list(request.user.programmes.order_by("name"))
    form = ExtractForm(request.POST or None, programmes=programmes)
    made = None
    if request.method == "POST" and form.is_valid():
        programme, project = form.cleaned_data["programme"], form.cleaned_data["project"]
        buffer = io.BytesIO()
        made = extract.write_extract(programme, buffer, project=project)
        if request.POST.get("action") != "check":
            privacy.record_extract(actor=request.user, programme=programme, made=made)
            response = HttpResponse(buffer.getvalue(), content_type="application/zip")
            name = f"evaluation-{programme.code}-{project}-{timezone.localdate():%Y-%m-%d}.zip"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(
        request,
        "reporting/evaluation.html",
        {
            "form": form,
            "files": extract_dictionary.FILES,
            "made": made,
            "k_default": extract.DEFAULT_K,
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
