"""What an ingest run did, in the shape the ``--format json`` contract promises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from joinedup.ingest.errors import RowError
from joinedup.ingest.minimisation import Notices


@dataclass
class IngestReport:
    """Counts per outcome, and every refused row with its reasons.

    ``accepted`` counts first versions newly stored, ``duplicate`` identical resubmissions
    (stored already, nothing written), ``new_version`` changed records kept beside the old.
    """

    accepted: int = 0
    duplicate: int = 0
    new_version: int = 0
    rejected: list[list[RowError]] = field(default_factory=list)
    batch_id: int | None = None
    stored_record_ids: list[int] = field(default_factory=list)
    notices: Notices = field(default_factory=Notices)  # fields the data register does not hold, dropped

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def as_json(self) -> dict[str, Any]:
        """Contract: ``{"accepted", "duplicate", "new_version", "rejected": [{"line",
        "source_record_id", "field", "reason"}]}``; each rejected row also lists all its
        ``errors`` (an addition: a row can be wrong in more than one place)."""
        rejected = []
        for errors in self.rejected:
            first = errors[0].as_json()
            first["errors"] = [{"field": e.field, "reason": e.reason} for e in errors]
            rejected.append(first)
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "new_version": self.new_version,
            "rejected": rejected,
            "batch_id": self.batch_id,
            "notices": self.notices.as_json(),
        }
