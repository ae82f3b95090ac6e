"""Authentication settings, read from the environment once (a deployment changes them there).

``JOINEDUP_SECURE_COOKIES=1`` marks the session cookie Secure: set it whenever the service is
behind TLS (a request arriving over https marks it Secure anyway).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=int(os.environ.get(name, default)))


@dataclass(frozen=True)
class AuthSettings:
    session_idle: timedelta
    session_absolute: timedelta
    lockout_after: int
    lockout_for: timedelta
    ip_failures_allowed: int
    ip_window: timedelta
    secure_cookies: bool


def auth_settings() -> AuthSettings:
    return AuthSettings(
        session_idle=_minutes("JOINEDUP_SESSION_IDLE_MINUTES", 30),
        session_absolute=_minutes("JOINEDUP_SESSION_ABSOLUTE_MINUTES", 12 * 60),
        lockout_after=int(os.environ.get("JOINEDUP_LOCKOUT_AFTER", 5)),
        lockout_for=_minutes("JOINEDUP_LOCKOUT_MINUTES", 15),
        ip_failures_allowed=int(os.environ.get("JOINEDUP_IP_FAILURES_ALLOWED", 20)),
        ip_window=_minutes("JOINEDUP_IP_WINDOW_MINUTES", 15),
        secure_cookies=os.environ.get("JOINEDUP_SECURE_COOKIES", "0") == "1",
    )
