from django.urls import path

from pathways.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.exchange_home, name="home"),
    path("download/", views.download, name="download"),
    path("import/", views.upload, name="upload"),
    path("import/<int:pk>/", views.import_run, name="import"),
    path("import/<int:pk>/progress/", views.import_progress, name="import-progress"),
]
