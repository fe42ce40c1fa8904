from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from apps.core.admin import AppendOnlyAdmin, actor_of
from apps.core.exceptions import DomainError
from apps.positions.models import Approval, Milestone, Position
from apps.positions.services import approval_set, declaration_withdraw, milestone_set, position_declare

DECLARED_FIELDS = ["nation", "scope", "releasability", "source", "declared_on", "declared_precision", "note"]
#: What every declaring service takes from the admin's form, ``declared`` as the partial date.
DECLARED_ARGUMENTS = ("nation", "scope", "releasability", "source", "declared", "note")


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
class PositionAdmin(AppendOnlyAdmin):
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

    service = staticmethod(position_declare)
    service_fields = (*DECLARED_ARGUMENTS, "pqc_stance", "qkd_stance", "hybrid_policy", "algorithms_named")


class WithdrawableAdmin(AppendOnlyAdmin):
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

    service = staticmethod(approval_set)
    service_fields = (*DECLARED_ARGUMENTS, "algorithm", "parameter_set", "status", "until")


@admin.register(Milestone)
class MilestoneAdmin(WithdrawableAdmin):
    list_display = ["nation", "kind", "title", "target_on", "target_precision", "scope", "superseded_at"]
    list_filter = [CurrentFilter, "kind", "scope", "target_precision", "releasability"]
    search_fields = ["nation__code", "title", "scope_text"]
    list_select_related = ["nation"]
    raw_id_fields = ["source"]
    fields = [*DECLARED_FIELDS, "kind", "title", "target_on", "target_precision", "scope_text"]

    service = staticmethod(milestone_set)
    service_fields = (*DECLARED_ARGUMENTS, "kind", "title", "target", "scope_text")
