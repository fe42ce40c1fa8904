from django.contrib import admin
from django.db import models

from apps.core.admin import AppendOnlyAdmin
from apps.sources.models import Source
from apps.sources.services import source_record


@admin.register(Source)
class SourceAdmin(AppendOnlyAdmin):
    """Sources are immutable evidence: add a corrected one instead of editing."""

    list_display = [
        "authority",
        "document",
        "kind",
        "published_on",
        "published_precision",
        "verified",
        "primary_seen",
        "confirmed_on",
    ]
    list_filter = ["kind", "verified", "primary_seen", "published_precision"]
    search_fields = ["authority", "document", "url", "primary_url", "note"]
    exclude = ["key"]
    # A web address typed without its scheme is taken as https, as the web forms take it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    service = staticmethod(source_record)
    service_fields = (
        "authority",
        "document",
        "kind",
        "url",
        "primary_url",
        "primary_seen",
        "published",
        "verified",
        "confirmed_on",
        "note",
    )
    service_takes_actor = False
