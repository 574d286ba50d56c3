"""Asking for a report: the checks the command line, the pages and the API share, and the audit
of every report that leaves the system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.areas.models import LocalAuthority, Neighbourhood
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.households.selectors import households_counted_for
from pathways.programmes.models import Programme
from pathways.reporting import formats
from pathways.reporting.scope import ReportError, Scope, make_scope
from pathways.reporting.tables import TABLES

REPORT_NAMES = [*TABLES, "pack"]


def programme_called(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True))
        raise ReportError(f"There is no programme {code!r}. Programmes: {known or 'none'}")
    return programme


def area_called(programme: Programme, code: str | None) -> LocalAuthority | None:
    """The local authority with this ONS code, if the programme works there."""
    if not code:
        return None
    areas = programme.local_authorities.order_by("name")
    area = areas.filter(code=code.strip().upper()).first()
    if area is None:
        known = ", ".join(f"{a.code} ({a.name})" for a in areas)
        raise ReportError(
            f"{code!r} is not a local authority of {programme.name}. Use one of: {known or 'none'}"
        )
    return area


def neighbourhood_called(code: str | None) -> Neighbourhood | None:
    """The neighbourhood with this code (pathways/areas), if any is asked for."""
    if not code:
        return None
    found = Neighbourhood.objects.filter(code=code.strip().lower()).first()
    if found is None:
        known = ", ".join(Neighbourhood.objects.order_by("code").values_list("code", flat=True))
        raise ReportError(f"{code!r} is not a neighbourhood. Known: {known or 'none yet'}")
    return found


def parse_date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(
            f"{name} must be a date written YYYY-MM-DD, e.g. 2024-03-31, not {text!r}"
        ) from None


def check_name(name: str) -> str:
    if name not in REPORT_NAMES:
        raise ReportError(f"There is no report {name!r}. Reports: {', '.join(REPORT_NAMES)}")
    return name


def check_format(name: str, form: str) -> str:
    allowed = (*formats.PACK_FORMATS, "json") if name == "pack" else formats.FORMATS
    if form not in allowed:
        what = "The pack" if name == "pack" else "A table"
        raise ReportError(f"{what} can be written as {', '.join(allowed)}, not {form!r}")
    return form


def scope_for_user(
    user: User,
    programme: Programme,
    *,
    date_to: dt.date | None = None,
    date_from: dt.date | None = None,
    area: LocalAuthority | None = None,
    published: bool = False,
    **narrower: Any,
) -> Scope | None:
    """What this user may count of the programme, or None. Funders and evaluators are given
    published figures whatever they ask for."""
    counted = households_counted_for(user, programme)
    if counted is None:
        return None
    return make_scope(
        programme,
        counted.households,
        date_to=date_to or timezone.localdate(),
        date_from=date_from,
        area=area,
        published=published or counted.published_only,
        **narrower,
    )


def record_download(actor: Actor, scope: Scope, name: str, form: str, via: str) -> None:
    audit.record(
        actor=actor,
        verb=Verb.REPORT_DOWNLOADED,
        programme=scope.programme,
        data={
            "report": name,
            "format": form,
            "to": scope.date_to.isoformat(),
            "from": scope.date_from.isoformat(),
            "area": scope.area.code if scope.area is not None else None,
            "published": scope.published,
            "via": via,
        },
        target_label=f"{scope.programme.code} {name}",
    )
