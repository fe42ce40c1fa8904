from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin import ServiceAdmin, actor_of
from apps.nations.models import Coalition, Membership, Nation
from apps.nations.services import coalition_upsert, membership_set, nation_upsert


@admin.register(Nation)
class NationAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    def save_via_service(self, request: HttpRequest, obj: Nation, form: Any, change: bool) -> Nation:
        return nation_upsert(code=obj.code, name=obj.name, kind=obj.kind, actor=actor_of(request))


@admin.register(Coalition)
class CoalitionAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind", "is_defence"]
    list_filter = ["kind", "is_defence"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    def save_via_service(self, request: HttpRequest, obj: Coalition, form: Any, change: bool) -> Coalition:
        return coalition_upsert(
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            is_defence=obj.is_defence,
            note=obj.note,
            actor=actor_of(request),
        )


class MembershipForm(forms.ModelForm):  # type: ignore[type-arg]
    reason = forms.CharField(
        max_length=200, help_text="Why the membership (and so every member's clearance) changes; kept in the audit."
    )

    class Meta:
        model = Membership
        fields = ["coalition", "nation", "joined_on", "joined_precision", "left_on", "left_precision"]


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    form = MembershipForm
    list_display = ["coalition", "nation", "joined_on", "joined_precision", "left_on", "left_precision"]
    list_filter = ["coalition"]
    search_fields = ["nation__code", "nation__name"]
    list_select_related = ["coalition", "nation"]

    def save_via_service(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> Membership:
        return membership_set(
            coalition=obj.coalition,
            nation=obj.nation,
            joined=obj.joined,
            left=obj.left,
            actor=actor_of(request),
            reason=form.cleaned_data["reason"],
        )
