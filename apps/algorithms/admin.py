from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.algorithms.models import Algorithm, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.core.admin import ServiceAdmin, actor_of

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

    def save_via_service(self, request: HttpRequest, obj: Algorithm, form: Any, change: bool) -> Algorithm:
        values = {name: getattr(obj, name) for name in ALGORITHM_FIELDS}
        return algorithm_upsert(name=obj.name, actor=actor_of(request), source=obj.source, **values)


@admin.register(ParameterSet)
class ParameterSetAdmin(ServiceAdmin):
    list_display = ["name", "algorithm", "security_category"]
    list_filter = ["security_category", "algorithm__kind"]
    search_fields = ["name", "algorithm__name"]
    list_select_related = ["algorithm"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name"] if obj else []

    def save_via_service(self, request: HttpRequest, obj: ParameterSet, form: Any, change: bool) -> ParameterSet:
        return parameter_set_upsert(
            algorithm=obj.algorithm,
            name=obj.name,
            security_category=obj.security_category,
            note=obj.note,
            actor=actor_of(request),
        )
