"""The common-ground report: its question (query parameters) and its answer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.api.problems import UNKNOWN_RECORD, UNPROCESSABLE
from apps.api.serializers.base import CodeField, StrictInput
from apps.core.exceptions import InvalidInput
from apps.nations.models import Coalition, Nation
from apps.positions.models import Scope
from apps.standards.models import MechanismKind, Protocol


class CommonGroundInput(StrictInput):
    """The question apart from its dates, which ``as_of`` and ``known_at`` carry as on the other reports."""

    protocol = CodeField(queryset=Protocol.objects.all())
    coalition = CodeField(queryset=Coalition.objects.all(), required=False, allow_null=True, default=None)
    nations = serializers.CharField(required=False, default="", max_length=400, help_text="Codes, comma-separated.")
    kind = serializers.ChoiceField(choices=MechanismKind.choices, default=MechanismKind.KEY_ESTABLISHMENT)
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.ALL)
    include_drafts = serializers.BooleanField(default=False)

    def validate_nations(self, value: str) -> list[Nation]:
        try:
            return Nation.objects.listed(value)
        except InvalidInput as error:
            raise serializers.ValidationError(error.message, code=UNKNOWN_RECORD) from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("coalition") is None and not attrs.get("nations"):
            # Both parameters are optional in the schema, which cannot say "one of the two".
            raise serializers.ValidationError({"coalition": ["Name a coalition or some nations."]}, code=UNPROCESSABLE)
        return attrs


class CommonGroundMechanismOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code_point = serializers.CharField()
    hybrid = serializers.BooleanField()
    classical_component = serializers.CharField()


class CommonGroundCellOutput(serializers.Serializer):
    nation = serializers.CharField()
    mechanism = serializers.CharField()
    code_point = serializers.CharField()
    hybrid = serializers.BooleanField()
    accepted = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    marks = serializers.ListField(child=serializers.CharField())


class NearestOutput(serializers.Serializer):
    mechanism = serializers.CharField()
    blockers = serializers.ListField(child=serializers.CharField())


class ShiftOutput(serializers.Serializer):
    on = serializers.CharField(help_text="The date at the precision of what set it (YYYY, YYYY-MM or YYYY-MM-DD).")
    common = serializers.ListField(child=serializers.CharField())


class CommonGroundOutput(serializers.Serializer):
    protocol = serializers.CharField()
    kind = serializers.CharField()
    as_of = serializers.DateField()
    known_at = serializers.DateTimeField(allow_null=True)
    scope = serializers.CharField()
    include_drafts = serializers.BooleanField()
    members = serializers.ListField(child=serializers.CharField())
    mechanisms = CommonGroundMechanismOutput(many=True)
    cells = CommonGroundCellOutput(many=True)
    common = serializers.ListField(child=serializers.CharField())
    nearest = NearestOutput(many=True)
    timeline = ShiftOutput(many=True)
