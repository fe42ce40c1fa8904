"""Nations, coalitions and memberships: public reference data, read-only through the API."""

from __future__ import annotations

from apps.api import filters
from apps.api.pagination import Pages
from apps.api.serializers import nations as s
from apps.api.views.base import ReadOnlyApiViewSet
from apps.nations.models import Coalition, Membership, Nation, NationQuerySet


class NationViewSet(ReadOnlyApiViewSet):
    """Every nation; ``?undeclared=true`` lists only those that have said nothing the caller may see."""

    queryset = Nation.objects.order_by("code")
    serializer_class = s.NationOutput
    filterset_class = filters.NationFilter
    lookup_field = "code"
    pagination_class = Pages
    ordering_fields = ("code", "name")

    def get_queryset(self) -> NationQuerySet:
        return Nation.objects.with_declared(self.actor).order_by("code")


class CoalitionViewSet(ReadOnlyApiViewSet):
    queryset = Coalition.objects.order_by("code")
    serializer_class = s.CoalitionOutput
    lookup_field = "code"
    pagination_class = Pages
    ordering_fields = ("code", "name")


class MembershipViewSet(ReadOnlyApiViewSet):
    queryset = Membership.objects.select_related("coalition", "nation").order_by("coalition__code", "nation__code")
    serializer_class = s.MembershipOutput
    filterset_class = filters.MembershipFilter
    pagination_class = Pages
    ordering_fields = ("joined_on",)
