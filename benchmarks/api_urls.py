"""The project's URLs plus the bare view the API benchmark compares against (benchmark server only)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from apps.api.serializers.gaps import FINDING_CODES, FINDING_SOURCE_MARKS, FindingOutput
from apps.gaps.models import Finding
from pqctrack.urls import urlpatterns as project_urlpatterns

#: ``FindingOutput``'s stored fields, related ones read as their codes: the columns the API's page reads (the
#: source marks are derived from ``evidence`` in Python, so the bare view leaves them out).
BARE_FIELDS = tuple(
    FINDING_CODES.get(name, name) for name in FindingOutput.Meta.fields if name not in FINDING_SOURCE_MARKS
)


def bare_findings(request: HttpRequest) -> JsonResponse:
    """The same 100 rows as the API's first findings page, straight from ``values()``: no authentication,
    throttling, releasability, pagination or serializer."""
    return JsonResponse({"results": list(Finding.objects.order_by("-id").values(*BARE_FIELDS)[:100])})


urlpatterns = [path("bench/bare-findings/", bare_findings), *project_urlpatterns]
