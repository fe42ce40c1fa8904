"""``/api/``: the versioned API under ``v1/``, its OpenAPI schema and the interactive docs (served from
local static files, no CDN). Only the schema and the docs are open to anonymous callers.

The docs keep the site's Content-Security-Policy for scripts (Swagger UI's start-up script is served as its own
request, Redoc's page has no inline script); only their styles are relaxed, because both renderers inject
style elements at run time (and Redoc runs its search in a worker built from a blob)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from apps.api.views.catalogue import (
    AlgorithmViewSet,
    MechanismViewSet,
    ParameterSetViewSet,
    ProtocolViewSet,
    StandardsBodyViewSet,
    WorkItemViewSet,
)
from apps.api.views.gaps import FindingViewSet, GapRunViewSet
from apps.api.views.nations import CoalitionViewSet, MembershipViewSet, NationViewSet
from apps.api.views.positions import ApprovalViewSet, MilestoneViewSet, PositionViewSet
from apps.api.views.reports import (
    CoalitionMatrixView,
    CoalitionOutlookView,
    CommonGroundView,
    ProtocolReadinessView,
)
from apps.api.views.root import ApiRootView

router = SimpleRouter()
router.register("nations", NationViewSet, basename="nation")
router.register("coalitions", CoalitionViewSet, basename="coalition")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("positions", PositionViewSet, basename="position")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("algorithms", AlgorithmViewSet, basename="algorithm")
router.register("parameter-sets", ParameterSetViewSet, basename="parameter-set")
router.register("standards-bodies", StandardsBodyViewSet, basename="standards-body")
router.register("protocols", ProtocolViewSet, basename="protocol")
router.register("work-items", WorkItemViewSet, basename="work-item")
router.register("mechanisms", MechanismViewSet, basename="mechanism")
router.register("findings", FindingViewSet, basename="finding")
router.register("gap-runs", GapRunViewSet, basename="gap-run")

root = {prefix: f"{basename}-list" for prefix, _viewset, basename in router.registry}
root["protocol-readiness"] = "protocol-readiness"

v1 = [
    path("", ApiRootView.as_view(api_root_dict=root), name="api-root"),
    *router.urls,
    path("reports/coalitions/<str:code>/matrix/", CoalitionMatrixView.as_view(), name="coalition-matrix"),
    path("reports/coalitions/<str:code>/outlook/", CoalitionOutlookView.as_view(), name="coalition-outlook"),
    path("reports/protocol-readiness/", ProtocolReadinessView.as_view(), name="protocol-readiness"),
    path("reports/common-ground/", CommonGroundView.as_view(), name="common-ground"),
]

_docs_csp = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path(
        "schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]), name="schema"
    ),
    path(
        "docs/",
        _docs_csp(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", permission_classes=[AllowAny], authentication_classes=[]
            )
        ),
        name="docs",
    ),
    path(
        "redoc/",
        _docs_csp(
            SpectacularRedocView.as_view(
                url_name="schema",
                template_name="api/redoc.html",
                permission_classes=[AllowAny],
                authentication_classes=[],
            )
        ),
        name="redoc",
    ),
]
