from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from fupin.accounts.api import UserViewSet
from fupin.assistance.api import PairingViewSet
from fupin.core.api import AuditEntryViewSet, JobViewSet, MeView
from fupin.monitoring.api import LeadViewSet, WarningRuleSetViewSet, WarningUploadViewSet
from fupin.procedures.api import ObjectionViewSet, ProcedureViewSet
from fupin.regions.api import RegionViewSet
from fupin.registry.api import HouseholdViewSet, PersonViewSet
from fupin.standards.api import (
    EvaluationRunViewSet,
    ExitEvaluationViewSet,
    IndicatorsView,
    PolicyViewSet,
    VerdictViewSet,
)

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("jobs", JobViewSet, basename="job")
router.register("users", UserViewSet, basename="user")
router.register("households", HouseholdViewSet, basename="household")
router.register("persons", PersonViewSet, basename="person")
router.register("policy", PolicyViewSet, basename="policy")
router.register("evaluation-runs", EvaluationRunViewSet, basename="evaluation-run")
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("exit-evaluations", ExitEvaluationViewSet, basename="exit-evaluation")
router.register("indicators", IndicatorsView, basename="indicators")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("leads", LeadViewSet, basename="lead")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("warning-uploads", WarningUploadViewSet, basename="warning-upload")
router.register("warning-rules", WarningRuleSetViewSet, basename="warning-rules")

api_patterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]

urlpatterns = [
    path("", include("fupin.core.urls")),
    path("accounts/", include("fupin.accounts.urls")),
    path("regions/", include("fupin.regions.urls")),
    path("registry/", include("fupin.registry.urls")),
    path("standards/", include("fupin.standards.urls")),
    path("procedures/", include("fupin.procedures.urls")),
    path("monitoring/", include("fupin.monitoring.urls")),
    path("assistance/", include("fupin.assistance.urls")),
    path("statistics/", include("fupin.reports.urls")),
    path("public/", include("fupin.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the
    # content security policy stays strict.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "fupin.core.errors.bad_request"
handler403 = "fupin.core.errors.permission_denied"
handler404 = "fupin.core.errors.page_not_found"
handler500 = "fupin.core.errors.server_error"
