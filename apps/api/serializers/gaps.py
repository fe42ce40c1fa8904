"""Gap findings, gap runs and the planners' reports."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.utils import html

from apps.api.serializers.base import StrictDateField, StrictInput
from apps.gaps.models import (
    FINDING_CONTENT_FIELDS,
    FINDING_LIFECYCLE_FIELDS,
    FINDING_SUBJECT_FIELDS,
    GAP_RUN_FIELDS,
    Finding,
    GapRun,
)
from apps.sources.models import evidence_basis, evidence_unconfirmed

#: Read from a finding's evidence, not stored: what it rests on and whether any of that was confirmed.
FINDING_SOURCE_MARKS = ("rests_on", "unconfirmed")


class FindingContentOutput(serializers.ModelSerializer):
    """What the rules computed about a gap, stored or not: its key, subjects (as codes) and content."""

    nation_a = serializers.CharField(source="nation_a.code", read_only=True, allow_null=True)
    nation_b = serializers.CharField(source="nation_b.code", read_only=True, allow_null=True)
    coalition = serializers.CharField(source="coalition.code", read_only=True, allow_null=True)
    protocol = serializers.CharField(source="protocol.code", read_only=True, allow_null=True)
    evidence = serializers.ListField(child=serializers.DictField(), read_only=True)
    rests_on = serializers.SerializerMethodField(
        help_text="official_document, speech or secondary_only: the best source among the records it rests on."
    )
    unconfirmed = serializers.SerializerMethodField(help_text="No record it rests on was confirmed in its source.")

    class Meta:
        model = Finding
        fields: tuple[str, ...] = ("key", *FINDING_SUBJECT_FIELDS, *FINDING_CONTENT_FIELDS, *FINDING_SOURCE_MARKS)
        read_only_fields = fields

    def get_rests_on(self, obj: Any) -> str:
        return evidence_basis(obj.evidence)

    def get_unconfirmed(self, obj: Any) -> bool:
        return evidence_unconfirmed(obj.evidence)


class FindingOutput(FindingContentOutput):
    """A stored finding: its content, its id and its lifecycle."""

    class Meta(FindingContentOutput.Meta):
        fields = ("id", *FindingContentOutput.Meta.fields, *FINDING_LIFECYCLE_FIELDS, "updated_at")
        read_only_fields = fields


#: The related codes of ``FindingOutput``, read in the same query by the list's fast path.
FINDING_CODES = {
    "nation_a": "nation_a__code",
    "nation_b": "nation_b__code",
    "coalition": "coalition__code",
    "protocol": "protocol__code",
}


def finding_rows(queryset: QuerySet[Finding]) -> QuerySet[Any]:
    """The findings list's read model: ``FindingOutput``'s fields straight from ``values()``, the related
    codes joined in. The list is the API's hottest path, and building five model instances and running
    twenty-two serializer fields per row would cost several times the query itself; ``finding_row`` gives
    each row exactly the representation ``FindingOutput`` gives (a test holds them equal)."""
    plain = [
        name for name in FindingOutput.Meta.fields if name not in FINDING_CODES and name not in FINDING_SOURCE_MARKS
    ]
    codes = {f"{name}_code": F(path) for name, path in FINDING_CODES.items()}
    return queryset.values(*plain, **codes)


def finding_row(row: dict[str, Any]) -> dict[str, Any]:
    for name in FINDING_CODES:
        row[name] = row.pop(f"{name}_code")
    row["years_left"] = str(row["years_left"])  # as DecimalField renders it; dates are left to the renderer
    row["rests_on"], row["unconfirmed"] = evidence_basis(row["evidence"]), evidence_unconfirmed(row["evidence"])
    return row


class FieldChangeOutput(serializers.Serializer):
    """One field an update changed, from what to what, in a reader's words (``field``: its name)."""

    field = serializers.CharField()
    # A declared field: DRF's metaclass takes it off the class, so it does not replace ``Field.label``.
    label = serializers.CharField()  # type: ignore[assignment]
    before = serializers.CharField()
    after = serializers.CharField()


