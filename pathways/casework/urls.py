from django.urls import path

from pathways.casework import views

app_name = "casework"

urlpatterns = [
    path("<int:pk>/exit/", views.exit_plan, name="exit-plan"),
    path("<int:pk>/exit/<int:step_pk>/", views.exit_step_done, name="exit-step-done"),
    path("diary/", views.diary, name="diary"),
    path("<int:pk>/appointments/add/", views.book_appointment, name="book-appointment"),
    path("<int:pk>/appointments/<int:appointment_pk>/", views.record_attendance, name="attendance"),
    path(
        "<int:pk>/people/<int:person_pk>/referrals/add/",
        views.add_onward_referral,
        name="add-referral",
    ),
    path(
        "<int:pk>/people/<int:person_pk>/referrals/<int:referral_pk>/",
        views.update_onward_referral,
        name="update-referral",
    ),
    path(
        "<int:pk>/people/<int:person_pk>/referrals/<int:referral_pk>/for-the-partner/",
        views.referral_for_partner,
        name="referral-for-partner",
    ),
    path("<int:pk>/people/<int:person_pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/people/<int:person_pk>/plan/goals/add/", views.add_goal, name="add-goal"),
    path(
        "<int:pk>/people/<int:person_pk>/plan/activities/add/",
        views.add_activity,
        name="add-activity",
    ),
    path(
        "<int:pk>/people/<int:person_pk>/plan/activities/<int:activity_pk>/",
        views.update_activity,
        name="update-activity",
    ),
]
