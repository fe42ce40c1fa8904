"""Gap findings, gap runs and the planners' reports."""

from __future__ import annotations

from rest_framework import serializers

from apps.api.serializers.base import StrictInput
from apps.gaps.models import Finding, GapRun


class FindingOutput(serializers.ModelSerializer):
    nation_a = serializers.CharField(source="nation_a.code", read_only=True, allow_null=True)
    nation_b = serializers.CharField(source="nation_b.code", read_only=True, allow_null=True)
    coalition = serializers.CharField(source="coalition.code", read_only=True, allow_null=True)
    protocol = serializers.CharField(source="protocol.code", read_only=True, allow_null=True)
    evidence = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = Finding
        fields = (
            "id",
            "key",
            "rule",
            "nation_a",
            "nation_b",
            "coalition",
            "protocol",
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
        read_only_fields = fields


class GapRunOutput(serializers.ModelSerializer):
    class Meta:
        model = GapRun
        fields = (
            "id",
            "trigger",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "progress_done",
            "progress_total",
            "nations_evaluated",
            "pairs_evaluated",
            "findings_opened",
            "findings_updated",
            "findings_resolved",
            "error",
        )
        read_only_fields = fields


class MatrixCellOutput(serializers.Serializer):
    nation = serializers.CharField()
    severity = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class MatrixRowOutput(serializers.Serializer):
    nation = serializers.CharField()
    cells = MatrixCellOutput(many=True)


class CoalitionMatrixOutput(serializers.Serializer):
    coalition = serializers.CharField()
    as_of = serializers.DateField()
    nations = serializers.ListField(child=serializers.CharField())
    rows = MatrixRowOutput(many=True)


class ReadinessCellOutput(serializers.Serializer):
    algorithm = serializers.CharField()
    lifecycle = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    work_item_ids = serializers.ListField(child=serializers.IntegerField())


class ReadinessRowOutput(serializers.Serializer):
    protocol = serializers.CharField()
    cells = ReadinessCellOutput(many=True)


class ProtocolReadinessOutput(serializers.Serializer):
    as_of = serializers.DateField()
    protocols = serializers.ListField(child=serializers.CharField())
    algorithms = serializers.ListField(child=serializers.CharField())
    rows = ReadinessRowOutput(many=True)


class AsOfInput(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class AcknowledgeInput(StrictInput):
    reason = serializers.CharField(max_length=5000, allow_blank=True, default="")


class WaiveInput(StrictInput):
    reason = serializers.CharField(max_length=5000)
    expires_on = serializers.DateField()
