"""What a draft declaration would change, as its preview answers (nothing is stored): the field changes
from the declaration in force, the gaps it would open and the stored findings it would resolve."""

from __future__ import annotations

from rest_framework import serializers

from apps.api.serializers import positions as p
from apps.api.serializers.gaps import EvaluatedFindingOutput, FieldChangeOutput, FindingOutput


class DraftPreviewOutput(serializers.Serializer):
    """A draft's preview, scoped to what the caller may see (a gap derived from a record hidden from them is
    not shown; the record in force is the one they may see)."""

    changes = FieldChangeOutput(
        many=True, read_only=True, help_text="Each field the draft changes from the record in force (all for a first)."
    )
    opens = EvaluatedFindingOutput(
        source="gaps.opened_findings",
        many=True,
        read_only=True,
        help_text="The gaps it would open, as today's evaluation finds them (evidence naming the draft has id null).",
    )
    resolves = FindingOutput(
        source="gaps.closed", many=True, read_only=True, help_text="The stored findings it would resolve."
    )


class PositionPreviewOutput(DraftPreviewOutput):
    current = p.PositionOutput(read_only=True, allow_null=True, help_text="The position in force for the scope.")


class ApprovalPreviewOutput(DraftPreviewOutput):
    current = p.ApprovalOutput(read_only=True, allow_null=True, help_text="The approval in force for the identity.")


class MilestonePreviewOutput(DraftPreviewOutput):
    current = p.MilestoneOutput(read_only=True, allow_null=True, help_text="The milestone in force for the identity.")
