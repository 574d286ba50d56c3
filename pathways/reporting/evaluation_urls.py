from django.urls import path

from pathways.reporting import views

app_name = "evaluation"

urlpatterns = [path("", views.evaluation_extract, name="extract")]
