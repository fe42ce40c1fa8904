"""Where a fact comes from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date

from django.db import models

from apps.core.dates import DatePrecision, PartialDate, partial
from apps.core.models import TimeStamped, choices_check
from apps.sources.reverification import last_confirmed_on


class PrimarySeen(models.TextChoices):
    YES = "yes", "Official page seen"
    NO = "no", "Official page known, not seen"
    UNKNOWN = "", "Not recorded"


class SourceKind(models.TextChoices):
    """What a source is. Blank where the data does not say (the reference rows mostly do not)."""

    LAW = "law", "Law or regulation"
    DIRECTIVE = "directive", "Executive order or directive"
    GUIDANCE = "guidance", "Official guidance or standard"
    STATEMENT = "statement", "Official statement or speech"
    SECONDARY = "secondary", "Secondary report (news, vendor, tracker)"
    UNKNOWN = "", "Kind not recorded"


class Basis(models.TextChoices):
    """What a claim rests on, from its source's kind and links (``basis_of``)."""

    OFFICIAL = "official_document", "Official document"
    SPEECH = "speech", "Speech or statement"
    SECONDARY = "secondary_only", "Secondary pages only"
    UNSOURCED = "unsourced", "No source"


#: Strongest first: a finding rests on the best of its claims' bases.
BASIS_STRENGTH = (Basis.OFFICIAL, Basis.SPEECH, Basis.SECONDARY, Basis.UNSOURCED)


def basis_of(kind: str, primary_url: str) -> str:
    """A speech is a speech wherever it was read; otherwise a claim without the official document's link, or
    whose source is itself a secondary report, rests on secondary pages only (the reference's rule)."""
    if kind == SourceKind.STATEMENT:
        return Basis.SPEECH
    if kind == SourceKind.SECONDARY or not primary_url:
        return Basis.SECONDARY
    return Basis.OFFICIAL


def strongest_basis(bases: Iterable[str]) -> str:
    """The best basis among ``bases`` (unsourced when there are none)."""
    given = set(bases)
    return next((b.value for b in BASIS_STRENGTH if b in given), Basis.UNSOURCED.value)


def evidence_basis(evidence: Iterable[Mapping[str, object]]) -> str:
    """What a finding rests on: the strongest basis among the records it cites (a finding's ``evidence``
    entries carry each record's basis); blank when none of them has a source recorded."""
    bases = [str(entry["basis"]) for entry in evidence if entry.get("basis")]
    return strongest_basis(bases) if bases else ""


def evidence_unconfirmed(evidence: Iterable[Mapping[str, object]]) -> bool:
    """Every cited record with a source was not confirmed in it (and there is at least one)."""
    known = [entry["verified"] for entry in evidence if entry.get("basis")]
    return bool(known) and not any(known)


#: Columns added after sources were first stored: left blank (or null), they stay out of the key, so the
#: sources stored before them keep their address.
LATER_COLUMNS = ("kind", "confirmed_on")


class Source(TimeStamped):
    """The evidence behind a record: the issuing authority, the document, its publication date at the
    precision given, the page where the fact was confirmed (``url``) and the official document
    (``primary_url``), whether the fact was verified there, and the day someone last confirmed the source
    still says it (``confirmed_on``; see ``apps.sources.reverification``).

    Sources are content-addressed (``key``): the same citation is stored once, and a changed citation is a
    new source, so records that cite the old one keep pointing at what they were based on. A reconfirmation
    is such a change: the same citation confirmed on a later day is a new source, cited by a new revision
    of the declaration, and the history keeps the older one."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    authority = models.CharField(max_length=300, blank=True)
    document = models.TextField(blank=True)
    url = models.URLField(max_length=600, blank=True, help_text="Where the fact was confirmed.")
    primary_url = models.URLField(max_length=600, blank=True, help_text="The issuing body's own document.")
    primary_seen = models.CharField(max_length=3, choices=PrimarySeen.choices, blank=True, default="")
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    verified = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, choices=SourceKind.choices, blank=True, default="")
    confirmed_on = models.DateField(
        null=True, blank=True, help_text="The day someone last confirmed the source still says what it says."
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_on", "authority"]
        constraints = [
            choices_check("primary_seen", PrimarySeen, "source_primary_seen_valid"),
            choices_check("published_precision", DatePrecision, "source_published_precision_valid"),
            choices_check("kind", SourceKind, "source_kind_valid"),
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

    @property
    def basis(self) -> str:
        """What a claim citing this source rests on (``basis_of``)."""
        return basis_of(self.kind, self.primary_url)

    @property
    def unconfirmed(self) -> bool:
        """The fact was not confirmed in the source named."""
        return not self.verified

    def last_confirmed(self, day: date) -> date | None:
        """When a claim citing this source was last confirmed, as known on ``day`` (``last_confirmed_on``)."""
        return last_confirmed_on(
            confirmed_on=self.confirmed_on, published=self.published, verified=self.verified, day=day
        )

    @staticmethod
    def compute_key(fields: Mapping[str, object]) -> str:
        addressed = {k: v for k, v in fields.items() if not (k in LATER_COLUMNS and v in ("", None))}
        payload = json.dumps({k: str(v) for k, v in sorted(addressed.items())}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()
