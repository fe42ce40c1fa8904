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

    def evidence(self) -> dict[str, object]:
        return {"model": self.model, "id": self.id, "label": self.label}


class Record:
    """A row a rule may cite. Rows of the global catalogues (work items, mechanisms) are public."""

    MODEL: ClassVar[str]
    id: int | None
    releasability_id: int | None = None

    def cite(self, label: str) -> Citation:
        return Citation(self.MODEL, self.id, label, self.releasability_id)
