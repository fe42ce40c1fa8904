"""OpenAPI generation: every operation documents the problem-details answers it can give, the If-Match and
Idempotency-Key headers it honours, and the bearer-token security scheme."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.api.etag import IF_MATCH_PATTERN
from apps.api.exceptions import PROBLEM_CONTENT_TYPE
from apps.api.filters import PAIR_CODE, PairFilter
from apps.api.idempotency import KEY_PATTERN
from apps.api.permissions import token_scope_needed
from apps.api.serializers.base import StrictInput


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


COMMON = {
    "401": "Not authenticated, or the token is invalid, expired or revoked.",
    "403": "Authenticated but not permitted (role, nation or token scope).",
    "406": "The Accept header asks for a format the API does not serve.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}
QUERY = {
    "400": "A query parameter is malformed.",
    "404": "Not found, or not releasable to the caller (an invisible record does not exist for them); or a query "
    "parameter names a record that does not exist.",
}
WRITE = {
    "400": "The body is malformed JSON, has unknown fields or invalid values (field-level errors).",
    "409": "The change conflicts with the current state.",
    "413": "The request body is too large.",
    "415": "The body is not JSON.",
    "422": "The body is well-formed but names a record that does not exist (field-level errors).",
}
CREATE = {
    "422": "The body names a record that does not exist, or the Idempotency-Key was already used with a "
    "different request."
}
#: A POST that computes an answer and stores nothing (a draft's preview): no conflict, nothing to retry.
WRITES_NOTHING = {"422": "The body names a record that does not exist (field-level errors)."}
UPDATE = {
    "412": "If-Match does not match the current ETag: the resource changed since it was read.",
    "428": "If-Match is missing.",
}


#: Text without NUL characters: DRF refuses them in every text field, as PostgreSQL would.
NO_NUL = "^[^\\u0000]*$"


def _no_nul(schema: dict[str, Any]) -> None:
    """Free text (no pattern, format or enum of its own), declared NUL-free; alternatives each."""
    for alternative in schema.get("oneOf", []):
        _no_nul(alternative)
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
        schema["pattern"] = NO_NUL


class ProblemAutoSchema(AutoSchema):
    def _error_codes(self) -> dict[str, str]:
        codes = {**COMMON, **QUERY}
        if self.method in ("POST", "PUT", "PATCH"):
            codes.update(WRITE)
        if self._writes_nothing():
            del codes["409"]
            codes.update(WRITES_NOTHING)
        elif self.method == "POST":
            codes.update(CREATE)
        if self._needs_if_match():
            codes.update(UPDATE)
        codes.update(getattr(self.view, "extra_problems", {}))
        return codes

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A field with a pattern of its own gets it from its validator later (which excludes NUL already).
        patterned = any(isinstance(v, RegexValidator) for v in getattr(field, "validators", []))
        if (
            direction == "request"
            and isinstance(field, serializers.CharField | serializers.RelatedField)
            and not patterned
        ):
            _no_nul(schema)
        return schema

    def _get_parameters(self) -> Any:
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query":  # the hostile-URL middleware refuses a NUL in any query parameter
                _no_nul(parameter["schema"])
        return parameters

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInput):
            schema["additionalProperties"] = False  # StrictInput refuses unknown fields
            if hasattr(serializer, "schema_rules"):  # rules across fields, which the serializer enforces
                schema.update(serializer.schema_rules())
        return schema

    def _writes_nothing(self) -> bool:
        return bool(getattr(self.view, "writes_nothing", False))

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's signature
        """The view's own description, then the token scope the operation needs."""
        description: str = super().get_description()
        scope = token_scope_needed(self.view, self.method)
        needs = (
            f"A token needs the `{scope}` scope."
            if scope
            else "Not open to API tokens (an administrator holds none): sign in as an administrator."
        )
        return f"{description}\n\n{needs}" if description else needs

    def _needs_if_match(self) -> bool:
        return self.method in ("PUT", "PATCH") or getattr(self.view, "if_match_required", False)

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_codes().items():
            if code not in responses:
                response = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_CONTENT_TYPE], direction)
                response["description"] = description
                responses[code] = response
        return responses

    def _get_response_headers_for_code(self, status_code: Any, direction: Any = "response") -> Any:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        if (
            str(status_code) in ("200", "201")
            and getattr(self.view, "etag_enabled", False)
            and not self._writes_nothing()
        ):
            headers["ETag"] = {"schema": {"type": "string"}, "description": "Send it back in If-Match to update."}
        if str(status_code) == "201" and getattr(self.view, "etag_enabled", False):
            headers["Location"] = {"schema": {"type": "string"}, "description": "The new record's URL."}
        return headers

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._needs_if_match():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    {"type": "string", "pattern": IF_MATCH_PATTERN},
                    OpenApiParameter.HEADER,
                    required=True,
                    description="The ETag the update is based on: 428 without it, 412 when it is stale.",
                )
            )
        if self.method == "POST" and not self._writes_nothing():
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    {"type": "string", "pattern": KEY_PATTERN},
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Makes a retried submission create one record.",
                )
            )
        return parameters


SCOPES_EXPLAINED = (
    "An API token issued by an administrator. It acts as its owner (their role and clearance as they are now), "
    "narrowed by its scopes: `read` for every read; `write` for positions, approvals and milestones (and their "
    "previews) of the nations the token names; `triage` to acknowledge, waive and recompute gaps; `catalogue` "
    "for algorithms, parameter sets, standards bodies, protocols, work items and their statuses, and mechanisms "
    "(issued only to an owner who may curate them). Nations, coalitions and memberships are written by an "
    "administrator signed in, never through a token."
)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": SCOPES_EXPLAINED}


class ClosedPage(OpenApiSerializerExtension):
    """Today's findings page has exactly its three properties, so that it and another date's page (which
    has its dates besides) are told apart even when a page has no result."""

    target_class = "apps.api.serializers.gaps.FindingPageOutput"

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class ReferenceFilterExtension(DjangoFilterExtension):
    """django-filter's parameters, with a pair filter as two codes, comma-separated. Reference filters name
    records by code as plain strings: the codes that exist change as the API is used (an unknown one is a
    404), so the schema does not list them."""

    target_class = "apps.api.filters.FilterBackend"
    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            # A blank value is refused (FilterBackend).
            if parameter["schema"].get("type") == "string" and not {"enum", "format"} & set(parameter["schema"]):
                parameter["schema"].update(minLength=1)
        if isinstance(filter_field, PairFilter):
            for parameter in parameters:
                parameter.update(style="form", explode=False)
                code = {"type": "string", "pattern": PAIR_CODE}
                parameter["schema"] = {"type": "array", "items": code, "minItems": 2, "maxItems": 2}
        return parameters
