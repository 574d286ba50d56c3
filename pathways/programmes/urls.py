from django.urls import path

from pathways.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/edit/", views.programme_edit, name="edit"),
]
