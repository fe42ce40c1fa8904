from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin import ServiceAdmin, actor_of
from apps.core.dates import partial
from apps.standards.models import Mechanism, Protocol, StandardsBody, WorkItem, WorkItemStatus
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)


@admin.register(StandardsBody)
class StandardsBodyAdmin(ServiceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def save_via_service(self, request: HttpRequest, obj: StandardsBody, form: Any, change: bool) -> StandardsBody:
        return body_upsert(code=obj.code, name=obj.name, actor=actor_of(request))


@admin.register(Protocol)
class ProtocolAdmin(ServiceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def save_via_service(self, request: HttpRequest, obj: Protocol, form: Any, change: bool) -> Protocol:
        return protocol_upsert(code=obj.code, name=obj.name, actor=actor_of(request))


class WorkItemStatusInline(admin.TabularInline):  # type: ignore[type-arg]
    """The status history, newest first; new statuses are added on the status page."""

    model = WorkItemStatus
    fields = ("status", "lifecycle", "status_on", "status_precision", "recorded_at", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(ServiceAdmin):
    list_display = ["identifier", "body", "protocol", "hybrid", "title"]
    list_filter = ["body", "protocol", "hybrid"]
    search_fields = ["identifier", "title", "algorithms_text", "note"]
    list_select_related = ["body", "protocol"]
    filter_horizontal = ["algorithms"]
    raw_id_fields = ["source"]
    inlines = [WorkItemStatusInline]

    def save_via_service(self, request: HttpRequest, obj: WorkItem, form: Any, change: bool) -> WorkItem:
        return work_item_upsert(
            body=obj.body,
            identifier=obj.identifier,
            actor=actor_of(request),
            source=obj.source,
            algorithms=list(form.cleaned_data["algorithms"]),
            title=obj.title,
            protocol=obj.protocol,
            protocol_label=obj.protocol_label,
            algorithms_text=obj.algorithms_text,
            hybrid=obj.hybrid,
            expected_completion_on=obj.expected_completion_on,
            expected_completion_precision=obj.expected_completion_precision,
            note=obj.note,
        )


@admin.register(WorkItemStatus)
class WorkItemStatusAdmin(ServiceAdmin):
    """Statuses are history: add a new one, never edit an old one. The lifecycle stage is derived."""

    list_display = ["work_item", "status", "lifecycle", "status_on", "status_precision", "recorded_at"]
    list_filter = ["lifecycle", "work_item__body", "work_item__protocol"]
    search_fields = ["work_item__identifier", "status"]
    list_select_related = ["work_item__body"]
    raw_id_fields = ["work_item", "source"]
    exclude = ["lifecycle", "recorded_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_via_service(self, request: HttpRequest, obj: WorkItemStatus, form: Any, change: bool) -> WorkItemStatus:
        return work_item_status_record(
            work_item=obj.work_item,
            status=obj.status,
            on=partial(obj.status_on, obj.status_precision),
            source=obj.source,
            actor=actor_of(request),
        )


@admin.register(Mechanism)
class MechanismAdmin(ServiceAdmin):
    list_display = ["name", "protocol", "kind", "code_point", "hybrid", "classical_component"]
    list_filter = ["protocol", "kind", "hybrid"]
    search_fields = ["name", "code_point", "cited_row", "note"]
    list_select_related = ["protocol"]
    filter_horizontal = ["parameter_sets", "work_items"]

    def save_via_service(self, request: HttpRequest, obj: Mechanism, form: Any, change: bool) -> Mechanism:
        return mechanism_upsert(
            protocol=obj.protocol,
            name=obj.name,
            actor=actor_of(request),
            parameter_sets=list(form.cleaned_data["parameter_sets"]),
            work_items=list(form.cleaned_data["work_items"]),
            kind=obj.kind,
            code_point=obj.code_point,
            hybrid=obj.hybrid,
            classical_component=obj.classical_component,
            classical_algorithm=obj.classical_algorithm,
            cited_row=obj.cited_row,
            note=obj.note,
        )
