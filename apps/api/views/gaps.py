"""Gap findings and gap runs. A finding exists for a caller only if they may see every record behind it."""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.api import filters
from apps.api.pagination import Cursors, Pages
from apps.api.serializers import gaps as s
from apps.api.views.base import ReadOnlyApiViewSet
from apps.gaps.models import Finding, GapRun


class FindingViewSet(ReadOnlyApiViewSet):
    serializer_class = s.FindingOutput
    filterset_class = filters.FindingFilter
    pagination_class = Cursors
    ordering_fields = ("id", "updated_at")
    cursor_ordering_fields = ("id", "updated_at")
    etag_enabled = True

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        return Finding.objects.visible_to(self.request.user).select_related(
            "nation_a", "nation_b", "coalition", "protocol"
        )


class GapRunViewSet(ReadOnlyApiViewSet):
    queryset = GapRun.objects.order_by("-created_at", "-id")
    serializer_class = s.GapRunOutput
    filterset_class = filters.GapRunFilter
    pagination_class = Pages
    ordering_fields = ("created_at",)
