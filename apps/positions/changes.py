"""Field-level differences between two declarations of one kind, as a reader compares them."""

from __future__ import annotations

from dataclasses import dataclass

from apps.positions.models import Approval, Declared, Milestone, Position
from apps.sources.models import Source


@dataclass(frozen=True)
class FieldChange:
    """One field's change, in a reader's words (``field``: its name, for machine readers)."""

    label: str
    before: str
    after: str
    field: str = ""


#: The fields a reader compares between declarations of each kind, with their labels.
_COMMON_FIELDS = (
    ("releasability", "releasability"),
    ("declared", "declared"),
    ("source", "source"),
    ("note", "note"),
)
COMPARED_FIELDS: dict[type[Declared], tuple[tuple[str, str], ...]] = {
    Position: (
        ("pqc_stance", "PQC"),
        ("qkd_stance", "QKD"),
        ("hybrid_policy", "hybrid"),
        *_COMMON_FIELDS[:2],
        ("algorithms_named", "algorithms named"),
        *_COMMON_FIELDS[2:],
    ),
    Approval: (("status", "status"), ("until", "until"), *_COMMON_FIELDS),
    Milestone: (("target", "target"), ("scope_text", "scope in the source's words"), *_COMMON_FIELDS),
}


def _shown(record: Declared, name: str) -> str:
    if name == "releasability":
        return record.releasability.code if record.releasability else "public"
    if name == "source":
        return _source_label(record.source)
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    return "—" if value in (None, "") else str(value)


def _source_label(source: Source | None) -> str:
    if source is None:
        return "none"
    published = f" ({source.published})" if source.published else ""
    return f"{source.authority or 'unknown authority'}, {source.document or source.url}{published}"


def declaration_changes(before: Declared | None, after: Declared) -> list[FieldChange]:
    """The fields that differ between two declarations of one kind (all of them for a first declaration)."""
    changes = []
    for name, label in COMPARED_FIELDS[type(after)]:
        old = _shown(before, name) if before is not None else ""
        new = _shown(after, name)
        if old != new:
            changes.append(FieldChange(label=label, before=old, after=new, field=name))
    return changes
