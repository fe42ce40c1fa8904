from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.algorithms.models import Algorithm, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.admin import ServiceAdmin

ALGORITHM_FIELDS = [
    "aliases", "family", "kind", "quantum_vulnerable", "standard", "status", "status_on", "status_precision",
    "security_categories", "security_note", "parameter_sets_text", "note",
]  # fmt: skip


@admin.register(Algorithm)
class AlgorithmAdmin(ServiceAdmin):
    list_display = ["name", "kind", "standard", "status", "status_on", "quantum_vulnerable"]
    list_filter = ["kind", "quantum_vulnerable"]
    search_fields = ["name", "family", "standard", "note"]
    fields = ["name", *ALGORITHM_FIELDS, "source"]
    raw_id_fields = ["source"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name"] if obj else []

    service = staticmethod(algorithm_upsert)
    service_fields = ("name", *ALGORITHM_FIELDS, "source")


@admin.register(ParameterSet)
class ParameterSetAdmin(ServiceAdmin):
    list_display = ["name", "algorithm", "security_category"]
    list_filter = ["security_category", "algorithm__kind"]
    search_fields = ["name", "algorithm__name"]
    list_select_related = ["algorithm"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name"] if obj else []

    service = staticmethod(parameter_set_upsert)
    service_fields = ("algorithm", "name", "security_category", "note")
