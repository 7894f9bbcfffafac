"""Local accounts: argon2 password hashes, lock-out after repeated failures, sessions whose tokens are stored hashed.

Used by the app (planner/auth.py) and by ``python -m gis users``. Passwords never leave this module except
as argon2 hashes; no message, log line or audit entry contains one.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gis.errors import AuthError, StoreError
from store.records import ROLES, Account, SessionInfo
from store.repository import Workspace
from text.clip import clip_text
from text.clock import beijing_time, parse_iso, utc_now

#: Password length limits (characters).
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
_NAME = re.compile(r"[\w.@-]{1,64}")
_HASHER = PasswordHasher()
#: Verified against when the account does not exist, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class LoginPolicy:
    """Lock-out and session rules: ``max_failures`` failed sign-ins within ``window`` lock the account for
    ``lock_for``; a session lasts ``session_ttl``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    session_ttl: timedelta = timedelta(hours=8)


def local_user_name() -> str:
    """The single user of a machine without sign-in: ``local:<OS user name>``."""
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):
        return "local:user"


def normalise_name(name: str) -> str:
    """An account name as stored: trimmed, lower-case; raises StoreError when it is not a valid name."""
    cleaned = str(name).strip().lower()
    if not _NAME.fullmatch(cleaned):
        raise StoreError("acct_bad_name", name=clip_text(cleaned, 64) or "–")
    return cleaned


def check_role(role: str) -> str:
    """``role`` if it is one of viewer/editor/admin; raises StoreError otherwise."""
    if role not in ROLES:
        raise StoreError("acct_bad_role", role=clip_text(str(role), 20), expected=", ".join(ROLES))
    return role


def hash_password(password: str) -> str:
    """The argon2id hash of a password that meets the length rules (raises StoreError otherwise)."""
    if len(password) < MIN_PASSWORD:
        raise StoreError("acct_password_short", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise StoreError("acct_password_long", max=MAX_PASSWORD)
    return _HASHER.hash(password)


def token_hash(token: str) -> str:
    """What is stored of a session token: its SHA-256 (hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_account(ws: Workspace, name: str, role: str, *, actor: str, password: str | None = None,
                external_id: str | None = None) -> Account:
    """Create an account with a password (local sign-in) or none (single sign-on only); audited."""
    return ws.add_account(normalise_name(name), check_role(role), actor=actor,
                          password_hash=hash_password(password) if password is not None else None,
                          external_id=external_id)


def set_password(ws: Workspace, name: str, password: str, *, actor: str) -> Account:
    """Replace an account's password (clears its lock-out); audited, the password itself never."""
    return ws.update_account(normalise_name(name), actor=actor, password_hash=hash_password(password))


def authenticate(ws: Workspace, name: str, password: str, *, policy: LoginPolicy,
                 via: str = "local") -> tuple[Account, str, SessionInfo]:
    """Check a local sign-in and open a session; return the account, the session token (shown once, stored
    hashed) and the session.

    Raises
    ------
    AuthError
        ``auth_failed`` (unknown name, wrong password, disabled or password-less account: one message for all)
        or ``auth_locked`` (too many failures; until when).
    """
    try:
        key = normalise_name(name)
    except StoreError:
        key = str(name).strip().lower()[:64] or "-"
    account = ws.account(key)
    now = utc_now()
    if account is not None and account.locked_until and parse_iso(account.locked_until) > now:
        ws.record_login_failure(key, max_failures=policy.max_failures, window=policy.window,
                                lock_for=policy.lock_for, count=False)
        raise AuthError("auth_locked", until=beijing_time(account.locked_until, seconds=False))
    stored = ws.password_hash(key) if account is not None else None
    try:
        ok = _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None or account.disabled:
        locked = ws.record_login_failure(key, max_failures=policy.max_failures, window=policy.window,
                                         lock_for=policy.lock_for)
        if locked:
            raise AuthError("auth_locked", until=beijing_time(locked, seconds=False))
        raise AuthError("auth_failed")
    token = secrets.token_urlsafe(32)
    return account, token, ws.open_session(key, token_hash(token), via=via, ttl=policy.session_ttl)


def open_external_session(ws: Workspace, account: Account, *, via: str, policy: LoginPolicy) -> tuple[str, SessionInfo]:
    """A session for an account signed in elsewhere (single sign-on, trusted proxy); audited as a sign-in."""
    if account.disabled:
        raise AuthError("auth_failed")
    token = secrets.token_urlsafe(32)
    return token, ws.open_session(account.name, token_hash(token), via=via, ttl=policy.session_ttl)


def session_account(ws: Workspace, token: str) -> tuple[Account, SessionInfo]:
    """The account of a session token. Raises AuthError ``auth_session_expired`` when the session is unknown,
    expired, signed out, or its account was disabled."""
    info = ws.session(token_hash(token))
    if info is None or info.revoked_at is not None or parse_iso(info.expires_at) <= utc_now():
        raise AuthError("auth_session_expired")
    account = ws.account(info.account)
    if account is None or account.disabled:
        raise AuthError("auth_session_expired")
    return account, info


def close_session(ws: Workspace, token: str, *, actor: str) -> None:
    """Sign out (the session is revoked; audited)."""
    ws.close_session(token_hash(token), actor=actor)


__all__ = ["LoginPolicy", "MIN_PASSWORD", "add_account", "authenticate", "check_role", "close_session",
           "hash_password", "local_user_name", "normalise_name", "open_external_session", "session_account",
           "set_password", "token_hash"]
