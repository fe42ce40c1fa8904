"""Recording sources. ``source_record`` is the one way a source is made, from a citation given by a user, a
token, the admin or a data file; the services that write records citing a source take the citation and
store it in their own transaction (``source_cited``), so a refused write leaves no source behind."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import InvalidInput, Unprocessable
from apps.core.services import validate
from apps.sources.models import PrimarySeen, Source, SourceKind


@dataclass(frozen=True)
class SourceCitation:
    """A citation as given, before it is stored: who said it, in what, when (at its precision), where the
    fact was confirmed (``url``), the official document (``primary_url``), whether it was verified, and
    (optional) the day someone last confirmed the source still says it (``confirmed_on``)."""

    authority: str = ""
    document: str = ""
    url: str = ""
    primary_url: str = ""
    primary_seen: str = PrimarySeen.UNKNOWN
    published: PartialDate | None = None
    verified: bool = False
    note: str = ""
    kind: str = SourceKind.UNKNOWN
    confirmed_on: date | None = None

    @classmethod
    def of(cls, source: Source) -> SourceCitation:
        """The citation a stored source was recorded from (storing it again finds the same source)."""
        return cls(
            authority=source.authority,
            document=source.document,
            url=source.url,
            primary_url=source.primary_url,
            primary_seen=source.primary_seen,
            published=source.published,
            verified=source.verified,
            note=source.note,
            kind=source.kind,
            confirmed_on=source.confirmed_on,
        )

    def model_fields(self) -> dict[str, Any]:
        """The ``Source`` columns this citation fills (text stripped, the date split into day and precision)."""
        published = self.published
        return {
            "authority": self.authority.strip(),
            "document": self.document.strip(),
            "url": self.url.strip(),
            "primary_url": self.primary_url.strip(),
            "primary_seen": self.primary_seen,
            "published_on": published.value if published else None,
            "published_precision": published.precision if published else DatePrecision.DAY,
            "verified": self.verified,
            "note": self.note.strip(),
            "kind": self.kind,
            "confirmed_on": self.confirmed_on,
        }

    def draft(self) -> Source:
        """The source as an unsaved row, for a preview (which writes nothing)."""
        return Source(**self.model_fields())

    def shortcomings(self) -> list[str]:
        """What a citation given by a person lacks (issue 10): who said it (an authority or a document),
        when (a publication date, at its precision), and what kind of source it is."""
        columns = self.model_fields()
        missing = []
        if not columns["authority"] and not columns["document"]:
            missing.append("Name the issuing authority or the document.")
        if columns["published_on"] is None:
            missing.append("Give the publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
        if not self.kind:
            missing.append("Say what kind of source it is.")
        if self.confirmed_on is not None and self.confirmed_on > timezone.localdate():
            missing.append("A source cannot have been confirmed after today.")
        return missing


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
    kind: str = SourceKind.UNKNOWN,
    confirmed_on: date | None = None,
) -> Source:
    """The source with exactly this citation, created if it is new. Sources are immutable evidence: a
    corrected citation is a new source, and records citing the old one keep it."""
    citation = SourceCitation(
        authority=authority,
        document=document,
        url=url,
        primary_url=primary_url,
        primary_seen=primary_seen,
        published=published,
        verified=verified,
        note=note,
        kind=kind,
        confirmed_on=confirmed_on,
    )
    columns = citation.model_fields()
    key = Source.compute_key(columns)
    source = Source.objects.filter(key=key).first()
    if source is None:
        source = Source(key=key, **columns)
        validate(source, exclude=["key"])
        try:
            with transaction.atomic():
                source.save()
        except IntegrityError:
            # The same citation stored by a concurrent transaction (which has committed by now).
            source = Source.objects.get(key=key)
    return source


#: What a service that writes a sourced record takes: a citation to store, a source already stored (the
#: admin's choice, a successor keeping its predecessor's), or none.
Cited = SourceCitation | Source | None


def ensure_cited_by_person(cited: Cited) -> None:
    """Refuse (``Unprocessable`` on the field ``source``) what a user or a token cites unless it is a source
    that says who and when (issue 10; the reference data's rows are held to what their files give). The
    writing services ask it through ``source_cited``; a preview of their draft asks it too, so it is refused
    as the save would be."""
    if cited is None:
        raise Unprocessable("Cite the source of this declaration.", field="source")
    missing = (cited if isinstance(cited, SourceCitation) else SourceCitation.of(cited)).shortcomings()
    if missing:
        raise Unprocessable(" ".join(missing), errors={"source": missing})


def source_cited(cited: Cited, *, by_person: bool = False) -> Source | None:
    """The stored source for ``cited``, storing a new citation through ``source_record``; a refusal is an
    ``InvalidInput`` on the field ``source``. ``by_person``: the record is written by a user or a token
    (``ensure_cited_by_person``). Call it inside the writing service's transaction."""
    if by_person:
        ensure_cited_by_person(cited)
    if not isinstance(cited, SourceCitation):
        return cited
    try:
        return source_record(**{f.name: getattr(cited, f.name) for f in fields(cited)})
    except InvalidInput as error:
        messages = [f"{name}: {' '.join(texts)}" for name, texts in error.errors.items()]
        raise InvalidInput(error.message, errors={"source": messages}) from None
