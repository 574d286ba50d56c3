from django.urls import path

from pathways.site import household_views

app_name = "household_record"

urlpatterns = [
    path("<int:pk>/", household_views.household_detail, name="detail"),
    path("<int:pk>/contacts/add/", household_views.record_contact, name="add-contact"),
]
