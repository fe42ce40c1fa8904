"""The global catalogues. Anyone signed in reads them; standards analysts write them (the services say so),
and a token writes them only with the ``catalogue`` scope (never with ``write``, which is for national data).
POST creates (409 if the name is taken: update it with PUT instead); PUT/PATCH need If-Match."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models, transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import TokenScope
from apps.algorithms.models import Algorithm, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.api import filters
from apps.api.etag import lock_for_update
from apps.api.pagination import Cursors, Pages
from apps.api.serializers import catalogue as s
from apps.api.views.base import ApiViewSet, RetrieveMixin
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import Conflict
from apps.gaps.preview import preview_work_item_status
from apps.standards.models import Mechanism, Protocol, StandardsBody, WorkItem, WorkItemStatus
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)


def _split_date(values: dict[str, Any], given: str, stored: str) -> None:
    """A submitted partial date ``given`` becomes the model's ``<stored>_on`` and ``<stored>_precision``."""
    if given in values:
        day: PartialDate | None = values.pop(given)
        values[f"{stored}_on"] = day.value if day else None
        values[f"{stored}_precision"] = day.precision if day else DatePrecision.DAY


def _cited(values: dict[str, Any], record: Any = None) -> Any:
    """The submitted citation (the service stores it); an update that names none keeps the record's own."""
    return values.pop("source") if "source" in values else getattr(record, "source", None)


class CatalogueViewSet(mixins.ListModelMixin, RetrieveMixin, ApiViewSet):
    create_input: ClassVar[type[serializers.Serializer]]
    update_input: ClassVar[type[serializers.Serializer]]
    key: ClassVar[tuple[str, ...]]
    pagination_class = Pages
    etag_enabled = True
    write_scope = TokenScope.CATALOGUE

    def upsert(self, key: dict[str, Any], values: dict[str, Any], record: Any = None) -> models.Model:
        raise NotImplementedError

    def create(self, request: Request) -> Response:
        data = self.validated(self.create_input)
        key = {name: data.pop(name) for name in self.key}

        def create() -> models.Model:
            if self.get_queryset().model.objects.filter(**key).exists():
                raise Conflict(f"{', '.join(map(str, key.values()))} exists already; update it with PUT and its ETag.")
            return self.upsert(key, data)

        return self.create_once(request, create)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        data = self.validated(self.update_input, partial=partial)
        with transaction.atomic():
            record = lock_for_update(request, self.get_queryset().model.objects.all(), pk)
            self.upsert({name: getattr(record, name) for name in self.key}, data, record)
        return self.respond(self.get_queryset().get(pk=pk), self.get_serializer_class())

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)


def _schema(output: Any, create: Any, update: Any) -> Any:
    return extend_schema_view(
        create=extend_schema(request=create, responses={201: output}),
        update=extend_schema(request=update, responses=output),
        partial_update=extend_schema(request=update, responses=output),
    )


@_schema(s.AlgorithmOutput, s.AlgorithmCreateInput, s.AlgorithmUpdateInput)
class AlgorithmViewSet(CatalogueViewSet):
    queryset = Algorithm.objects.select_related("source").order_by("name")
    serializer_class = s.AlgorithmOutput
    create_input = s.AlgorithmCreateInput
    update_input = s.AlgorithmUpdateInput
    filterset_class = filters.AlgorithmFilter
    ordering_fields = ("name", "updated_at")
    key = ("name",)

    def upsert(self, key: dict[str, Any], values: dict[str, Any], record: Any = None) -> models.Model:
        _split_date(values, "status_date", "status")
        source = _cited(values, record)
        return algorithm_upsert(**key, **values, source=source, actor=self.actor)


@_schema(s.ParameterSetOutput, s.ParameterSetCreateInput, s.ParameterSetUpdateInput)
class ParameterSetViewSet(CatalogueViewSet):
    queryset = ParameterSet.objects.select_related("algorithm").order_by("algorithm__name", "name")
    serializer_class = s.ParameterSetOutput
    create_input = s.ParameterSetCreateInput
    update_input = s.ParameterSetUpdateInput
    filterset_class = filters.ParameterSetFilter
    ordering_fields = ("name", "security_category", "updated_at")
    key = ("name",)

    def upsert(self, key: dict[str, Any], values: dict[str, Any], record: Any = None) -> models.Model:
        algorithm = values.pop("algorithm", None) or record.algorithm
        if record is not None:
            values = {"security_category": record.security_category, "note": record.note, **values}
        return parameter_set_upsert(**key, algorithm=algorithm, **values, actor=self.actor)


class CodeNameViewSet(mixins.ListModelMixin, RetrieveMixin, ApiViewSet):
    """Bodies and protocols: a code and a name, created once."""

    lookup_field = "code"
    lookup_value_regex = r"[\s\S]+"  # codes such as ISO/IEC contain a slash; any other text is a 404
    pagination_class = Pages
    ordering_fields = ("code",)
    write_scope = TokenScope.CATALOGUE

    def create_record(self, code: str, name: str) -> models.Model:
        raise NotImplementedError

    def create(self, request: Request) -> Response:
        data = self.validated(s.CodeNameInput)

        def create() -> models.Model:
            if self.get_queryset().filter(code=data["code"]).exists():
                raise Conflict(f"{data['code']} exists already.")
            return self.create_record(data["code"], data["name"])

        return self.create_once(request, create)


