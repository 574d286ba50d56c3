from django.urls import path

from pathways.budgets import views

app_name = "budgets"

urlpatterns = [
    path("<int:pk>/budget/", views.budget_page, name="budget"),
    path("<int:pk>/budget/request/", views.request_money, name="request"),
    path("<int:pk>/budget/refund/", views.record_refund, name="refund"),
    path("<int:pk>/budget/change/", views.adjust, name="adjust"),
    path("<int:pk>/budget/requests/<int:request_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/budget/requests/<int:request_pk>/paid/", views.mark_paid, name="paid"),
    path(
        "<int:pk>/budget/requests/<int:request_pk>/receipt/", views.add_receipt, name="add-receipt"
    ),
    path("<int:pk>/budget/ledger.csv", views.household_ledger_csv, name="ledger-csv"),
    path("<int:pk>/budget/ledger.xlsx", views.household_ledger_xlsx, name="ledger-xlsx"),
    path("<int:pk>/budget/receipts/<int:receipt_pk>/", views.download_receipt, name="receipt"),
]
