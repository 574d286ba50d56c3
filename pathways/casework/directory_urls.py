from django.urls import path

from pathways.casework import views

app_name = "directory"

urlpatterns = [
    path("", views.service_directory, name="list"),
    path("add/", views.edit_service, name="add"),
    path("<int:service_pk>/", views.edit_service, name="edit"),
]
