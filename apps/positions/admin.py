from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from apps.core.admin import DeclarationAdmin, actor_of
from apps.core.dates import partial
from apps.core.exceptions import DomainError
from apps.positions.models import Approval, Milestone, Position
from apps.positions.services import approval_set, declaration_withdraw, milestone_set, position_declare

DECLARED_FIELDS = ["nation", "scope", "releasability", "source", "declared_on", "declared_precision", "note"]


class CurrentFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Current"), ("no", "Superseded or withdrawn")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(superseded_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(superseded_at__isnull=False)
        return queryset


@admin.register(Position)
class PositionAdmin(DeclarationAdmin):
    list_display = ["nation", "scope", "pqc_stance", "qkd_stance", "hybrid_policy", "declared_on", "superseded_at"]
    list_filter = [CurrentFilter, "scope", "pqc_stance", "qkd_stance", "hybrid_policy", "releasability"]
    search_fields = ["nation__code", "nation__name", "note", "algorithms_named"]
    list_select_related = ["nation"]
    raw_id_fields = ["source"]
    fields = [*DECLARED_FIELDS, "pqc_stance", "qkd_stance", "hybrid_policy", "algorithms_named", "history"]
    readonly_fields = ["history"]

    @admin.display(description="History (newest first)")
    def history(self, obj: Position) -> str:
        if obj.pk is None:
            return "-"
        rows = Position.objects.filter(nation_id=obj.nation_id, scope=obj.scope).order_by("-recorded_at")
        return format_html_join(
            "",
            "<div>{} · recorded {} · PQC {} · QKD {} · hybrid {}{}</div>",
            (
                (p.declared or "undated", f"{p.recorded_at:%Y-%m-%d}", p.pqc_stance, p.qkd_stance,
                 p.hybrid_policy, "" if p.is_current else " (superseded)")
                for p in rows
            ),
        )  # fmt: skip

    def save_via_service(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> Position:
        return position_declare(
            nation=obj.nation,
            actor=actor_of(request),
            source=obj.source,
            pqc_stance=obj.pqc_stance,
            qkd_stance=obj.qkd_stance,
            hybrid_policy=obj.hybrid_policy,
            scope=obj.scope,
            releasability=obj.releasability,
            declared=partial(obj.declared_on, obj.declared_precision),
            algorithms_named=obj.algorithms_named,
            note=obj.note,
        )


class WithdrawableAdmin(DeclarationAdmin):
    actions = ["withdraw"]

    @admin.action(description="Withdraw the selected records (kept in the history)")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for record in queryset.filter(superseded_at__isnull=True):
            try:
                declaration_withdraw(record=record, actor=actor_of(request), reason="withdrawn in the admin")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{record}: {exc.message}", level=messages.ERROR)
        self.message_user(request, f"Withdrew {done} record(s).")


@admin.register(Approval)
class ApprovalAdmin(WithdrawableAdmin):
    list_display = ["nation", "algorithm", "parameter_set", "status", "scope", "declared_on", "superseded_at"]
    list_filter = [CurrentFilter, "status", "scope", "algorithm__kind", "releasability"]
    search_fields = ["nation__code", "algorithm__name", "parameter_set__name", "note"]
    list_select_related = ["nation", "algorithm", "parameter_set"]
    raw_id_fields = ["source"]
    fields = [*DECLARED_FIELDS, "algorithm", "parameter_set", "status", "until"]

    def save_via_service(self, request: HttpRequest, obj: Approval, form: Any, change: bool) -> Approval:
        return approval_set(
            nation=obj.nation,
            algorithm=obj.algorithm,
            parameter_set=obj.parameter_set,
            status=obj.status,
            scope=obj.scope,
            actor=actor_of(request),
            source=obj.source,
            releasability=obj.releasability,
            declared=partial(obj.declared_on, obj.declared_precision),
            until=obj.until,
            note=obj.note,
        )


@admin.register(Milestone)
class MilestoneAdmin(WithdrawableAdmin):
    list_display = ["nation", "kind", "title", "target_on", "target_precision", "scope", "superseded_at"]
    list_filter = [CurrentFilter, "kind", "scope", "target_precision", "releasability"]
    search_fields = ["nation__code", "title", "scope_text"]
    list_select_related = ["nation"]
    raw_id_fields = ["source"]
    fields = [*DECLARED_FIELDS, "kind", "title", "target_on", "target_precision", "scope_text"]

    def save_via_service(self, request: HttpRequest, obj: Milestone, form: Any, change: bool) -> Milestone:
        return milestone_set(
            nation=obj.nation,
            kind=obj.kind,
            title=obj.title,
            target=obj.target,
            scope=obj.scope,
            scope_text=obj.scope_text,
            actor=actor_of(request),
            source=obj.source,
            releasability=obj.releasability,
            declared=partial(obj.declared_on, obj.declared_precision),
            note=obj.note,
        )
