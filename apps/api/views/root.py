"""``GET /api/v1/``: where a caller starts, with a link to every resource list and report it can read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import APIRootView

from apps.api.permissions import TokenScopes
from apps.api.schema import ProblemAutoSchema


class ApiRootSchema(ProblemAutoSchema):
    """The answer's fields are the view's own ``api_root_dict`` keys, so the schema cannot drift from it."""

    def get_response_serializers(self) -> Any:
        names: dict[str, str] = getattr(self.view, "api_root_dict", {})
        return inline_serializer("ApiRoot", {name: serializers.URLField() for name in names})


class ApiRootView(APIRootView):
    """A link to every resource list and report of this API version. Like every other endpoint it needs a
    signed-in user or a token with the ``read`` scope."""

    permission_classes = [IsAuthenticated, TokenScopes]
    schema = ApiRootSchema()  # DRF's root view opts out of the schema; this one is documented
