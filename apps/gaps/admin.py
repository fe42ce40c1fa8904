"""Admin for gaps: findings to browse and triage (through the services), runs to watch. Computed fields are
read-only: a gap is never typed in by hand."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core.exceptions import DomainError
from apps.gaps.models import (
    FINDING_CONTENT_FIELDS,
    FINDING_INTERNAL_FIELDS,
    FINDING_LIFECYCLE_FIELDS,
    FINDING_SUBJECT_FIELDS,
    GAP_RUN_FIELDS,
    Finding,
    FindingEvent,
    GapRun,
)
from apps.gaps.services import finding_acknowledge, recompute_now

EVENT_FIELDS = ("at", "kind", "from_status", "to_status", "actor", "run", "reason", "changes")


class FindingEventInline(admin.TabularInline):
    model = FindingEvent
    extra = 0
    can_delete = False
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["title", "rule", "severity", "score", "status", "years_left", "updated_at"]
    list_filter = ["rule", "severity", "status"]
    search_fields = ["key", "title", "explanation"]
    ordering = ["-score", "key"]
    inlines = [FindingEventInline]
    actions = ["acknowledge", "recompute"]
    readonly_fields = [
        "key",
        *FINDING_SUBJECT_FIELDS,
        *FINDING_CONTENT_FIELDS,
        *FINDING_INTERNAL_FIELDS,
        *FINDING_LIFECYCLE_FIELDS,
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined,arg-type]

    @admin.action(description="Acknowledge the selected gaps")
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        done = 0
        for finding in queryset:
            try:
                finding_acknowledge(finding=finding, actor=request.user, reason="Acknowledged in the admin.")  # type: ignore[arg-type]
                done += 1
            except DomainError as error:
                self.message_user(request, f"{finding.key}: {error.message}", messages.WARNING)
        self.message_user(request, f"{done} gap(s) acknowledged.")

    @admin.action(description="Recompute all gaps now")
    def recompute(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        try:
            run = recompute_now(actor=request.user)  # type: ignore[arg-type]
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, run.notice or f"Run {run.pk} queued; see Gap runs for its progress.")


@admin.register(GapRun)
class GapRunAdmin(admin.ModelAdmin):
    list_display = GAP_RUN_FIELDS
    list_filter = ["trigger", "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
