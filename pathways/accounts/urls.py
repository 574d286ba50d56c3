from django.urls import path

from pathways.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/recovery/", views.two_factor_recovery, name="two-factor-recovery"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("set-up/<str:uidb64>/<str:token>/", views.set_up, name="set-up"),
    path("confirm/", views.confirm, name="confirm"),
    path("", views.account, name="account"),
    path("password/", views.change_password, name="change-password"),
    path("recovery-codes/", views.new_recovery_codes, name="new-recovery-codes"),
]
