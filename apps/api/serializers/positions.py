"""National declarations: positions, approvals, milestones. Create inputs name the identity (nation,
scope, algorithm…); update inputs carry only what a new declaration may change."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.algorithms.models import Algorithm, ParameterSet
from apps.api.serializers.base import (
    CodeField,
    PartialDateField,
    SourceInput,
    SourceOutput,
    StrictDateField,
    StrictInput,
)
from apps.nations.models import Coalition, Nation
from apps.positions.models import (
    ApprovalStatus,
    Declared,
    HybridPolicy,
    MilestoneKind,
    PqcStance,
    QkdStance,
    Scope,
)


class DeclaredOutput(serializers.Serializer):
    """Fields every declaration shares."""

    id = serializers.IntegerField(read_only=True)
    nation = serializers.CharField(source="nation.code", read_only=True)
    scope = serializers.CharField(read_only=True)
    releasability = serializers.SerializerMethodField()
    declared = PartialDateField(read_only=True, allow_null=True)
    source = SourceOutput(read_only=True, allow_null=True)  # type: ignore[assignment]
    recorded_at = serializers.DateTimeField(read_only=True)
    superseded_at = serializers.DateTimeField(source="superseded_as_seen", read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True)
    note = serializers.CharField(read_only=True)

    def get_releasability(self, obj: Declared) -> str | None:
        return obj.releasability.code if obj.releasability else None


class PositionOutput(DeclaredOutput):
    pqc_stance = serializers.CharField(read_only=True)
    qkd_stance = serializers.CharField(read_only=True)
    hybrid_policy = serializers.CharField(read_only=True)
    algorithms_named = serializers.CharField(read_only=True)


class ApprovalOutput(DeclaredOutput):
    algorithm = serializers.CharField(source="algorithm.name", read_only=True)
    parameter_set = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    until = serializers.DateField(read_only=True, allow_null=True)

    def get_parameter_set(self, obj: Any) -> str | None:
        return obj.parameter_set.name if obj.parameter_set_id else None


class MilestoneOutput(DeclaredOutput):
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    target = PartialDateField(read_only=True)
    scope_text = serializers.CharField(read_only=True)


class PositionHistoryOutput(PositionOutput):
    """The same fields; its own schema component, since history pages by cursor and the current list by
    page number."""


class ApprovalHistoryOutput(ApprovalOutput):
    """See ``PositionHistoryOutput``."""


class MilestoneHistoryOutput(MilestoneOutput):
    """See ``PositionHistoryOutput``."""


class DeclaredUpdateInput(StrictInput):
    """What any new declaration may say besides its identity."""

    releasability = CodeField(queryset=Coalition.objects.all(), allow_null=True, default=None)
    declared = PartialDateField(allow_null=True, default=None)
    source = SourceInput(allow_null=True, default=None)  # type: ignore[assignment]
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")


class PositionUpdateInput(DeclaredUpdateInput):
    pqc_stance = serializers.ChoiceField(choices=PqcStance.choices, default=PqcStance.UNDECLARED)
    qkd_stance = serializers.ChoiceField(choices=QkdStance.choices, default=QkdStance.UNDECLARED)
    hybrid_policy = serializers.ChoiceField(choices=HybridPolicy.choices, default=HybridPolicy.UNDECLARED)
    algorithms_named = serializers.CharField(max_length=5000, allow_blank=True, default="")


class PositionCreateInput(PositionUpdateInput):
    nation = CodeField(queryset=Nation.objects.all())
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.ALL)


class ApprovalUpdateInput(DeclaredUpdateInput):
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    until = StrictDateField(allow_null=True, default=None)


class ApprovalCreateInput(ApprovalUpdateInput):
    nation = CodeField(queryset=Nation.objects.all())
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.ALL)
    algorithm = CodeField(queryset=Algorithm.objects.all(), slug_field="name")
    parameter_set = CodeField(queryset=ParameterSet.objects.all(), slug_field="name", allow_null=True, default=None)


class MilestoneUpdateInput(DeclaredUpdateInput):
    target = PartialDateField()
    scope_text = serializers.CharField(max_length=300, allow_blank=True, default="")


class MilestoneCreateInput(MilestoneUpdateInput):
    nation = CodeField(queryset=Nation.objects.all())
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.ALL)
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)
    title = serializers.CharField(max_length=300)


class WithdrawInput(StrictInput):
    reason = serializers.CharField(max_length=500)
