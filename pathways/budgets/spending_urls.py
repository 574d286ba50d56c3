"""The programme's ledger downloads, included in the `spending` namespace of
`reporting/spending_urls.py` beside the spending page."""

from django.urls import path

from pathways.budgets import views

urlpatterns = [
    path("ledger.csv", views.ledger_csv, name="ledger-csv"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger-xlsx"),
]
