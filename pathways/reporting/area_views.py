"""Area pages that count case records or act for a programme: an area's profile with each
programme's figures, need against reach, and a neighbourhood saved as a programme's area.
The deprivation data is open data; anything counted from case records comes through the
reports' permission-scoped path (published figures only for funders and evaluators). The
open-data pages (hotspots, neighbourhoods) are `areas.views`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pathways.areas import hotspots, maps
from pathways.areas.forms import HotspotForm, NeighbourhoodForm
from pathways.areas.hotspots import AreaError, find_area
from pathways.areas.models import Indicator, IndicatorValue, Lsoa
from pathways.areas.services import NeighbourhoodError, save_neighbourhood
from pathways.areas.views import csv_response, profile_url
from pathways.core.access import roles
from pathways.core.roles import MANAGERS, REPORT_READERS
from pathways.programmes.areas import save_programme_area
from pathways.programmes.selectors import managed_programmes, programmes_for
from pathways.reporting import reach as reaching
from pathways.reporting import services as reports

PROFILE_INDICATORS = [
    "imd",
    "income",
    "employment",
    "education",
    "health",
    "crime",
    "barriers",
    "living_environment",
    "idaci",
    "idaopi",
]


def _percent(share: Decimal | None) -> Decimal | None:
    return None if share is None else (share * 100).quantize(Decimal("0.1"))


def _domain_rows(area: hotspots.Area) -> list[dict[str, Any]]:
    """An LSOA: its rank and decile in each domain. A bigger area: each domain's share of its
    LSOAs in the most deprived 10% nationally, and its most deprived LSOA's rank."""
    names = dict(Indicator.objects.values_list("code", "name"))
    values = IndicatorValue.objects.filter(lsoa__in=area.lsoas.values("pk"))
    rows = []
    for domain in PROFILE_INDICATORS:
        rank_code, decile_code = f"{domain}_rank", f"{domain}_decile"
        if rank_code not in names:
            continue
        label = names[rank_code].removesuffix(": national rank")
        ranks = sorted(values.filter(indicator__code=rank_code).values_list("value", flat=True))
        if not ranks:
            continue
        row = {"label": label, "rank_code": rank_code}
        if area.kind == "LSOA":
            decile = (
                values.filter(indicator__code=decile_code).values_list("value", flat=True).first()
            )
            row.update(rank=int(ranks[0]), decile=int(decile) if decile is not None else None)
        else:
            row.update(
                lsoas=len(ranks),
                most_deprived=int(ranks[0]),
                share_10=_percent(hotspots.share_most_deprived(area, indicator_code=rank_code)),
            )
        rows.append(row)
    return rows


def _over_time(area: hotspots.Area) -> list[dict[str, Any]]:
    """Indicators with more than one date: their values (an LSOA) or totals and averages."""
    series = []
    for indicator in Indicator.objects.order_by("name"):
        dates = list(
            IndicatorValue.objects.filter(indicator=indicator, lsoa__in=area.lsoas.values("pk"))
            .order_by("date")
            .values_list("date", flat=True)
            .distinct()
        )
        if len(dates) < 2:
            continue
        points = []
        for date in dates:
            found = IndicatorValue.objects.filter(
                indicator=indicator, date=date, lsoa__in=area.lsoas.values("pk")
            ).values_list("value", flat=True)
            total = sum(found)
            shown = total if indicator.kind == Indicator.Kind.COUNT else total / len(found)
            points.append(
                {"date": date, "value": hotspots._tidy(shown, indicator), "lsoas": len(found)}
            )
        series.append({"indicator": indicator, "points": points})
    return series


def _programme_figures(request: HttpRequest, area: hotspots.Area) -> list[dict[str, Any]]:
    """Per programme the user may count: households of the area referred, started and into
    work — each the exact sum over the area's LSOAs, published as one figure for funders and
    evaluators (None: withheld), never a sum of the LSOAs' published cells."""
    rows = []
    for programme in programmes_for(request.user):
        scope = reports.scope_for_user(request.user, programme, date_to=timezone.localdate())
        if scope is None:
            continue
        found = reaching.need_and_reach(scope, area)
        rows.append(
            {
                "programme": programme,
                "published": scope.published,
                "smallest": scope.rule.smallest,
                "referred": found.total_referred,
                "started": found.total_started,
                "job_outcomes": found.total_job_outcomes,
                "rate": found.area_rate_per_1000,
            }
        )
    return rows


