"""The common-ground report: its question (query parameters) and its answer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.api.problems import UNKNOWN_RECORD, UNPROCESSABLE
from apps.api.serializers.base import CodeField, StrictInput
from apps.nations.models import Coalition, Nation
from apps.positions.models import Scope
from apps.standards.models import MechanismKind, Protocol


class CommonGroundInput(StrictInput):
    protocol = CodeField(queryset=Protocol.objects.all())
    coalition = CodeField(queryset=Coalition.objects.all(), required=False, allow_null=True, default=None)
    nations = serializers.CharField(required=False, default="", max_length=400, help_text="Codes, comma-separated.")
    kind = serializers.ChoiceField(choices=MechanismKind.choices, default=MechanismKind.KEY_ESTABLISHMENT)
    as_of = serializers.DateField(required=False, default=None)
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.ALL)
    include_drafts = serializers.BooleanField(default=False)

    def validate_nations(self, value: str) -> list[Nation]:
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        found = list(Nation.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {n.code for n in found})
        if missing:
            raise serializers.ValidationError(f"Unknown nation: {', '.join(missing)}.", code=UNKNOWN_RECORD)
        return found

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
    scope = serializers.CharField()
    include_drafts = serializers.BooleanField()
    members = serializers.ListField(child=serializers.CharField())
    mechanisms = CommonGroundMechanismOutput(many=True)
    cells = CommonGroundCellOutput(many=True)
    common = serializers.ListField(child=serializers.CharField())
    nearest = NearestOutput(many=True)
    timeline = ShiftOutput(many=True)
