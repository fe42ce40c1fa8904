from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.core.admin import ServiceAdmin
from apps.core.dates import partial
from apps.sources.models import Source
from apps.sources.services import source_record


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    """Sources are immutable evidence: add a corrected one instead of editing."""

    list_display = ["authority", "document", "published_on", "published_precision", "verified", "primary_seen"]
    list_filter = ["verified", "primary_seen", "published_precision"]
    search_fields = ["authority", "document", "url", "primary_url", "note"]
    exclude = ["key"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_via_service(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> Source:
        return source_record(
            authority=obj.authority,
            document=obj.document,
            url=obj.url,
            primary_url=obj.primary_url,
            primary_seen=obj.primary_seen,
            published=partial(obj.published_on, obj.published_precision),
            verified=obj.verified,
            note=obj.note,
        )
