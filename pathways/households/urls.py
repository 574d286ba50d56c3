from django.urls import path

from pathways.households import referral_views, views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("team/", views.team, name="team"),
    path("referrals/", views.triage, name="triage"),
    path("refer/", referral_views.refer, name="refer"),
    path("search/", views.search, name="search"),
    path("<int:pk>/edit/", views.edit_household, name="edit"),
    path("<int:pk>/eligibility/", views.check_eligibility, name="check-eligibility"),
    path("<int:pk>/eligibility/decide/", views.override_eligibility, name="override"),
    path("<int:pk>/start/", views.enrol, name="enrol"),
    path("<int:pk>/close/", views.close_referral, name="close"),
    path("<int:pk>/end/", views.end_support, name="end"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/people/add/", views.add_member, name="add-person"),
    path("<int:pk>/people/<int:person_pk>/", views.edit_member, name="edit-person"),
    path("<int:pk>/people/<int:person_pk>/consent/", views.record_consent, name="consent"),
]
