"""The area pages that count case records or act for a programme, under /areas/ beside the
open-data area pages (`areas.urls`, included first: its paths win over the profile's)."""

from django.urls import path

from pathways.reporting import area_views

app_name = "area_reports"

urlpatterns = [
    path("reach/", area_views.reach, name="reach"),
    path("reach/download/csv/", area_views.reach_csv, name="reach-csv"),
    path("neighbourhoods/new/", area_views.new_neighbourhood, name="new-neighbourhood"),
    path("<str:code>/", area_views.profile, name="profile"),
]
