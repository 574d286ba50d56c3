from django.urls import path

from pathways.privacy import views

app_name = "privacy"

person = "<int:pk>/people/<int:person_pk>/data-protection/"

urlpatterns = [
    path(person, views.person_record, name="person"),
    path(f"{person}<int:record_pk>/withdraw/", views.withdraw, name="withdraw"),
    path(f"{person}subject-access/", views.subject_access_request, name="subject-access"),
    path(
        f"{person}subject-access/<int:request_pk>/<slug:form>/",
        views.subject_access_export,
        name="subject-access-export",
    ),
]
