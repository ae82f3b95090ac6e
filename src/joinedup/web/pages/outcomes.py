"""What became of a record the web just stored: which child it was linked to and which
alerts it raised or joined, for the "concern recorded" page.

Reads only. It looks at the identity stage's ``subject_links`` and the alerts stage's
``alert_evidence`` because neither stage offers a "where did this record go" function yet;
switch to theirs when they do (listed in docs/web.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from joinedup.storage.tables_alerts import Alert, AlertEvidence
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import RecordHead


@dataclass(frozen=True)
class RaisedAlert:
    alert_id: int
    rule_id: str
    severity: str
    status: str


@dataclass(frozen=True)
class RecordOutcome:
    record_id: int | None
    child_person_id: int | None
    link_decision: str | None
    alerts: list[RaisedAlert] = field(default_factory=list)


def outcome_of_record(conn: Connection, agency: str, source_record_id: str) -> RecordOutcome:
    head = conn.execute(
        select(RecordHead.record_id).where(RecordHead.agency == agency, RecordHead.source_record_id == source_record_id)
    ).scalar_one_or_none()
    if head is None:
        return RecordOutcome(None, None, None)
    link = conn.execute(
        select(SubjectLink.person_id, SubjectLink.decision).where(
            SubjectLink.record_id == head, SubjectLink.subject_index == 0
        )
    ).first()
    alerts = conn.execute(
        select(Alert.id, Alert.rule_id, Alert.severity, Alert.status)
        .join(AlertEvidence, AlertEvidence.alert_id == Alert.id)
        .where(AlertEvidence.record_id == head)
        .order_by(Alert.id)
    ).all()
    return RecordOutcome(
        record_id=head,
        child_person_id=link.person_id if link is not None else None,
        link_decision=link.decision if link is not None else None,
        alerts=[RaisedAlert(a.id, a.rule_id, a.severity, a.status) for a in alerts],
    )
