"""Programme settings: read them, change them (versioned and audited), see their history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from pathways.core.access import roles
from pathways.core.roles import Role
from pathways.programmes import services
from pathways.programmes.definition import MEASURE_LABELS, TARGET_MEASURES
from pathways.programmes.forms import ProgrammeForm
from pathways.programmes.models import Programme
from pathways.programmes.selectors import managed_programmes
from pathways.programmes.spending_rules import rules_of


def get_programme_for_user(user: object, code: str) -> Programme:
    """A programme the user manages, else 404."""
    return get_object_or_404(managed_programmes(user), code=code)


@roles(Role.PROGRAMME_MANAGER)
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/list.html", {"programmes": managed_programmes(request.user)})


@roles(Role.PROGRAMME_MANAGER)
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, code)
    context = {
        "programme": programme,
        "measures": [(MEASURE_LABELS[k], v) for k, v in programme.measures.items()],
        "targets": [
            dict(t, measure_label=TARGET_MEASURES.get(t["measure"], t["measure"]))
            for t in programme.targets
        ],
        "versions": programme.versions.select_related("created_by")[:20],
        "spending_rules": rules_of(programme),
    }
    return render(request, "programmes/detail.html", context)


@require_http_methods(["GET", "POST"])
@roles(Role.PROGRAMME_MANAGER)
def programme_edit(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, code)
    form = ProgrammeForm(
        request.POST or None, programme=programme, initial=ProgrammeForm.initial_for(programme)
    )
    if request.method == "POST" and form.is_valid():
        _, changed = services.save_definition(
            definition=form.definition,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            programme=programme,
        )
        messages.success(
            request, "Programme settings saved." if changed else "Nothing had changed."
        )
        return redirect("programmes:detail", code=programme.code)
    measure_fields = [form[name] for name in form.fields if name.startswith("measure_")]
    return render(
        request,
        "programmes/edit.html",
        {"programme": programme, "form": form, "measure_fields": measure_fields},
    )
