from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin import ServiceAdmin
from apps.nations.models import Coalition, Membership, Nation
from apps.nations.services import coalition_upsert, membership_set, nation_upsert


@admin.register(Nation)
class NationAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    service = staticmethod(nation_upsert)
    service_fields = ("code", "name", "kind")


@admin.register(Coalition)
class CoalitionAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind", "is_defence"]
    list_filter = ["kind", "is_defence"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    service = staticmethod(coalition_upsert)
    service_fields = ("code", "name", "kind", "is_defence", "note")


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

    service = staticmethod(membership_set)
    service_fields = ("coalition", "nation", "joined", "left")
    form_fields = ("reason",)
