"""Where a fact comes from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from django.db import models

from apps.core.dates import DatePrecision, PartialDate, partial
from apps.core.models import TimeStamped, choices_check


class PrimarySeen(models.TextChoices):
    YES = "yes", "Official page seen"
    NO = "no", "Official page known, not seen"
    UNKNOWN = "", "Not recorded"


class Source(TimeStamped):
    """The evidence behind a record: the issuing authority, the document, its publication date at the
    precision given, the page where the fact was confirmed (``url``) and the official document
    (``primary_url``), and whether the fact was verified there.

    Sources are content-addressed (``key``): the same citation is stored once, and a changed citation is a
    new source, so records that cite the old one keep pointing at what they were based on."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    authority = models.CharField(max_length=300, blank=True)
    document = models.TextField(blank=True)
    url = models.URLField(max_length=600, blank=True, help_text="Where the fact was confirmed.")
    primary_url = models.URLField(max_length=600, blank=True, help_text="The issuing body's own document.")
    primary_seen = models.CharField(max_length=3, choices=PrimarySeen.choices, blank=True, default="")
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    verified = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_on", "authority"]
        constraints = [
            choices_check("primary_seen", PrimarySeen, "source_primary_seen_valid"),
            choices_check("published_precision", DatePrecision, "source_published_precision_valid"),
        ]

    def __str__(self) -> str:
        when = f" ({self.published})" if self.published else ""
        return f"{self.authority or 'Unknown authority'}: {self.document or self.url}{when}"[:200]

    @property
    def published(self) -> PartialDate | None:
        return partial(self.published_on, self.published_precision)

    @property
    def rests_on_secondary_only(self) -> bool:
        """True when no official document is linked: the claim rests on secondary sources alone."""
        return not self.primary_url

    @staticmethod
    def compute_key(fields: Mapping[str, object]) -> str:
        payload = json.dumps({k: str(v) for k, v in sorted(fields.items())}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()
