"""Query filters. A filter naming a nation, coalition, protocol... that does not exist is a 404 (not an empty
list; the problem handler reads the ``does_not_exist`` code), a malformed value a 400."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters.fields import ModelChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.api.pagination import Cursors
from apps.api.problems import UNKNOWN_RECORD
from apps.core.exceptions import InvalidInput
from apps.gaps.models import Finding, FindingQuerySet, FindingStatus, GapRun, Rule, RunStatus, RunTrigger, Severity
from apps.nations.models import Coalition, Membership, Nation
from apps.positions.models import Approval, ApprovalStatus, Milestone, MilestoneKind, Position, Scope
from apps.standards.models import (
    STATUS_LIFECYCLE,
    Lifecycle,
    Mechanism,
    MechanismKind,
    Protocol,
    StandardsBody,
    WorkItem,
    WorkItemQuerySet,
)


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` and nothing else (django-filter's own reads any other word as "no filter")."""

    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError("Give true or false.")
        return value == "true"


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class ReferenceField(ModelChoiceField):
    """A record named by its code; naming none is ``does_not_exist``, not a choice outside a list."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise forms.ValidationError(
                "Nothing is named %(value)r.", code=UNKNOWN_RECORD, params={"value": value}
            ) from None


class ReferenceFilter(filters.ModelChoiceFilter):
    field_class = ReferenceField


#: One code of a pair: no comma, not only spaces (they are trimmed), no NUL (refused in any query).
PAIR_CODE = r"^[^,\x00]*[^,\s\x00][^,\x00]*$"


class PairFilter(filters.CharFilter):
    """Two nation codes, comma-separated."""


def _nation(**kwargs: object) -> ReferenceFilter:
    return ReferenceFilter(queryset=Nation.objects.all(), to_field_name="code", **kwargs)


class NationFilter(filters.FilterSet):
    undeclared = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_undeclared",
        label="Only the nations that have (true) or have not (false) said nothing the caller may see",
    )

    class Meta:
        model = Nation
        fields = ("undeclared",)

    def filter_undeclared(self, queryset: QuerySet[Nation], name: str, value: str) -> QuerySet[Nation]:
        return queryset.filter(Q(has_declared=value == "false"))


class MembershipFilter(filters.FilterSet):
    coalition = ReferenceFilter(queryset=Coalition.objects.all(), to_field_name="code")
    nation = _nation()

    class Meta:
        model = Membership
        fields = ("coalition", "nation")


class DeclaredFilter(filters.FilterSet):
    nation = _nation()
    scope = filters.ChoiceFilter(choices=Scope.choices)


class PositionFilter(DeclaredFilter):
    class Meta:
        model = Position
        fields = ("nation", "scope")


class ApprovalFilter(DeclaredFilter):
    algorithm = ReferenceFilter(queryset=Algorithm.objects.all(), to_field_name="name")
    status = filters.ChoiceFilter(choices=ApprovalStatus.choices)

    class Meta:
        model = Approval
        fields = ("nation", "scope", "algorithm", "status")


class MilestoneFilter(DeclaredFilter):
    kind = filters.ChoiceFilter(choices=MilestoneKind.choices)

    class Meta:
        model = Milestone
        fields = ("nation", "scope", "kind")


class AlgorithmFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=AlgorithmKind.choices)
    quantum_vulnerable = StrictBooleanFilter()

    class Meta:
        model = Algorithm
        fields = ("kind", "quantum_vulnerable")


class ParameterSetFilter(filters.FilterSet):
    algorithm = ReferenceFilter(queryset=Algorithm.objects.all(), to_field_name="name")

    class Meta:
        model = ParameterSet
        fields = ("algorithm",)


class WorkItemFilter(filters.FilterSet):
    """Each filter is ``WorkItem.objects.matching``'s (the pages use it too)."""

    body = ReferenceFilter(queryset=StandardsBody.objects.all(), to_field_name="code", method="filter_matching")
    protocol = ReferenceFilter(queryset=Protocol.objects.all(), to_field_name="code", method="filter_matching")
    algorithm = ReferenceFilter(queryset=Algorithm.objects.all(), to_field_name="name", method="filter_matching")
    status = filters.ChoiceFilter(
        choices=[(word, word) for word in sorted(STATUS_LIFECYCLE)],
        method="filter_status",
        label="The status in force today, in the body's own word",
    )
    lifecycle = filters.ChoiceFilter(
        choices=Lifecycle.choices, method="filter_status", label="The stage of the status in force today"
    )

    class Meta:
        model = WorkItem
        fields = ("body", "protocol", "algorithm", "status", "lifecycle")

    @extend_schema_field(OpenApiTypes.STR)  # each parameter is text: a code, a name, a status word
    def filter_matching(self, queryset: WorkItemQuerySet, name: str, value: Any) -> WorkItemQuerySet:
        return queryset.matching(**{name: value})

    def filter_status(self, queryset: WorkItemQuerySet, name: str, value: str) -> WorkItemQuerySet:
        """``filter_matching`` for a status word or stage, typed as text so that the schema lists the choices."""
        asked: dict[str, Any] = {name: value}
        return queryset.matching(**asked)


