"""What happens after records are stored: the later stages catch up, in flow order.

Each stage works from durable state, not from what the caller remembers: intake puts every
stored record on the pipeline queue (``pipeline_queue``) in the transaction that stores it,
identity links the queued records' subjects, and the rules judge the queued records and take
them off the queue. A crash between storing and linking is healed by the next run of any
command that calls ``process_pending``; ``joinedup link pending`` (every unlinked subject held,
queued or not) still links whatever the queue does not name, and the rules then judge it.

Reading the queue costs the records waiting on it, not the records held: a one-record API
submission links that record's subjects and judges the children it touches, however large
the store.

Before each linking batch and each rules chunk the tables those stages read have their planner
statistics refreshed if a bulk load has outgrown them (``storage.statistics``; PostgreSQL
only): without it PostgreSQL plans a 200,000-record file's reads as if the tables were empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

# As many subjects per linking batch as identity's own backlog reader takes.
LINK_BATCH = 50_000


@dataclass
class PipelineReport:
    processed: dict[str, int] = field(default_factory=dict)


def process_pending(engine: Engine) -> PipelineReport:
    from joinedup.rules.engine import evaluate_pending

    report = PipelineReport()
    report.processed["identity"] = link_queued(engine)
    report.processed["rules"] = evaluate_pending(engine)
    return report


def link_queued(engine: Engine) -> int:
    """Link the unlinked subjects of queued records; returns how many were linked.

    The matching is identity's own (the batch step of ``link_pending``); only the backlog is
    read from the queue. If another process links some of the same subjects first, the
    insert fails on the unique link and identity's ``link_pending``, which retries on such
    races, finishes the work.
    """
    from joinedup.identity.link import link_pending, link_subjects
    from joinedup.storage.records_repo import queued_unlinked_subjects
    from joinedup.storage.statistics import refresh_statistics

    linked = 0
    while True:
        refresh_statistics(engine)
        with engine.connect() as conn:
            rows = queued_unlinked_subjects(conn, LINK_BATCH)
        if not rows:
            return linked
        try:
            linked += link_subjects(engine, rows)
        except IntegrityError:
            return linked + link_pending(engine)
        if len(rows) < LINK_BATCH:
            return linked
