"""Loading ``fixtures/mechanisms.csv``: the protocol mechanisms derived from the standards rows.

Kept apart from the main loader: it runs after the algorithms, parameter sets and work items are in, and
names the work items by body and identifier. An identifier also matches the published document that carries
it in parentheses ("RFC 10024 (draft-ietf-tls-ecdhe-mlkem)"), so a draft that becomes an RFC keeps
defining its mechanisms."""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, ParameterSet
from apps.core.exceptions import DomainError
from apps.importer.rows import Row
from apps.standards.models import MechanismKind, Protocol, WorkItem
from apps.standards.services import mechanism_upsert

FILE = "mechanisms.csv"
COLUMNS = ["protocol_code", "name", "kind", "code_point", "hybrid", "classical_component", "classical_algorithm",
           "parameter_sets", "work_items", "cited_row", "note"]  # fmt: skip


def _work_items(row: Row) -> list[WorkItem]:
    found: dict[int, WorkItem] = {}
    for reference in row.items("work_items"):
        body, _, identifier = reference.partition(":")
        matches = list(
            WorkItem.objects.filter(body__code=body).filter(
                Q(identifier=identifier) | Q(identifier__endswith=f"({identifier})")
            )
        )
        if not matches:
            raise row.error("work_items", f"no work item {identifier!r} at {body!r}")
        found.update((item.pk, item) for item in matches)
    return list(found.values())


def load_mechanisms(rows: list[Row], *, actor: User | None) -> None:
    """Write every mechanism row through ``mechanism_upsert``; a bad reference names the row and column."""
    protocols = {p.code: p for p in Protocol.objects.all()}
    parameter_sets = {p.name: p for p in ParameterSet.objects.all()}
    algorithms = {a.name: a for a in Algorithm.objects.all()}
    for row in rows:
        protocol = protocols.get(row.required("protocol_code"))
        if protocol is None:
            raise row.error("protocol_code", f"unknown protocol {row.text('protocol_code')!r}")
        sets = []
        for name in row.items("parameter_sets"):
            if name not in parameter_sets:
                raise row.error("parameter_sets", f"unknown parameter set {name!r}")
            sets.append(parameter_sets[name])
        classical_name = row.text("classical_algorithm")
        if classical_name and classical_name not in algorithms:
            raise row.error("classical_algorithm", f"unknown algorithm {classical_name!r}")
        try:
            mechanism_upsert(
                protocol=protocol,
                name=row.required("name"),
                actor=actor,
                parameter_sets=sets,
                work_items=_work_items(row),
                kind=row.choice("kind", MechanismKind),
                code_point=row.text("code_point"),
                hybrid=row.yes_no("hybrid"),
                classical_component=row.text("classical_component"),
                classical_algorithm=algorithms.get(classical_name) if classical_name else None,
                cited_row=row.required("cited_row"),
                note=row.text("note"),
            )
        except DomainError as exc:
            raise row.error(exc.field or "-", exc.message) from None
