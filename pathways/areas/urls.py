from django.urls import path

from pathways.areas import views

app_name = "areas"

urlpatterns = [
    path("", views.explore, name="explore"),
    path("hotspots.csv", views.hotspots_csv, name="hotspots-csv"),
    path("neighbourhoods/", views.neighbourhoods, name="neighbourhoods"),
]
