from django.urls import path

from pathways.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("trend/download/csv/", views.trend_csv, name="trend-csv"),
    path("<slug:name>/", views.table, name="table"),
    path("<slug:name>/download/<slug:form>/", views.download, name="download"),
]
