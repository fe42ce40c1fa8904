"""Curating the algorithm catalogue."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_curate_catalogue
from apps.algorithms.models import Algorithm, ParameterSet
from apps.audit.context import attribute
from apps.core.services import upsert
from apps.gaps.services import request_recompute
from apps.sources.services import Cited, source_cited


@transaction.atomic
def algorithm_upsert(*, name: str, actor: User | None, source: Cited, **values: Any) -> Algorithm:
    """Create the algorithm ``name`` or bring it up to date; ``values`` are Algorithm fields."""
    ensure_can_curate_catalogue(actor)
    values["source"] = stored = source_cited(source)
    attribute(actor=actor, source=stored, reason=f"algorithm {name}")
    algorithm, changed = upsert(Algorithm, lookup={"name": name}, values=values)
    if changed:
        request_recompute(nation_ids=None, reason=f"algorithm {name} changed")
    return algorithm


@transaction.atomic
def parameter_set_upsert(
    *, algorithm: Algorithm, name: str, security_category: int | None, note: str = "", actor: User | None
) -> ParameterSet:
    """Create the parameter set ``name`` of ``algorithm`` or bring its category and note up to date."""
    ensure_can_curate_catalogue(actor)
    attribute(actor=actor, reason=f"parameter set {name}")
    values = {"algorithm": algorithm, "security_category": security_category, "note": note}
    parameter_set, changed = upsert(ParameterSet, lookup={"name": name}, values=values)
    if changed:
        request_recompute(nation_ids=None, reason=f"parameter set {name} changed")
    return parameter_set
