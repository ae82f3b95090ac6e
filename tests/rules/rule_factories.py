"""Factories shared by the rules, alerts and chronology tests: real rows, no mocks.

``Family`` stores records through the real intake (``ingest_payloads`` with the pipeline off)
and then writes ``persons``/``subject_links`` rows the way the identity stage would, using
the person each subject is declared to be. Then the real rules engine runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from joinedup.ingest import ingest_payloads
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Record, RecordSubject

CHILD = {"role": "child", "given_name": "Poppy", "family_name": "Testwell", "date_of_birth": "2016-04-09", "sex": "F"}
MOTHER = {"role": "parent", "given_name": "Jo", "family_name": "Testwell", "date_of_birth": "1990-01-01"}
PARTNER = {"role": "partner_of_parent", "given_name": "Max", "family_name": "Stranger"}


class Family:
    """An invented family whose records we write; ``who`` names the person behind a subject."""

    def __init__(self, engine: Engine, start: date = date(2024, 1, 8), la: str = "Northtown") -> None:
        self.engine = engine
        self.start = start
        self.la = la
        self.n = 0
        self.persons: dict[str, int] = {}

    def record(
        self,
        event_type: str,
        day: int,
        *,
        agency: str = "school",
        subjects: list[tuple[str, dict[str, Any]]] | None = None,
        organisation: str | None = None,
        local_authority: str | None = "default",
        link: bool = True,
    ) -> int:
        """Store one record ``day`` days after the start about the given (who, subject) pairs."""
        self.n += 1
        subjects = subjects if subjects is not None else [("child", CHILD)]
        payload: dict[str, Any] = {
            "agency": agency,
            "source_record_id": f"T-{agency}-{self.n}",
            "occurred_at": (self.start + timedelta(days=day)).isoformat(),
            "event_type": event_type,
            "narrative": "Synthetic test narrative.",
            "subjects": [s for _, s in subjects],
        }
        if organisation:
            payload["organisation"] = organisation
        if local_authority:
            payload["local_authority"] = self.la if local_authority == "default" else local_authority
        report = ingest_payloads(self.engine, [payload], source="test", submitted_by="test", run_pipeline=False)
        assert report.accepted == 1, report.as_json()
        record_id = report.stored_record_ids[0]
        if link:
            self.link(record_id, [who for who, _ in subjects])
        return record_id

    def person(self, who: str) -> int:
        if who not in self.persons:
            with self.engine.begin() as conn:
                self.persons[who] = int(
                    conn.execute(
                        insert(Person).values(created_at=datetime.now(UTC), status="active").returning(Person.id)
                    ).scalar_one()
                )
        return self.persons[who]

    def link(self, record_id: int, whos: list[str]) -> None:
        ids = [self.person(w) for w in whos]
        with self.engine.begin() as conn:
            subjects = conn.execute(
                select(RecordSubject.id, RecordSubject.subject_index).where(RecordSubject.record_id == record_id)
            ).all()
            for subject_id, index in subjects:
                conn.execute(
                    insert(SubjectLink).values(
                        record_subject_id=subject_id, record_id=record_id, subject_index=index, person_id=ids[index],
                        decision="trusted_id", match_probability=0.99, linked_at=datetime.now(UTC),
                    )
                )  # fmt: skip

    def occurred(self, record_id: int) -> date:
        with self.engine.connect() as conn:
            return conn.execute(select(Record.occurred_on).where(Record.id == record_id)).scalar_one()