@roles(*REPORT_READERS)
def profile(request: HttpRequest, code: str) -> HttpResponse:
    """An LSOA's, ward's, local authority's or neighbourhood's profile."""
    try:
        area = find_area(code)
    except AreaError:
        raise Http404("No such area") from None
    lsoa = Lsoa.objects.select_related("ward", "local_authority").filter(code=area.code).first()
    context: dict[str, Any] = {
        "area": area,
        "lsoa": lsoa,
        "domains": _domain_rows(area),
        "over_time": _over_time(area),
        "figures": _programme_figures(request, area),
        "lsoa_count": area.lsoas.count(),
    }
    imd = Indicator.objects.filter(code="imd_rank").first()
    if imd is not None and area.kind != "LSOA":
        context["map"] = maps.indicator_map(area, imd, href=profile_url)
    elif lsoa is not None and lsoa.ward_id:
        # An LSOA on the map of its ward.
        ward = find_area(lsoa.ward.code)
        if imd is not None:
            context["map"] = maps.indicator_map(ward, imd, href=profile_url)
    return render(request, "reporting/areas/profile.html", context)


def _reach_for(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    programmes = list(programmes_for(request.user))
    if not programmes:
        raise Http404("You do not work on a programme")
    codes = {p.code: p for p in programmes}
    asked = request.GET.get("programme") or programmes[0].code
    if asked not in codes:
        raise Http404("You may not see this programme")
    form = HotspotForm({"area": request.GET.get("area", ""), "indicator": "employment_rate"})
    area_code = request.GET.get("area") or form.first_area()
    scope = reports.scope_for_user(request.user, codes[asked], date_to=timezone.localdate())
    if scope is None:
        raise Http404("You may not see this programme")
    context: dict[str, Any] = {
        "programmes": programmes,
        "programme": codes[asked],
        "areas": form.fields["area"].choices,
        "area_code": area_code,
        "query": request.GET.urlencode(),
    }
    if not area_code:
        return context, None  # no area data loaded yet: the page says so
    try:
        found = reaching.need_and_reach(scope, find_area(area_code))
    except AreaError as error:
        context["error"] = str(error)
        return context, None
    return context, found


@roles(*REPORT_READERS)
def reach(request: HttpRequest) -> HttpResponse:
    """Need against reach: every LSOA of an area, the most under-served first."""
    context, found = _reach_for(request)
    if found is not None:
        context["found"] = found
        context["smallest"] = found.scope.rule.smallest
        context["lsoas"] = reaching.under_served(found, found.rows, top=50)
        context["wards"] = reaching.under_served(found, found.wards, top=50)
        measure = request.GET.get("measure") or "started_per_1000_in_need"
        if measure not in reaching.MAP_MEASURES:
            measure = "started_per_1000_in_need"
        context["measure"] = measure
        context["measures"] = reaching.MAP_MEASURES.items()
        context["map"] = reaching.reach_map(found, href=profile_url, measure=measure)
    return render(
        request, "reporting/areas/reach.html", context, status=400 if "error" in context else 200
    )


@roles(*REPORT_READERS)
def reach_csv(request: HttpRequest) -> HttpResponse:
    context, found = _reach_for(request)
    if found is None:
        return render(request, "reporting/areas/reach.html", context, status=400)
    reports.record_download(request.user, found.scope, "need-and-reach", "csv", via="web")
    return csv_response(
        reaching.as_csv(found), f"need-and-reach-{found.scope.programme.code}-{found.area.code}.csv"
    )


@roles(*MANAGERS)
def new_neighbourhood(request: HttpRequest) -> HttpResponse:
    """A neighbourhood from codes typed or uploaded, or from the hotspot list (its LSOAs sent
    as `codes`); a programme manager may make it their programme's area."""
    programmes = list(managed_programmes(request.user))
    form = NeighbourhoodForm(
        request.POST or None,
        request.FILES or None,
        programmes=programmes,
        initial={"codes": request.GET.get("codes", ""), "name": request.GET.get("name", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            fields = {
                "actor": request.user,
                "name": form.cleaned_data["name"],
                "codes": form.all_codes(),
                "description": form.cleaned_data.get("description", ""),
            }
            programme = form.programmes.get(form.cleaned_data.get("programme") or "")
            hood = (
                save_neighbourhood(**fields)
                if programme is None
                else save_programme_area(programme=programme, **fields)
            )
        except NeighbourhoodError as error:
            form.add_error("codes", str(error))
        else:
            return redirect("area_reports:profile", code=hood.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/areas/new_neighbourhood.html", {"form": form}, status=status)
