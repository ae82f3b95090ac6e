"""Password hashing with argon2id (argon2-cffi's defaults, the OWASP recommendation), and the
rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from joinedup.access import InvalidAccount

MIN_LENGTH = 12
_HASHER = PasswordHasher()
# Verified against when the username is unknown, so a miss takes as long as a hit.
_DUMMY_HASH = _HASHER.hash("joinedup-timing-equaliser")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _HASHER.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidAccount(
            f"passwords must be at least {MIN_LENGTH} characters; a passphrase of three or four words works well"
        )
    if len(password) > 1024:
        raise InvalidAccount("passwords must be at most 1024 characters")


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)