@extend_schema_view(create=extend_schema(request=s.CodeNameInput, responses={201: s.StandardsBodyOutput}))
class StandardsBodyViewSet(CodeNameViewSet):
    queryset = StandardsBody.objects.order_by("code")
    serializer_class = s.StandardsBodyOutput

    def create_record(self, code: str, name: str) -> models.Model:
        return body_upsert(code=code, name=name, actor=self.actor)


@extend_schema_view(create=extend_schema(request=s.CodeNameInput, responses={201: s.ProtocolOutput}))
class ProtocolViewSet(CodeNameViewSet):
    queryset = Protocol.objects.order_by("code")
    serializer_class = s.ProtocolOutput

    def create_record(self, code: str, name: str) -> models.Model:
        return protocol_upsert(code=code, name=name, actor=self.actor)


@_schema(s.WorkItemOutput, s.WorkItemCreateInput, s.WorkItemUpdateInput)
class WorkItemViewSet(CatalogueViewSet):
    queryset = (
        WorkItem.objects.select_related("body", "protocol")
        .prefetch_related(
            Prefetch("algorithms", queryset=Algorithm.objects.only("id", "name").order_by("name")),
            Prefetch("statuses", queryset=WorkItemStatus.objects.order_by("-status_on", "-recorded_at", "-id")),
        )
        .order_by("body__code", "identifier")
    )
    serializer_class = s.WorkItemOutput
    create_input = s.WorkItemCreateInput
    update_input = s.WorkItemUpdateInput
    filterset_class = filters.WorkItemFilter
    ordering_fields = ("identifier", "updated_at", "expected_completion_on")
    key = ("body", "identifier")

    def get_queryset(self) -> models.QuerySet[Any]:
        if self.action in ("statuses", "record_status", "preview_status"):
            return WorkItem.objects.all()  # the item only names the history; no need for its prefetches
        return super().get_queryset()

    def upsert(self, key: dict[str, Any], values: dict[str, Any], record: Any = None) -> models.Model:
        _split_date(values, "expected_completion", "expected_completion")
        source = _cited(values, record)
        algorithms = values.pop("algorithms", None)
        return work_item_upsert(**key, **values, algorithms=algorithms, source=source, actor=self.actor)

    @extend_schema(responses=s.WorkItemStatusOutput(many=True))
    @action(detail=True, methods=["get"], pagination_class=Cursors, filterset_class=None, ordering_fields=None)
    def statuses(self, request: Request, pk: str) -> Response:
        """The work item's status history, newest first."""
        item = self.get_object()
        page = self.paginate_queryset(WorkItemStatus.objects.filter(work_item=item))
        return self.get_paginated_response(s.WorkItemStatusOutput(page, many=True).data)

    @extend_schema(request=s.WorkItemStatusInput, responses={201: s.WorkItemStatusOutput})
    @statuses.mapping.post
    def record_status(self, request: Request, pk: str) -> Response:
        """Record a status the work item reached (history accumulates; the same status and date again is a
        no-op)."""
        item = self.get_object()
        data = self.validated(s.WorkItemStatusInput)
        return self.create_once(
            request,
            lambda: work_item_status_record(
                work_item=item, status=data["status"], on=data["on"], source=_cited(data), actor=self.actor
            ),
            output=s.WorkItemStatusOutput,
        )

    @extend_schema(request=s.WorkItemStatusInput, responses={200: s.WorkItemStatusPreviewOutput})
    @action(detail=True, methods=["post"], url_path="preview-status", filterset_class=None, ordering_fields=None)
    def preview_status(self, request: Request, pk: str) -> Response:
        """What recording this status would do (the body ``statuses`` takes), written nowhere: how it differs
        from the status in force and the gaps it would open and close for every allied nation, as the
        caller may see them. Standards analysts (and administrators) only."""
        item = self.get_object()
        data = self.validated(s.WorkItemStatusInput)
        preview = preview_work_item_status(
            work_item=item, status=data["status"], on=data["on"], source=_cited(data), actor=self.actor
        )
        return Response(s.WorkItemStatusPreviewOutput(preview, context=self.get_serializer_context()).data)


@_schema(s.MechanismOutput, s.MechanismCreateInput, s.MechanismUpdateInput)
class MechanismViewSet(CatalogueViewSet):
    queryset = Mechanism.objects.catalogue()
    serializer_class = s.MechanismOutput
    create_input = s.MechanismCreateInput
    update_input = s.MechanismUpdateInput
    filterset_class = filters.MechanismFilter
    ordering_fields = ("name", "updated_at")
    key = ("protocol", "name")

    def upsert(self, key: dict[str, Any], values: dict[str, Any], record: Any = None) -> models.Model:
        if record is not None:  # a PATCH changes only what it names
            fields = ("kind", "code_point", "hybrid", "classical_component", "classical_algorithm", "cited_row", "note")
            current = {name: getattr(record, name) for name in fields}
            current["parameter_sets"] = list(record.parameter_sets.all())
            current["work_items"] = list(record.work_items.all())
            values = {**current, **values}
        return mechanism_upsert(**key, **values, actor=self.actor)
