"""Curating standards bodies, protocols, work items and their status history."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_curate_catalogue
from apps.algorithms.models import Algorithm, ParameterSet
from apps.audit.context import attribute
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import InvalidInput, NotFound
from apps.core.services import upsert, validate
from apps.gaps.services import request_recompute
from apps.sources.services import Cited, source_cited
from apps.standards.models import STATUS_LIFECYCLE, Mechanism, Protocol, StandardsBody, WorkItem, WorkItemStatus


def lifecycle_of(status: str) -> str:
    """The common lifecycle stage of a body's own status word."""
    try:
        return STATUS_LIFECYCLE[status]
    except KeyError:
        known = ", ".join(sorted(STATUS_LIFECYCLE))
        raise InvalidInput(f"Unknown status {status!r}; known statuses: {known}.", field="status") from None


@transaction.atomic
def body_upsert(*, code: str, name: str = "", actor: User | None) -> StandardsBody:
    ensure_can_curate_catalogue(actor)
    attribute(actor=actor, reason=f"standards body {code}")
    body, _ = StandardsBody.objects.get_or_create(code=code, defaults={"name": name or code})
    return body


@transaction.atomic
def protocol_upsert(*, code: str, name: str = "", actor: User | None) -> Protocol:
    ensure_can_curate_catalogue(actor)
    attribute(actor=actor, reason=f"protocol {code}")
    protocol, _ = Protocol.objects.get_or_create(code=code, defaults={"name": name or code})
    return protocol


@transaction.atomic
def work_item_upsert(
    *,
    body: StandardsBody,
    identifier: str,
    actor: User | None,
    source: Cited,
    algorithms: list[Algorithm] | None = None,
    formerly: str = "",
    **values: Any,
) -> WorkItem:
    """Create the work item ``identifier`` at ``body`` or bring its description up to date. ``formerly``:
    the identifier the same document was recorded under (a draft that became an RFC), renamed to
    ``identifier`` unless that one exists already; its status history stays with it."""
    ensure_can_curate_catalogue(actor)
    values["source"] = stored = source_cited(source)
    attribute(actor=actor, source=stored, reason=f"work item {identifier}")
    lookup = {"body": body, "identifier": identifier}
    if formerly and formerly != identifier and not WorkItem.objects.filter(**lookup).exists():
        lookup["identifier"] = formerly
        values["identifier"] = identifier
        if not WorkItem.objects.filter(**lookup).exists():
            raise NotFound(
                f"No work item {formerly!r} at {body.code} for {identifier!r} to supersede.", field="formerly"
            )
    item, changed = upsert(WorkItem, lookup=lookup, values=values)
    if algorithms is not None:
        wanted = {a.pk for a in algorithms}
        have = set(item.algorithms.values_list("pk", flat=True))
        if wanted != have:
            item.algorithms.set(wanted)
            changed = True
    if changed:
        request_recompute(nation_ids=None, reason=f"work item {identifier} changed")
    return item


@transaction.atomic
def work_item_status_record(
    *,
    work_item: WorkItem,
    status: str,
    actor: User | None,
    source: Cited,
    on: PartialDate | None = None,
) -> WorkItemStatus:
    """Record that ``work_item`` reached ``status`` (on ``on``). Statuses accumulate as history; the same
    status on the same date recorded again is a no-op. A user or a token must cite a source that says who
    and when (``source_cited``); the loader cites its rows."""
    ensure_can_curate_catalogue(actor)
    day = on.value if on else None
    existing = WorkItemStatus.objects.filter(work_item=work_item, status=status, status_on=day).first()
    if existing is not None:
        return existing
    stored = source_cited(source, by_person=actor is not None)  # a person cites who said it and when
    attribute(actor=actor, source=stored, reason=f"status of {work_item.identifier}")
    record = WorkItemStatus(
        work_item=work_item,
        status=status,
        lifecycle=lifecycle_of(status),
        status_on=day,
        status_precision=on.precision if on else DatePrecision.DAY,
        source=stored,
        recorded_by=actor,
    )
    validate(record, exclude=["recorded_by"])
    record.save()
    request_recompute(nation_ids=None, reason=f"status of {work_item.identifier} changed")
    return record


@transaction.atomic
def mechanism_upsert(
    *,
    protocol: Protocol,
    name: str,
    actor: User | None,
    parameter_sets: list[ParameterSet],
    work_items: list[WorkItem],
    **values: Any,
) -> Mechanism:
    """Create the mechanism ``name`` of ``protocol`` or bring it up to date. It must combine at least one
    parameter set, be defined by work items of its own protocol, and name its classical component exactly
    when it is hybrid."""
    ensure_can_curate_catalogue(actor)
    attribute(actor=actor, reason=f"mechanism {protocol.code} {name}")
    if not parameter_sets:
        raise InvalidInput("A mechanism combines at least one parameter set.", field="parameter_sets")
    strangers = sorted(w.identifier for w in work_items if w.protocol_id != protocol.pk)
    if strangers:
        raise InvalidInput(
            f"Work items of another protocol cannot define a {protocol.code} mechanism: {', '.join(strangers)}.",
            field="work_items",
        )
    hybrid = bool(values.get("hybrid"))
    classical = values.get("classical_component", "")
    if hybrid != bool(classical) or (not hybrid and values.get("classical_algorithm") is not None):
        raise InvalidInput(
            "A hybrid mechanism names its classical component; a pure one names none.", field="classical_component"
        )
    mechanism, _ = upsert(Mechanism, lookup={"protocol": protocol, "name": name}, values=values)
    for relation, wanted in (("parameter_sets", parameter_sets), ("work_items", work_items)):
        manager = getattr(mechanism, relation)
        if {r.pk for r in wanted} != set(manager.values_list("pk", flat=True)):
            manager.set(wanted)
    return mechanism
