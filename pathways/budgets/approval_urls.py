from django.urls import path

from pathways.budgets import views

app_name = "approvals"

urlpatterns = [path("", views.approvals, name="list")]
