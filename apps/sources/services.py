"""Recording sources."""

from __future__ import annotations

from apps.core.dates import DatePrecision, PartialDate
from apps.core.services import validate
from apps.sources.models import PrimarySeen, Source


def source_record(
    *,
    authority: str = "",
    document: str = "",
    url: str = "",
    primary_url: str = "",
    primary_seen: str = PrimarySeen.UNKNOWN,
    published: PartialDate | None = None,
    verified: bool = False,
    note: str = "",
) -> Source:
    """The source with exactly this citation, created if it is new. Sources are immutable evidence: a
    corrected citation is a new source, and records citing the old one keep it."""
    fields = {
        "authority": authority.strip(),
        "document": document.strip(),
        "url": url.strip(),
        "primary_url": primary_url.strip(),
        "primary_seen": primary_seen,
        "published_on": published.value if published else None,
        "published_precision": published.precision if published else DatePrecision.DAY,
        "verified": verified,
        "note": note.strip(),
    }
    key = Source.compute_key(fields)
    source = Source.objects.filter(key=key).first()
    if source is None:
        source = Source(key=key, **fields)
        validate(source, exclude=["key"])
        source.save()
    return source
