from django.urls import path

from pathways.budgets import views

app_name = "spending"

urlpatterns = [
    path("", views.spending, name="summary"),
    path("ledger.csv", views.ledger_csv, name="ledger-csv"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger-xlsx"),
]
