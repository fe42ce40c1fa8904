"""The gap rules, one module each, all registered in ``REGISTRY`` (rule code → pure function)."""

from apps.gaps.rules import (  # noqa: F401  (importing registers each rule)
    common_algorithms,
    deadline_risk,
    hybrid_conflict,
    no_common_mechanism,
    qkd_divergence,
    stale_position,
    standard_not_ready,
    transition_window,
    undeclared_stance,
)
from apps.gaps.rules.base import REGISTRY, FindingDraft, Subjects

__all__ = ["REGISTRY", "FindingDraft", "Subjects"]
