"""Break-glass: emergency access to a child outside the policy's normal reach.

For the roles the policy names (``policy.BREAK_GLASS_ROLES``), with a stated reason of at
least ``BREAK_GLASS_MIN_REASON`` characters, for at most ``BREAK_GLASS_LONGEST``. Each grant is
audited (action ``break_glass``) and stays on the auditor's list until an auditor reviews it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from joinedup.access import InvalidAccount, NotPermitted
from joinedup.access.actor import Actor
from joinedup.access.policy import (
    BREAK_GLASS_DEFAULT,
    BREAK_GLASS_LONGEST,
    BREAK_GLASS_MIN_REASON,
    may_break_glass,
    may_read_audit,
)
from joinedup.audit.chain import append_event, record_event
from joinedup.audit.events import LAWFUL_BASIS_SAFEGUARDING, AuditEvent
from joinedup.storage.tables_access import BreakGlassGrant, User


@dataclass(frozen=True)
class Grant:
    grant_id: int
    user_id: int
    username: str
    person_id: int
    reason: str
    granted_at: datetime
    expires_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None


def break_glass(
    conn: Connection, actor: Actor, person_id: int, reason: str, duration: timedelta | None = None
) -> Grant:
    """Grant ``actor`` emergency access to ``person_id``; the caller commits."""
    if not may_break_glass(actor) or actor.user_id is None:
        _audit_refusal(conn, actor, "break_glass", person_id, "role may not use break-glass")
        raise NotPermitted(f"role {','.join(sorted(actor.roles)) or 'none'} may not use break-glass")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        _audit_refusal(conn, actor, "break_glass", person_id, "reason too short")
        raise InvalidAccount(
            f"give the reason in at least {BREAK_GLASS_MIN_REASON} characters: what is happening and why it cannot wait"
        )
    duration = duration or BREAK_GLASS_DEFAULT
    if duration <= timedelta(0) or duration > BREAK_GLASS_LONGEST:
        _audit_refusal(conn, actor, "break_glass", person_id, "duration out of bounds")
        raise InvalidAccount(f"break-glass lasts at most {int(BREAK_GLASS_LONGEST.total_seconds() // 60)} minutes")
    now = datetime.now(UTC)
    grant_id = conn.execute(
        insert(BreakGlassGrant)
        .values(user_id=actor.user_id, person_id=person_id, reason=reason, granted_at=now, expires_at=now + duration)
        .returning(BreakGlassGrant.id)
    ).scalar_one()
    append_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action="break_glass",
            purpose=reason,
            outcome="granted",
            person_id=person_id,
            lawful_basis=LAWFUL_BASIS_SAFEGUARDING,
            detail={"grant_id": grant_id, "minutes": int(duration.total_seconds() // 60)},
        ),
    )
    return Grant(grant_id, actor.user_id, actor.name, person_id, reason, now, now + duration, None, None)


def grants(conn: Connection, unreviewed_only: bool = False) -> list[Grant]:
    """Break-glass grants for the auditor, newest first."""
    query = select(BreakGlassGrant, User.username).join(User, User.id == BreakGlassGrant.user_id)
    if unreviewed_only:
        query = query.where(BreakGlassGrant.reviewed_at.is_(None))
    out = []
    for row in conn.execute(query.order_by(BreakGlassGrant.granted_at.desc())):
        g = row
        out.append(
            Grant(
                g.id,
                g.user_id,
                row.username,
                g.person_id,
                g.reason,
                _aware(g.granted_at),
                _aware(g.expires_at),
                g.reviewed_at,
                g.reviewed_by,
            )
        )
    return out


def review_grant(conn: Connection, auditor: Actor, grant_id: int) -> None:
    if not may_read_audit(auditor):
        _audit_refusal(conn, auditor, "break_glass_review", None, "only an auditor reviews break-glass grants")
        raise NotPermitted("only an auditor reviews break-glass grants")
    done = conn.execute(
        update(BreakGlassGrant)
        .where(BreakGlassGrant.id == grant_id, BreakGlassGrant.reviewed_at.is_(None))
        .values(reviewed_at=datetime.now(UTC), reviewed_by=auditor.name)
    ).rowcount
    if not done:
        raise InvalidAccount(f"no unreviewed break-glass grant with id {grant_id}")


def _audit_refusal(conn: Connection, actor: Actor, action: str, person_id: int | None, reason: str) -> None:
    """A refused attempt is recorded on its own connection: the caller's rollback must not erase it."""
    record_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action=action,
            purpose="break-glass",
            outcome="refused",
            person_id=person_id,
            reason=reason,
            lawful_basis="none: access refused",
        ),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
