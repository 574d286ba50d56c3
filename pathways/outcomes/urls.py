from django.urls import path

from pathways.outcomes import views

app_name = "outcomes"

person = "households/<int:pk>/people/<int:person_pk>/work/"
outcome = "households/<int:pk>/outcomes/<int:outcome_pk>/"

urlpatterns = [
    path(person, views.work, name="work"),
    path(f"{person}add/", views.add_spell, name="add-spell"),
    path(f"{person}<int:spell_pk>/correct/", views.correct_spell, name="correct-spell"),
    path(f"{person}<int:spell_pk>/hours/", views.change_hours, name="change-hours"),
    path(outcome, views.outcome_detail, name="outcome"),
    path(f"{outcome}evidence/", views.record_evidence, name="evidence"),
    path(f"{outcome}verify/", views.verify, name="verify"),
    path("outcomes/", views.outcome_list, name="list"),
    path("outcomes/claims/", views.claim_list, name="claims"),
    path("outcomes/claims/new/", views.new_claim, name="new-claim"),
    path("outcomes/claims/<int:claim_pk>/", views.claim_detail, name="claim"),
    path("outcomes/claims/<int:claim_pk>/claim.csv", views.claim_csv, name="claim-csv"),
    path("outcomes/claims/<int:claim_pk>/claim.xlsx", views.claim_xlsx, name="claim-xlsx"),
    path("outcomes/payments/", views.payment_list, name="payments"),
    path("outcomes/payments/<int:outcome_pk>/paid/", views.record_payment, name="paid"),
]
