from django.urls import path

from pathways.areas import views

app_name = "areas"

urlpatterns = [
    path("", views.explore, name="explore"),
    path("hotspots.csv", views.hotspots_csv, name="hotspots-csv"),
    path("reach/", views.reach, name="reach"),
    path("reach/download/csv/", views.reach_csv, name="reach-csv"),
    path("neighbourhoods/", views.neighbourhoods, name="neighbourhoods"),
    path("neighbourhoods/new/", views.new_neighbourhood, name="new-neighbourhood"),
    path("<str:code>/", views.profile, name="profile"),
]