class MechanismFilter(filters.FilterSet):
    protocol = ReferenceFilter(queryset=Protocol.objects.all(), to_field_name="code")
    kind = filters.ChoiceFilter(choices=MechanismKind.choices)
    hybrid = StrictBooleanFilter()
    parameter_set = ReferenceFilter(
        queryset=ParameterSet.objects.all(), to_field_name="name", field_name="parameter_sets"
    )

    class Meta:
        model = Mechanism
        fields = ("protocol", "kind", "hybrid", "parameter_set")


class FindingFilter(filters.FilterSet):
    coalition = ReferenceFilter(
        queryset=Coalition.objects.all(),
        to_field_name="code",
        method="filter_coalition",
        label="Findings among the coalition's members today",
    )
    nation = _nation(method="filter_nation", label="Either nation of the finding")
    pair = PairFilter(method="filter_pair", label="Two nation codes, comma-separated (AA,BB)")
    rule = filters.ChoiceFilter(choices=Rule.choices)
    severity = filters.ChoiceFilter(choices=Severity.choices)
    status = filters.ChoiceFilter(choices=FindingStatus.choices)
    protocol = ReferenceFilter(queryset=Protocol.objects.all(), to_field_name="code")
    changed_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Finding
        fields = ("coalition", "nation", "pair", "rule", "severity", "status", "protocol", "changed_since")

    def filter_coalition(self, queryset: FindingQuerySet, name: str, value: Coalition) -> FindingQuerySet:
        return queryset.among_members(value, on=timezone.localdate())

    def filter_nation(self, queryset: FindingQuerySet, name: str, value: Nation) -> FindingQuerySet:
        return queryset.involving(value)

    def filter_pair(self, queryset: FindingQuerySet, name: str, value: str) -> FindingQuerySet:
        codes = [code.strip() for code in value.split(",")]
        if len(codes) != 2 or not all(codes):
            raise ValidationError({"pair": ["Give two nation codes separated by a comma, e.g. AA,BB."]})
        try:
            a, b = Nation.objects.coded(codes)
        except InvalidInput as error:
            raise ValidationError({"pair": [error.message]}, code=UNKNOWN_RECORD) from None
        return queryset.between(a.pk, b.pk)


class GapRunFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RunStatus.choices)
    trigger = filters.ChoiceFilter(choices=RunTrigger.choices)

    class Meta:
        model = GapRun
        fields = ("status", "trigger")


def refuse_blank(named: Iterable[str], query: Any) -> None:
    """A filter given as ``name=`` is a 400: django-filter would read it as no filter at all."""
    empty = sorted(name for name in named if query.get(name) == "")
    if empty:
        raise ValidationError({name: ["Give a value, or leave the parameter out."] for name in empty})


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the view's filters: building the filter form
    costs more than the rest of a typical list request's Python."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        named = set(filterset_class.base_filters) & set(request.query_params) if filterset_class else set()
        if not named:
            return queryset
        refuse_blank(named, request.query_params)
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but a term the view does not allow is a 400 instead of being dropped silently."""

    def remove_invalid_fields(
        self, queryset: QuerySet[Any], fields: Iterable[str], view: Any, request: Any
    ) -> list[str]:
        terms = list(fields)
        valid = super().remove_invalid_fields(queryset, terms, view, request)
        if len(valid) != len(terms):
            allowed = ", ".join(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError({"ordering": [f"Order by one of: {allowed} (prefix - to reverse)."]})
        return valid

    def get_ordering(self, request: Any, queryset: QuerySet[Any], view: Any) -> Any:
        if request.query_params.get(self.ordering_param) == "":
            raise ValidationError({"ordering": ["Name a field to order by, or leave the parameter out."]})
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The orderings the view allows, each ascending or (prefixed ``-``) descending: comma-separated, or
        one only under a cursor (which names its own, ``cursor_ordering_fields``)."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        by_cursor = isinstance(view.paginator, Cursors)
        if by_cursor:
            fields = list(getattr(view, "cursor_ordering_fields", ("id",)))
        else:
            # The class queryset: the view's own get_queryset() needs a signed-in caller, the schema has none.
            fields = [name for name, _ in self.get_valid_fields(view.queryset, view, {})]
        terms = {"type": "string", "enum": [term for name in fields for term in (name, f"-{name}")]}
        for parameter in parameters:
            if by_cursor:
                parameter["schema"] = terms
            else:
                parameter.update(style="form", explode=False)
                parameter["schema"] = {"type": "array", "items": terms, "minItems": 1}
        return parameters
