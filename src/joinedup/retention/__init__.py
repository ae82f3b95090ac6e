"""Retention: which stored records have outlived the period the data register gives them.

Holding a child's records for longer than their purpose needs is itself a harm (the reason
ContactPoint was scrapped), so the register's ``retention_years`` are a promise. This release
reports what is due and what holds it back; it deletes nothing, because deleting raw records
must also settle what was derived from them (links, alerts, audit references) and that
procedure needs a records manager's sign-off first.
"""

from joinedup.retention.plan import RetentionItem, plan_retention

__all__ = ["RetentionItem", "plan_retention"]
