"""Tables of contests: a professional's or a family's challenge to a record, a link between
two people, or an alert, and the named decision on it.

The contested item is never edited: a contest only points at it. An upheld contest is put
right by a new version of the record or an unmerge, and ``correction`` says which.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.storage.base import Base


class Contest(Base):
    __tablename__ = "contests"
    __table_args__ = (
        Index("ix_contests_item", "item_kind", "item_key"),
        Index("ix_contests_status", "status"),
        Index("ix_contests_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(10))  # record | link | alert
    # A stable key: "agency/source_record_id" for a record, "agency/source_record_id#subject_index"
    # for a link, the alert id for an alert.
    item_key: Mapped[str] = mapped_column(String(200))
    record_id: Mapped[int | None] = mapped_column(Integer)  # the version contested
    subject_index: Mapped[int | None] = mapped_column(Integer)
    alert_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(Integer)  # whose data it is, when known
    reason: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(200))
    on_behalf_of: Mapped[str] = mapped_column(String(20))  # professional | family
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))  # open | upheld | rejected
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_role: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    correction: Mapped[dict[str, Any] | None] = mapped_column(JSON)
