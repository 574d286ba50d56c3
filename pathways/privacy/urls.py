from django.urls import path

from pathways.privacy import views

app_name = "privacy"

person = "<int:pk>/people/<int:person_pk>/data-protection/"

urlpatterns = [
    path(person, views.person_record, name="person"),
    path(f"{person}<int:record_pk>/withdraw/", views.withdraw, name="withdraw"),
]
