from django.urls import path

from pathways.site import views

app_name = "site"

urlpatterns = [
    path("", views.start, name="start"),
]
