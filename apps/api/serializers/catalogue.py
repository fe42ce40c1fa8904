"""The global catalogues curated by standards analysts: algorithms, parameter sets, standards bodies,
protocols, work items and their status history, and protocol mechanisms."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.api.serializers.base import (
    CodeField,
    ExactRegexValidator,
    PartialDateField,
    SourceInput,
    SourceOutput,
    StrictInput,
)
from apps.api.serializers.gaps import EvaluatedFindingOutput, FieldChangeOutput, FindingOutput
from apps.standards.models import (
    STATUS_LIFECYCLE,
    Hybrid,
    Mechanism,
    MechanismKind,
    Protocol,
    StandardsBody,
    WorkItem,
    WorkItemStatus,
)


class AlgorithmOutput(serializers.ModelSerializer):
    status_date = PartialDateField(read_only=True, allow_null=True)
    source = SourceOutput(read_only=True, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Algorithm
        fields = (
            "id",
            "name",
            "aliases",
            "family",
            "kind",
            "quantum_vulnerable",
            "standard",
            "status",
            "status_date",
            "security_categories",
            "security_note",
            "parameter_sets_text",
            "source",
            "note",
            "updated_at",
        )
        read_only_fields = fields


class AlgorithmUpdateInput(StrictInput):
    aliases = serializers.ListField(child=serializers.CharField(max_length=80), max_length=50, default=list)
    family = serializers.CharField(max_length=120, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=AlgorithmKind.choices)
    quantum_vulnerable = serializers.BooleanField(default=False)
    standard = serializers.CharField(max_length=200, allow_blank=True, default="")
    status = serializers.CharField(max_length=80, allow_blank=True, default="")
    status_date = PartialDateField(allow_null=True, default=None)
    security_categories = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=5), max_length=5, default=list
    )
    security_note = serializers.CharField(max_length=300, allow_blank=True, default="")
    parameter_sets_text = serializers.CharField(max_length=5000, allow_blank=True, default="")
    source = SourceInput(allow_null=True, default=None)  # type: ignore[assignment]
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")


class AlgorithmCreateInput(AlgorithmUpdateInput):
    name = serializers.CharField(max_length=80)


class ParameterSetOutput(serializers.ModelSerializer):
    algorithm = serializers.CharField(source="algorithm.name", read_only=True)

    class Meta:
        model = ParameterSet
        fields = ("id", "algorithm", "name", "security_category", "note", "updated_at")
        read_only_fields = fields


class ParameterSetUpdateInput(StrictInput):
    security_category = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class ParameterSetCreateInput(ParameterSetUpdateInput):
    algorithm = CodeField(queryset=Algorithm.objects.all(), slug_field="name")
    name = serializers.CharField(max_length=80)


class StandardsBodyOutput(serializers.ModelSerializer):
    class Meta:
        model = StandardsBody
        fields = ("code", "name")
        read_only_fields = fields


class ProtocolOutput(serializers.ModelSerializer):
    class Meta:
        model = Protocol
        fields = ("code", "name")
        read_only_fields = fields


class CodeNameInput(StrictInput):
    # Not trimmed, and matched whole: exactly the schema's pattern.
    code = serializers.CharField(
        max_length=20, trim_whitespace=False, validators=[ExactRegexValidator(r"^[A-Za-z0-9][A-Za-z0-9./_-]*$")]
    )
    name = serializers.CharField(max_length=120, allow_blank=True, default="")


class WorkItemStatusOutput(serializers.ModelSerializer):
    status_date = PartialDateField(read_only=True, allow_null=True)

    class Meta:
        model = WorkItemStatus
        fields = ("id", "status", "lifecycle", "status_date", "recorded_at")
        read_only_fields = fields


class WorkItemStatusInput(StrictInput):
    status = serializers.ChoiceField(choices=sorted(STATUS_LIFECYCLE))
    on = PartialDateField(allow_null=True, default=None)
    source = SourceInput(allow_null=True, default=None)  # type: ignore[assignment]


class WorkItemStatusPreviewOutput(serializers.Serializer):
    """What recording the status would do, written nowhere (``apps.gaps.preview.StatusPreview``): how it
    differs from the status in force, whether it would be in force today, and the gaps it would open and
    close, as the caller may see them."""

    as_of = serializers.DateField(help_text="The day the gaps were evaluated on (today).")
    current = WorkItemStatusOutput(allow_null=True, help_text="The status in force today, if any.")
    changes = FieldChangeOutput(many=True, help_text="How the draft differs from the status in force.")
    in_force = serializers.BooleanField(
        help_text="Whether the draft would be the status in force today (not when dated after today, or "
        "before the status in force)."
    )
    already_recorded = serializers.BooleanField(help_text="The same status and date are recorded already.")
    opened = EvaluatedFindingOutput(many=True, help_text="Gaps it would open, evaluated today.")
    closed = FindingOutput(many=True, help_text="Stored findings it would resolve.")


class WorkItemOutput(serializers.ModelSerializer):
    body = serializers.CharField(source="body.code", read_only=True)
    protocol = serializers.CharField(source="protocol.code", read_only=True)
    algorithms: Any = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    hybrid = serializers.CharField(read_only=True, help_text="yes, no, both, or blank when not stated.")
    expected_completion = PartialDateField(read_only=True, allow_null=True)
    statuses = WorkItemStatusOutput(many=True, read_only=True)

    class Meta:
        model = WorkItem
        fields = (
            "id",
            "body",
            "identifier",
            "title",
            "protocol",
            "protocol_label",
            "algorithms",
            "algorithms_text",
            "hybrid",
            "expected_completion",
            "statuses",
            "note",
            "updated_at",
        )
        read_only_fields = fields


class WorkItemUpdateInput(StrictInput):
    title = serializers.CharField(max_length=300)
    protocol = CodeField(queryset=Protocol.objects.all())
    protocol_label = serializers.CharField(max_length=40, allow_blank=True, default="")
    algorithms: serializers.ListField = serializers.ListField(
        child=CodeField(queryset=Algorithm.objects.all(), slug_field="name"), max_length=100, default=list
    )
    algorithms_text = serializers.CharField(max_length=5000, allow_blank=True, default="")
    hybrid = serializers.ChoiceField(choices=[*Hybrid.choices, ("", "Not stated")], default="")
    expected_completion = PartialDateField(allow_null=True, default=None)
    source = SourceInput(allow_null=True, default=None)  # type: ignore[assignment]
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")


class WorkItemCreateInput(WorkItemUpdateInput):
    body = CodeField(queryset=StandardsBody.objects.all())
    identifier = serializers.CharField(max_length=200)


class MechanismWorkItemOutput(serializers.ModelSerializer):
    body = serializers.CharField(source="body.code", read_only=True)

    class Meta:
        model = WorkItem
        fields = ("id", "body", "identifier")
        read_only_fields = fields


class MechanismOutput(serializers.ModelSerializer):
    protocol = serializers.CharField(source="protocol.code", read_only=True)
    parameter_sets: Any = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    classical_algorithm = serializers.CharField(source="classical_algorithm.name", read_only=True, allow_null=True)
    work_items = MechanismWorkItemOutput(many=True, read_only=True)

    class Meta:
        model = Mechanism
        fields = (
            "id",
            "protocol",
            "name",
            "kind",
            "code_point",
            "hybrid",
            "classical_component",
            "classical_algorithm",
            "parameter_sets",
            "work_items",
            "cited_row",
            "note",
            "updated_at",
        )
        read_only_fields = fields


#: Python's white space (what DRF trims from text): a value of only these is blank.
_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# "Not the other boolean": an enum here would be taken for a choice set by drf-spectacular's enum naming.
_HYBRID = {
    "required": ["hybrid", "classical_component"],
    "properties": {"hybrid": {"not": {"enum": [False]}}, "classical_component": {"pattern": f"[^{_SPACE}]"}},
}
_PURE = {
    "properties": {
        "hybrid": {"not": {"enum": [True]}},
        "classical_component": {"pattern": f"^[{_SPACE}]*$"},
        "classical_algorithm": {"not": {"type": "string"}},
    }
}
_HYBRID_FIELDS = ("hybrid", "classical_component", "classical_algorithm")


class MechanismUpdateInput(StrictInput):
    """A hybrid mechanism names its classical component; a pure one names none, nor a classical algorithm
    (the service's rule, declared in the schema by ``schema_rules``). A PATCH, merged with the stored
    mechanism, changes those fields together or not at all."""

    kind = serializers.ChoiceField(choices=MechanismKind.choices)
    code_point = serializers.CharField(max_length=80, allow_blank=True, default="")
    hybrid = serializers.BooleanField(default=False)
    classical_component = serializers.CharField(max_length=40, allow_blank=True, default="")
    classical_algorithm = CodeField(queryset=Algorithm.objects.all(), slug_field="name", allow_null=True, default=None)
    parameter_sets: serializers.ListField = serializers.ListField(
        child=CodeField(queryset=ParameterSet.objects.all(), slug_field="name"), min_length=1, max_length=20
    )
    work_items: serializers.ListField = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=WorkItem.objects.all()), max_length=20, default=list
    )
    cited_row = serializers.CharField(max_length=300)
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")

    def schema_rules(self) -> dict[str, Any]:
        if not self.partial:
            return {"oneOf": [_HYBRID, _PURE]}
        pure = {**_PURE, "required": list(_HYBRID_FIELDS)}
        untouched = {"not": {"anyOf": [{"required": [name]} for name in _HYBRID_FIELDS]}}
        return {"oneOf": [_HYBRID, pure, untouched]}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [name for name in _HYBRID_FIELDS if name in attrs]
        if self.partial and named:
            wanted = ["hybrid", "classical_component"] + ([] if attrs.get("hybrid") else ["classical_algorithm"])
            missing = [name for name in wanted if name not in attrs]
            if missing:
                message = "Change hybrid, classical_component and (for a pure one) classical_algorithm together."
                raise serializers.ValidationError({name: [message] for name in missing})
        return attrs


class MechanismCreateInput(MechanismUpdateInput):
    protocol = CodeField(queryset=Protocol.objects.all())
    name = serializers.CharField(max_length=100)
