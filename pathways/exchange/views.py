"""The data exchange pages: download a programme's bundle (managers, what they may see) and
import one (programme managers, run by the job worker with its progress shown)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.accounts.stepup import needs_step_up
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.access import roles
from pathways.core.forms import carried_out
from pathways.core.roles import MANAGERS, Role
from pathways.exchange import forms, services
from pathways.exchange.export import export_bundle, export_name
from pathways.exchange.models import ImportRun
from pathways.households.selectors import households_visible_to
from pathways.programmes.selectors import managed_programmes, programmes_for


@roles(*MANAGERS)
def exchange_home(request: HttpRequest) -> HttpResponse:
    services.mark_interrupted()
    runs = ImportRun.objects.filter(started_by=request.user)[:20]
    return render(
        request,
        "exchange/home.html",
        {
            "form": forms.DownloadForm(programmes=list(programmes_for(request.user))),
            "may_import": request.user.role == Role.PROGRAMME_MANAGER,
            "runs": runs,
        },
    )


@roles(*MANAGERS)
@needs_step_up
def download(request: HttpRequest) -> HttpResponse:
    """The bundle of a programme's households the user may see, as a .zip (posted, so that
    nothing fetches it by following a link; audited)."""
    form = forms.DownloadForm(request.POST or None, programmes=list(programmes_for(request.user)))
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "exchange/home.html",
            {"form": form, "may_import": request.user.role == Role.PROGRAMME_MANAGER},
            status=400 if request.method == "POST" else 200,
        )
    programme = form.programmes[form.cleaned_data["programme"]]
    names = form.cleaned_data["names"]
    folder = Path(tempfile.mkdtemp(prefix="pathways-export-"))
    out = folder / export_name(programme)
    rows = export_bundle(
        out, programme=programme, households=households_visible_to(request.user), names=names
    )
    audit.record(
        actor=request.user,
        verb=Verb.EXCHANGE_EXPORTED,
        target=programme,
        programme=programme,
        data={"rows": rows, "names": names},
    )
    handle = out.open("rb")
    out.unlink()  # the open handle keeps it readable until the response is sent
    folder.rmdir()
    return FileResponse(handle, as_attachment=True, filename=out.name)


@roles(Role.PROGRAMME_MANAGER)
def upload(request: HttpRequest) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    started: dict[str, Any] = {}

    def start(data: dict[str, Any]) -> None:
        started["run"] = services.start_import(
            actor=request.user, upload=data["bundle"], dry_run=data["dry_run"]
        )

    if carried_out(request, form, start):
        return redirect("exchange:import", pk=started["run"].pk)
    managed = list(managed_programmes(request.user))
    return render(request, "exchange/upload.html", {"form": form, "programmes": managed})


def _own_run(request: HttpRequest, pk: int) -> ImportRun:
    """An import the user started (anyone else's is not found)."""
    services.mark_interrupted()
    run = ImportRun.objects.filter(pk=pk, started_by=request.user).first()
    if run is None:
        raise Http404("No such import")
    return run


@roles(Role.PROGRAMME_MANAGER)
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _own_run(request, pk)
    return render(
        request,
        "exchange/import_run.html",
        {"run": run, "progress": services.progress_of(run)},
    )


@roles(Role.PROGRAMME_MANAGER)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, asked for every few seconds by the page (with JavaScript);
    once the import has finished, the page is told to reload to show what came of it."""
    run = _own_run(request, pk)
    response = render(
        request,
        "exchange/progress.html",
        {"run": run, "progress": services.progress_of(run)},
    )
    if run.finished:
        response["HX-Refresh"] = "true"
    return response
