"""Sign in, two-factor set-up and verification, sign out."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from pathways.accounts import services, stepup, throttle
from pathways.accounts.forms import CodeForm, RecoveryCodeForm, SignInForm
from pathways.audit.verbs import Verb
from pathways.core.access import any_role, before_two_factor, public
from pathways.core.network import client_address

WRONG_APP_CODE = "The code is not right, or has expired. Enter the code your app shows now"


@public
class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Too many wrong passwords from this address, whatever the usernames: refused before
        # any password is looked at.
        if throttle.address_is_throttled(client_address(request)):
            context = {"minutes": settings.SIGN_IN_ADDRESS_MINUTES}
            return render(request, "accounts/throttled.html", context, status=429)
        return super().post(request, *args, **kwargs)


sign_in = SignInView.as_view()


@public
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@require_POST
@before_two_factor
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:signed-out")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return "/"


@before_two_factor
def two_factor(request: HttpRequest) -> HttpResponse:
    """Send the user to verify a code, or to set up an authenticator if they have none."""
    if request.user.is_verified():
        return redirect("site:start")
    if services.confirmed_totp_device(request.user) is None:
        return redirect("accounts:two-factor-setup")
    return redirect("accounts:two-factor-verify")


def _check_code(
    request: HttpRequest, form: Any, verify: Callable[[str], bool], *, method: str, wrong: str
) -> tuple[bool, int]:
    """Whether the form's code is right; if not, the form says why, with the status to answer
    (429 while this user's or address's wrong codes have codes refused: even a right one)."""
    address = client_address(request)
    if throttle.codes_refused(user=request.user, address=address):
        form.add_error(
            "code",
            "There have been too many wrong codes. "
            f"Wait {settings.CODE_WAIT_MINUTES} minutes, then try again",
        )
        return False, 429
    if verify(form.cleaned_data["code"]):
        return True, 200
    services.record_two_factor_failure(user=request.user, method=method, address=address)
    form.add_error("code", wrong)
    return False, 200


def _app_code(device: Device) -> Callable[[str], bool]:
    return lambda code: device.verify_is_allowed()[0] and device.verify_token(code)


def _two_factor_passed(request: HttpRequest, device: Device) -> None:
    """Signed in with both factors: under a new session id and CSRF token, so that one seen
    or planted before the code was given is worth nothing now."""
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)
    stepup.stamp(request)
    throttle.forget_code_failures(request.user)


@require_http_methods(["GET", "POST"])
@before_two_factor
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    device = services.confirmed_totp_device(request.user)
    if device is None:
        return redirect("accounts:two-factor-setup")
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        right, status = _check_code(
            request, form, _app_code(device), method="authenticator app", wrong=WRONG_APP_CODE
        )
        if right:
            _two_factor_passed(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@before_two_factor
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    device = services.recovery_device(request.user)
    form = RecoveryCodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        right, status = _check_code(
            request,
            form,
            lambda code: device is not None and device.verify_token(code),
            method="recovery code",
            wrong="That recovery code is not right, or has been used already",
        )
        if right and device is not None:
            _two_factor_passed(request, device)
            return render(request, "accounts/recovery_used.html", {"remaining": device.remaining()})
    return render(request, "accounts/two_factor_recovery.html", {"form": form}, status=status)


def _qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as a QR code, an SVG image in a data: URI (no inline markup)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_http_methods(["GET", "POST"])
@before_two_factor
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    has_device = services.confirmed_totp_device(request.user) is not None
    if has_device and not request.user.is_verified():
        return redirect("accounts:two-factor-verify")
    if has_device and not stepup.is_fresh(request):
        # Moving sign-in to a new phone: prove the old one first.
        return stepup.ask(request)
    device = services.pending_totp_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.confirm_totp_device(user=request.user, device=device)
            _two_factor_passed(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", "The code is not right. Enter the code your app shows now")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")  # what apps ask for
    context = {
        "form": form,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
@public
def set_up(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A new user (or one who forgot their password) chooses a password from a one-time link."""
    user = services.user_for_set_up_link(uidb64, token)
    if user is None:
        return render(request, "accounts/set_up_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if form.is_valid():
        services.set_password(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request, "Your password has been saved. Sign in to set up two-factor sign-in."
        )
        return redirect("accounts:sign-in")
    return render(request, "accounts/set_up.html", {"form": form, "account": user})


@any_role
def account(request: HttpRequest) -> HttpResponse:
    device = services.recovery_device(request.user)
    context = {"remaining": device.remaining() if device else 0}
    return render(request, "accounts/account.html", context)


@require_http_methods(["GET", "POST"])
@any_role
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if form.is_valid():
        services.set_password(
            user=request.user,
            password=form.cleaned_data["new_password1"],
            verb=Verb.USER_PASSWORD_CHANGED,
        )
        update_session_auth_hash(request, request.user)  # stay signed in here, not elsewhere
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:account")
    return render(request, "accounts/change_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
@any_role
def confirm(request: HttpRequest) -> HttpResponse:
    """Step-up: a fresh code from the authenticator before a sensitive action."""
    device = services.confirmed_totp_device(request.user)
    form = CodeForm(request.POST or None)
    status = 200
    if device is not None and form.is_valid():
        right, status = _check_code(
            request, form, _app_code(device), method="step-up", wrong=WRONG_APP_CODE
        )
        if right:
            stepup.stamp(request)
            services.record_step_up(user=request.user)
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/confirm.html",
        {"form": form, "next": _next_url(request), "minutes": stepup.window_seconds() // 60},
        status=status,
    )


@require_POST
@any_role
@stepup.needs_step_up
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = services.issue_recovery_codes(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})
