"""National declarations: positions, approvals, milestones. Create inputs name the identity (nation,
scope, algorithm…); update inputs carry only what a new declaration may change."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
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
from apps.sources.models import SourceKind
from apps.sources.reverification import Reverification


class DeclaredOutput(serializers.Serializer):
    """Fields every declaration shares (its re-verification on the serializer context's
    ``reverification_day``, default today)."""

    id = serializers.IntegerField(read_only=True)
    nation = serializers.CharField(source="nation.code", read_only=True)
    scope = serializers.CharField(read_only=True)
    releasability = serializers.SerializerMethodField()
    declared = PartialDateField(read_only=True, allow_null=True)
    source = SourceOutput(read_only=True, allow_null=True)  # type: ignore[assignment]
    recorded_at = serializers.DateTimeField(read_only=True)
    superseded_at = serializers.DateTimeField(source="superseded_as_seen", read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True)
    last_confirmed_on = serializers.SerializerMethodField(
        help_text="When the claim was last confirmed in its source as known on the day listed (as_of, or today); "
        "null: never (an unverified source with no confirmation recorded, or no source)."
    )
    due_for_reverification = serializers.SerializerMethodField(
        help_text="Never confirmed, or last confirmed longer ago than the tracker's re-verification age."
    )
    note = serializers.CharField(read_only=True)

    def get_releasability(self, obj: Declared) -> str | None:
        return obj.releasability.code if obj.releasability else None

    def _reverification(self, obj: Declared) -> Reverification:
        day: date = self.context.get("reverification_day") or timezone.localdate()
        return obj.reverification(day)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_last_confirmed_on(self, obj: Declared) -> date | None:
        return self._reverification(obj).last_confirmed_on

    def get_due_for_reverification(self, obj: Declared) -> bool:
        return self._reverification(obj).due


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


class ReconfirmInput(StrictInput):
    kind = serializers.ChoiceField(
        choices=SourceKind.choices,
        default=SourceKind.UNKNOWN,
        help_text="The kind of the source, when the source cited does not say it (a person's citation must).",
    )
