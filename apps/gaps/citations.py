"""What a finding cites: a record of the snapshot, named by its model and id, with its releasability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Citation:
    """One record a finding is derived from: its evidence entry and the releasability it carries. A rule
    builds a finding from the citations of every record it read, so the evidence and the clearances the
    finding requires are the same list."""

    model: str
    id: int | None
    label: str
    releasability_id: int | None = None
    #: What the record rests on and whether it was confirmed in its source (blank / None: no source known).
    basis: str = ""
    verified: bool | None = None

    def evidence(self) -> dict[str, object]:
        entry: dict[str, object] = {"model": self.model, "id": self.id, "label": self.label}
        if self.basis:
            entry.update(basis=self.basis, verified=self.verified)
        return entry


class Record:
    """A row a rule may cite. Rows of the global catalogues (work items, mechanisms) are public."""

    MODEL: ClassVar[str]
    id: int | None
    releasability_id: int | None = None
    source_basis: str = ""
    source_verified: bool | None = None

    def cite(self, label: str) -> Citation:
        return Citation(
            self.MODEL, self.id, label, self.releasability_id, basis=self.source_basis, verified=self.source_verified
        )
