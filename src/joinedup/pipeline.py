"""What happens after records are stored: the later stages catch up, in flow order.

Each stage works from durable state ("records whose subjects have no link yet", "records the
rules have not yet seen"), not from what the caller remembers, so a crash between storing and
linking is healed by the next run of any command that calls ``process_pending``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine


@dataclass
class PipelineReport:
    processed: dict[str, int] = field(default_factory=dict)


def process_pending(engine: Engine) -> PipelineReport:
    from joinedup.identity.link import link_pending
    from joinedup.rules.engine import evaluate_pending

    report = PipelineReport()
    report.processed["identity"] = link_pending(engine)
    report.processed["rules"] = evaluate_pending(engine)
    return report
