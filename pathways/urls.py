from django.urls import include, path
from rest_framework.routers import DefaultRouter

from pathways.accounts.api import MeView
from pathways.assessments.api import ReadingViewSet
from pathways.audit.api import AuditEventViewSet
from pathways.budgets.api import BudgetViewSet, SpendRequestViewSet
from pathways.casework.api import ActivityViewSet, ContactViewSet, OnwardReferralViewSet
from pathways.core.api import DocsView, SchemaView
from pathways.households.api import HouseholdViewSet, PersonViewSet
from pathways.households.referral_api import ReferralViewSet
from pathways.outcomes.api import OutcomeViewSet, SpellViewSet
from pathways.programmes.api import ProgrammeViewSet
from pathways.reporting.api import ReportView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("households", HouseholdViewSet, basename="household")
router.register("people", PersonViewSet, basename="person")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("readings", ReadingViewSet, basename="reading")
router.register("activities", ActivityViewSet, basename="activity")
router.register("onward-referrals", OnwardReferralViewSet, basename="onward-referral")
router.register("contacts", ContactViewSet, basename="contact")
router.register("budgets", BudgetViewSet, basename="budget")
router.register("spend-requests", SpendRequestViewSet, basename="spend-request")
router.register("employment-spells", SpellViewSet, basename="employment-spell")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("", include("pathways.site.urls")),
    path("", include("pathways.core.urls")),
    path("", include("pathways.operations.urls")),
    path("account/", include("pathways.accounts.urls")),
    path("households/", include("pathways.households.urls")),
    path("households/", include("pathways.site.household_urls")),
    path("households/", include("pathways.assessments.urls")),
    path("households/", include("pathways.casework.urls")),
    path("services/", include("pathways.casework.directory_urls")),
    path("households/", include("pathways.budgets.urls")),
    path("households/", include("pathways.privacy.urls")),
    path("evaluation/", include("pathways.reporting.evaluation_urls")),
    path("approvals/", include("pathways.budgets.approval_urls")),
    path("spending/", include("pathways.reporting.spending_urls")),
    path("", include("pathways.outcomes.urls")),
    path("refer/", include("pathways.households.public_urls")),
    path("programmes/", include("pathways.programmes.urls")),
    path("audit/", include("pathways.audit.urls")),
    path("exchange/", include("pathways.exchange.urls")),
    path("organisations/", include("pathways.organisations.urls")),
    path("reports/", include("pathways.reporting.urls")),
    path("areas/", include("pathways.areas.urls")),
    path("areas/", include("pathways.reporting.area_urls")),
    path("api/me/", MeView.as_view(), name="api-me"),
    path("api/reports/<slug:name>/", ReportView.as_view(), name="api-report"),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
]

handler403 = "pathways.site.errors.forbidden"
handler404 = "pathways.site.errors.not_found"
handler500 = "pathways.site.errors.server_error"
