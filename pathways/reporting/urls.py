from django.urls import path

from pathways.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:name>/", views.table, name="table"),
    path("<slug:name>/download/<slug:form>/", views.download, name="download"),
]
