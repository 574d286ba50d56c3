"""Programme-wide spending: the page (a report, here) and the ledger downloads (budgets')."""

from django.urls import include, path

from pathways.reporting import views

app_name = "spending"

urlpatterns = [
    path("", views.spending, name="summary"),
    path("", include("pathways.budgets.spending_urls")),
]
