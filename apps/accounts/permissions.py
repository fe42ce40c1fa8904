"""Who may change what. Services call these before writing; views only decide what to show."""

from __future__ import annotations

from apps.accounts.models import Role, User
from apps.core.exceptions import NotPermitted


def ensure_can_write_nation(actor: User | None, nation_id: int) -> None:
    """Liaison officers and systems write only for their own nations. ``actor=None`` is the loader."""
    if actor is None or actor.sees_everything:
        return
    if actor.role in (Role.LIAISON_OFFICER, Role.SYSTEM) and nation_id in actor.writable_nation_ids():
        return
    raise NotPermitted("You may record positions only for your own nation.")


def ensure_can_curate_catalogue(actor: User | None) -> None:
    """Algorithms and standards work are global catalogues, curated by standards analysts."""
    if actor is None or actor.sees_everything or actor.role == Role.STANDARDS_ANALYST:
        return
    raise NotPermitted("Only standards analysts may change the algorithm and standards catalogues.")


def ensure_can_administer_clearance(actor: User | None) -> None:
    """Coalition memberships decide what every user of a nation is cleared to see, so only administrators
    change them (a standards analyst curating catalogues must not be able to clear themselves)."""
    if actor is None or actor.sees_everything:
        return
    raise NotPermitted("Only administrators may change coalition memberships.")


def ensure_can_triage(actor: User | None) -> None:
    """Acknowledging, waiving and recomputing gaps is the planners' work."""
    if actor is None or actor.sees_everything or actor.role == Role.PLANNER:
        return
    raise NotPermitted("Only interoperability planners may triage gaps.")
