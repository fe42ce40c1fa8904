"""A finding's evidence as its page shows it: each record it rests on, named in a planner's words, with a
link to the record's page and the source it cites. The rules store each citation as model, id and a label
written for the engine; this reads the records themselves, as the reader may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from apps.accounts.models import User
from apps.gaps.models import Finding
from apps.positions.models import Approval, Declared, Milestone, Position
from apps.sources.models import Source
from apps.standards.models import Mechanism, WorkItem


@dataclass(frozen=True)
class EvidenceItem:
    """One record a finding rests on: what it is, where to read it, and the source it cites."""

    label: str
    url: str
    source: Source | None


def _scope(record: Declared) -> str:
    return str(record.get_scope_display()).lower()


def _declared_label(record: Declared) -> str:
    code = record.nation.code
    if isinstance(record, Approval):
        subject = record.parameter_set.name if record.parameter_set else record.algorithm.name
        return f"{code} approval of {subject} ({_scope(record)}): {record.get_status_display()}"
    if isinstance(record, Milestone):
        kind = record.get_kind_display()
        return f"{code} milestone: {kind}, {record.title} by {record.target} ({_scope(record)})"
    return f"{code} position ({_scope(record)})"


def _declared_url(record: Declared) -> str:
    """The record on its nation's dossier while it is in force (as its reader knows), else in the history."""
    page = "nation" if record.is_current else "nation-history"
    return f"{reverse(page, args=[record.nation.code])}#{type(record)._meta.model_name}-{record.pk}"


Loader = Callable[[User, list[int]], dict[int, EvidenceItem]]


def _declared(model: type[Declared], *related: str) -> Loader:
    """Declarations are read as the reader may see them (``seen_by``): a hidden one is simply not found."""

    def load(user: User, ids: list[int]) -> dict[int, EvidenceItem]:
        declarations: Any = model._default_manager
        records = declarations.seen_by(user).filter(pk__in=ids).select_related("nation", "source", *related)
        return {r.pk: EvidenceItem(_declared_label(r), _declared_url(r), r.source) for r in records}

    return load


def _work_items(user: User, ids: list[int]) -> dict[int, EvidenceItem]:
    """Work items are a public catalogue; each links to the document it cites."""
    items = WorkItem.objects.filter(pk__in=ids).select_related("body", "protocol", "source")
    return {
        w.pk: EvidenceItem(
            f"{w.body.code} {w.identifier} ({w.protocol.code}): {w.title}", w.source.url if w.source else "", w.source
        )
        for w in items
    }


def _mechanisms(user: User, ids: list[int]) -> dict[int, EvidenceItem]:
    mechanisms = Mechanism.objects.filter(pk__in=ids).select_related("protocol")
    return {
        m.pk: EvidenceItem(f"{m.protocol.code} mechanism {m.name}", reverse("mechanism", args=[m.pk]), None)
        for m in mechanisms
    }


#: How each kind of evidence record is read, by the model label the rules cite it under.
_LOADERS: dict[str, Loader] = {
    "positions.position": _declared(Position),
    "positions.approval": _declared(Approval, "algorithm", "parameter_set"),
    "positions.milestone": _declared(Milestone),
    "standards.workitem": _work_items,
    "standards.mechanism": _mechanisms,
}


def finding_evidence(*, user: User, finding: Finding) -> list[EvidenceItem]:
    """The records ``finding`` rests on, in its evidence order, as ``user`` may see them: one the user may
    not see (or that no longer exists) is left out, not shown by its stored label. One query per kind of
    record cited."""
    wanted: dict[str, list[int]] = {}
    for entry in finding.evidence:
        if entry.get("model") in _LOADERS and isinstance(entry.get("id"), int):
            wanted.setdefault(entry["model"], []).append(entry["id"])
    found = {model: _LOADERS[model](user, ids) for model, ids in wanted.items()}
    return [
        found[entry["model"]][entry["id"]]
        for entry in finding.evidence
        if entry.get("id") in found.get(entry.get("model"), {})
    ]
