"""Self-referral: a public page, no sign-in, for a household to ask for help.

Protected against abuse without making people prove they are human: a field only robots
fill in, a minimum time to fill in the form, and a limit on referrals from one connection.
Nothing typed is ever shown back: every outcome ends on the same thank-you page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from pathways.core.access import public
from pathways.core.exceptions import RuleError
from pathways.core.forms import apply_problems
from pathways.core.network import client_address
from pathways.households import referral_forms, referrals
from pathways.households.codes import ReferralSource
from pathways.households.models import Referral
from pathways.programmes.models import Programme

MIN_SECONDS_TO_FILL = 3
FORM_LIFETIME = 60 * 60 * 6
PER_CONNECTION_PER_HOUR = 3
ALL_PER_HOUR = 200
SALT = "pathways.self-referral"


def sender_key(request: HttpRequest) -> str:
    """A keyed hash of the connection's address: enough to count, never the address itself."""
    address = client_address(request) or ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def too_many(key: str) -> bool:
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = Referral.objects.filter(source=ReferralSource.SELF, created_at__gte=hour_ago)
    return (
        recent.filter(sender_key=key).count() >= PER_CONNECTION_PER_HOUR
        or recent.count() >= ALL_PER_HOUR
    )


@public
def choose_programme(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.order_by("name")
    if programmes.count() == 1:
        return redirect("self-referral:form", code=programmes.get().code)
    return render(request, "households/public/choose.html", {"programmes": programmes})


@public
@never_cache
def self_refer(request: HttpRequest, code: str) -> HttpResponse:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise Http404("No such programme")
    form = referral_forms.SelfReferralForm(request.POST or None)
    if request.method == "POST":
        key = sender_key(request)
        if too_many(key):
            return render(
                request, "households/public/too_many.html", {"programme": programme}, status=429
            )
        if request.POST.get("website"):  # only robots see this field
            return redirect("self-referral:sent", code=code)
        try:
            started = signing.loads(
                request.POST.get("started", ""), salt=SALT, max_age=FORM_LIFETIME
            )
        except signing.BadSignature:
            form.add_error(
                None, "This form was open too long. Check your answers and send it again"
            )
            started = None
        if started is not None and time.time() - float(started) < MIN_SECONDS_TO_FILL:
            return redirect("self-referral:sent", code=code)
        if started is not None and form.is_valid():
            try:
                referrals.record_referral(
                    actor=None,
                    programme=programme,
                    referral={
                        "source": ReferralSource.SELF,
                        "date": timezone.localdate(),
                        "notes": "",
                    },
                    household=form.household(),
                    members=form.members(),
                    sender_key=key,
                )
            except RuleError as error:
                apply_problems(form, error.problems)
            else:
                return redirect("self-referral:sent", code=code)
    return render(
        request,
        "households/public/self_refer.html",
        {
            "form": form,
            "programme": programme,
            "started": signing.dumps(str(time.time()), salt=SALT),
        },
    )


@public
def sent(request: HttpRequest, code: str) -> HttpResponse:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise Http404("No such programme")
    return render(request, "households/public/sent.html", {"programme": programme})
