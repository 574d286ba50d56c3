from django.urls import path

from pathways.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/active/", views.user_set_active, name="user-set-active"),
]
