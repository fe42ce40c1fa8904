"""The project's URLs plus the bare view the API benchmark compares against (benchmark server only)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from apps.gaps.models import Finding
from pqctrack.urls import urlpatterns as project_urlpatterns

BARE_FIELDS = (
    "id",
    "key",
    "rule",
    "nation_a__code",
    "nation_b__code",
    "coalition__code",
    "protocol__code",
    "object",
    "severity",
    "score",
    "years_left",
    "shared_coalitions",
    "title",
    "explanation",
    "evidence",
    "status",
    "triage_reason",
    "waiver_expires_on",
    "first_seen_at",
    "last_seen_at",
    "resolved_at",
    "updated_at",
)


def bare_findings(request: HttpRequest) -> JsonResponse:
    """The same 100 rows as the API's first findings page, straight from ``values()``: no authentication,
    throttling, releasability, pagination or serializer."""
    return JsonResponse({"results": list(Finding.objects.order_by("-id").values(*BARE_FIELDS)[:100])})


urlpatterns = [path("bench/bare-findings/", bare_findings), *project_urlpatterns]
