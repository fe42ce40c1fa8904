from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin import AppendOnlyAdmin, ServiceAdmin
from apps.standards.models import Mechanism, Protocol, StandardsBody, WorkItem, WorkItemStatus
from apps.standards.services import (
    body_upsert,
    mechanism_upsert,
    protocol_upsert,
    work_item_status_record,
    work_item_upsert,
)


class CodeNameAdmin(ServiceAdmin):
    """A row that is only its code and its name (a standards body, a protocol)."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    service_fields = ("code", "name")


@admin.register(StandardsBody)
class StandardsBodyAdmin(CodeNameAdmin):
    service = staticmethod(body_upsert)


@admin.register(Protocol)
class ProtocolAdmin(CodeNameAdmin):
    service = staticmethod(protocol_upsert)


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

    service = staticmethod(work_item_upsert)
    service_fields = (
        "body", "identifier", "source", "title", "protocol", "protocol_label", "algorithms_text", "hybrid",
        "expected_completion_on", "expected_completion_precision", "note",
    )  # fmt: skip
    form_fields = ("algorithms",)


@admin.register(WorkItemStatus)
class WorkItemStatusAdmin(AppendOnlyAdmin):
    """Statuses are history: add a new one, never edit an old one. The lifecycle stage is derived."""

    list_display = ["work_item", "status", "lifecycle", "status_on", "status_precision", "recorded_at"]
    list_filter = ["lifecycle", "work_item__body", "work_item__protocol"]
    search_fields = ["work_item__identifier", "status"]
    list_select_related = ["work_item__body"]
    raw_id_fields = ["work_item", "source"]
    exclude = ["lifecycle", "recorded_by"]

    service = staticmethod(work_item_status_record)
    service_fields = ("work_item", "status", "source")
    renamed_fields = {"on": "status_date"}


@admin.register(Mechanism)
class MechanismAdmin(ServiceAdmin):
    list_display = ["name", "protocol", "kind", "code_point", "hybrid", "classical_component"]
    list_filter = ["protocol", "kind", "hybrid"]
    search_fields = ["name", "code_point", "cited_row", "note"]
    list_select_related = ["protocol"]
    filter_horizontal = ["parameter_sets", "work_items"]

    service = staticmethod(mechanism_upsert)
    service_fields = (
        "protocol", "name", "kind", "code_point", "hybrid", "classical_component", "classical_algorithm",
        "cited_row", "note",
    )  # fmt: skip
    form_fields = ("parameter_sets", "work_items")
