"""Sign in, two-factor set-up and verification, sign out."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from pathways.accounts import services, stepup
from pathways.accounts.forms import CodeForm, RecoveryCodeForm, SignInForm
from pathways.core.access import any_role, before_two_factor, public


@public
class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


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
        return redirect("core:start")
    if services.confirmed_totp_device(request.user) is None:
        return redirect("accounts:two-factor-setup")
    return redirect("accounts:two-factor-verify")


@require_http_methods(["GET", "POST"])
@before_two_factor
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    device = services.confirmed_totp_device(request.user)
    if device is None:
        return redirect("accounts:two-factor-setup")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            stepup.stamp(request)
            return redirect(_next_url(request))
        services.record_two_factor_failure(user=request.user, method="authenticator app")
        form.add_error(
            "code", "The code is not right, or has expired. Enter the code your app shows now"
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
@before_two_factor
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    device = services.recovery_device(request.user)
    form = RecoveryCodeForm(request.POST or None)
    if form.is_valid():
        if device is not None and device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            stepup.stamp(request)
            return render(request, "accounts/recovery_used.html", {"remaining": device.remaining()})
        services.record_two_factor_failure(user=request.user, method="recovery code")
        form.add_error("code", "That recovery code is not right, or has been used already")
    return render(request, "accounts/two_factor_recovery.html", {"form": form})


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
            otp_login(request, device)
            stepup.stamp(request)
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
            verb="user.password_changed",
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
    if device is not None and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            stepup.stamp(request)
            services.record_step_up(user=request.user)
            return redirect(_next_url(request))
        services.record_two_factor_failure(user=request.user, method="step-up")
        form.add_error(
            "code", "The code is not right, or has expired. Enter the code your app shows now"
        )
    return render(
        request,
        "accounts/confirm.html",
        {"form": form, "next": _next_url(request), "minutes": stepup.window_seconds() // 60},
    )


@require_POST
@any_role
@stepup.needs_step_up
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = services.issue_recovery_codes(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})
