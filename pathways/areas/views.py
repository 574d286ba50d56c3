"""Neighbourhood intelligence on screen, from the open deprivation data: hotspots with their
map and CSV, and the neighbourhoods saved. The pages that count case records or act for a
programme (an area's profile, need against reach, saving a neighbourhood) are
`reporting.area_views`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from pathways.areas import hotspots, maps
from pathways.areas.forms import HotspotForm
from pathways.areas.hotspots import AreaError, find_area, find_indicator
from pathways.areas.models import Neighbourhood
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.access import roles
from pathways.core.roles import MANAGERS, REPORT_READERS

DEFAULT_INDICATOR = "employment_rank"


def profile_url(code: str) -> str:
    return reverse("area_reports:profile", args=[code])


def csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _hotspot_form(request: HttpRequest) -> HotspotForm:
    data = request.GET.copy()
    form = HotspotForm(data or None)
    if not data:
        form = HotspotForm({"area": form.first_area(), "indicator": DEFAULT_INDICATOR, "top": "10"})
    return form


def _ranking(form: HotspotForm) -> hotspots.Ranking | None:
    if not form.is_valid():
        return None
    found = form.cleaned_data
    try:
        return hotspots.rank_lsoas(
            find_area(found["area"]),
            find_indicator(found["indicator"]),
            top=found.get("top") or 10,
            at_least=found.get("at_least"),
            at_most=found.get("at_most"),
            most_deprived_percent=form.percent,
        )
    except AreaError as error:
        form.add_error(None, str(error))
        return None


@roles(*REPORT_READERS)
def explore(request: HttpRequest) -> HttpResponse:
    """Hotspots: an area's LSOAs ranked by an indicator, with the map of the whole area."""
    form = _hotspot_form(request)
    ranking = _ranking(form)
    context: dict[str, Any] = {
        "form": form,
        "ranking": ranking,
        "query": request.GET.urlencode(),
        "may_make": request.user.role in MANAGERS,
    }
    if ranking is not None:
        context["map"] = maps.indicator_map(ranking.area, ranking.indicator, href=profile_url)
    return render(request, "areas/explore.html", context)


@roles(*REPORT_READERS)
def hotspots_csv(request: HttpRequest) -> HttpResponse:
    form = _hotspot_form(request)
    ranking = _ranking(form)
    if ranking is None:
        return render(request, "areas/explore.html", {"form": form}, status=400)
    audit.record(
        actor=request.user,
        verb=Verb.AREAS_HOTSPOTS_DOWNLOADED,
        data={"area": ranking.area.code, "indicator": ranking.indicator.code},
        target_label=f"Hotspots of {ranking.area}",
    )
    return csv_response(
        hotspots.as_csv(ranking), f"hotspots-{ranking.area.code}-{ranking.indicator.code}.csv"
    )


@roles(*REPORT_READERS)
def neighbourhoods(request: HttpRequest) -> HttpResponse:
    found = Neighbourhood.objects.select_related("programme").order_by("name")
    return render(
        request,
        "areas/neighbourhoods.html",
        {
            "neighbourhoods": [(hood, hood.lsoas.count()) for hood in found],
            "may_make": request.user.role in MANAGERS,
        },
    )
