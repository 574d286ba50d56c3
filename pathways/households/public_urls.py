from django.urls import path

from pathways.households import public

app_name = "self-referral"

urlpatterns = [
    path("", public.choose_programme, name="choose"),
    path("<slug:code>/", public.self_refer, name="form"),
    path("<slug:code>/sent/", public.sent, name="sent"),
]