class FindingEventOutput(serializers.Serializer):
    """One step of a finding's lifecycle (``apps.reports.lifecycle.LifecycleStep``): who or which run took
    it, and for an update or a reopening which fields changed."""

    at = serializers.DateTimeField(source="event.at")
    kind = serializers.CharField(source="event.kind")
    from_status = serializers.CharField(source="event.from_status")
    to_status = serializers.CharField(source="event.to_status")
    actor = serializers.CharField(source="event.actor.username", allow_null=True)
    run = serializers.IntegerField(source="event.run_id", allow_null=True)
    reason = serializers.CharField(source="event.reason")
    changes = FieldChangeOutput(many=True)


class GapRunOutput(serializers.ModelSerializer):
    """Run statistics as the caller may see them (``GapRunQuerySet.with_counts_seen_by``)."""

    findings_opened = serializers.IntegerField(source="seen_opened", read_only=True)
    findings_updated = serializers.IntegerField(source="seen_updated", read_only=True)
    findings_resolved = serializers.IntegerField(source="seen_resolved", read_only=True)

    class Meta:
        model = GapRun
        fields = (*GAP_RUN_FIELDS, "error", "notice")
        read_only_fields = fields


class EvaluatedFindingOutput(FindingContentOutput):
    """A gap evaluated on ``as_of`` (as known at ``known_at``): a finding's computed content and its dates,
    without id or lifecycle (nothing is stored)."""

    as_of = serializers.DateField(read_only=True)
    known_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(FindingContentOutput.Meta):
        fields = (*FindingContentOutput.Meta.fields, "as_of", "known_at")
        read_only_fields = fields


class EvaluationOutput(serializers.Serializer):
    """The findings list on another date: one cursor page of that evaluation's matching gaps, worst first
    (``Cursors.paginate_list``), and how many match in all."""

    as_of = serializers.DateField()
    known_at = serializers.DateTimeField(allow_null=True)
    count = serializers.IntegerField(help_text="Every matching gap of the evaluation, on all its pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EvaluatedFindingOutput(many=True)


# Its schema admits no other property (apps.api.schema.ClosedPage): an evaluated page with no result would
# otherwise match both shapes of the list's oneOf.
class FindingPageOutput(serializers.Serializer):
    """One cursor page of stored findings (what ``Cursors`` answers for today's list): these three
    properties and no other."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FindingOutput(many=True)


#: The findings list answers today's stored findings by the page, or another date's evaluation at once:
#: two shapes, declared as such (an evaluated gap has no id, status or first_seen_at to promise).
FINDING_LIST_OUTPUT = PolymorphicProxySerializer(
    component_name="FindingListOutput",
    serializers=[FindingPageOutput, EvaluationOutput],
    resource_type_field_name=None,
    many=False,
)


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
    known_at = serializers.DateTimeField(allow_null=True)
    evaluated = serializers.BooleanField(help_text="False: today's stored findings; true: evaluated on the dates.")
    nations = serializers.ListField(child=serializers.CharField())
    rows = MatrixRowOutput(many=True)


class OutlookBarOutput(serializers.Serializer):
    nation_a = serializers.CharField()
    nation_b = serializers.CharField()
    rule = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="The last day of the period (inclusive).")
    severity = serializers.CharField()
    objects = serializers.ListField(child=serializers.CharField())
    evaluation = serializers.CharField(help_text="The findings list evaluated on the first day, for this pair.")


class OutlookOutput(serializers.Serializer):
    coalition = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.ListField(child=serializers.DateField(), help_text="The days evaluated.")
    bars = OutlookBarOutput(many=True)


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
    as_of = StrictDateField(required=False)


class BlankRefusingChoiceField(serializers.ChoiceField):
    """A choice in a query string where a blank value is malformed, not absent (as ``StrictDateField``)."""

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class DeclaredListInput(AsOfInput):
    """A declaration list's own parameters: the day, and whether only claims (not) due for re-verification."""

    due_for_reverification = BlankRefusingChoiceField(choices=["true", "false"], required=False)


class AcknowledgeInput(StrictInput):
    reason = serializers.CharField(max_length=5000, allow_blank=True, default="")


class WaiveInput(StrictInput):
    reason = serializers.CharField(max_length=5000)
    expires_on = StrictDateField()
