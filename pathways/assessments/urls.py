from django.urls import path

from pathways.assessments import views

app_name = "assessments"

urlpatterns = [
    path("instruments/", views.instruments, name="instruments"),
    path("<int:pk>/people/<int:person_pk>/readings/", views.person_readings, name="readings"),
    path("<int:pk>/people/<int:person_pk>/readings/add/", views.add_reading, name="add-reading"),
    path(
        "<int:pk>/people/<int:person_pk>/readings/<int:reading_pk>/correct/",
        views.amend_reading,
        name="amend-reading",
    ),
]
