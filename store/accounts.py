"""Accounts and sessions: the account rows of the workspace (``ws.accounts``), and local sign-in — argon2 password
hashes, a back-off per client and per name after repeated failures (never a lock that anyone could put on someone
else's account), bounded logging of failed sign-ins with unknown names, sessions whose tokens are stored hashed.

Used by the app (planner/auth.py) and by ``python -m gis users``. Passwords never leave this module except
as argon2 hashes; no message, log line or audit entry contains one.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, func, insert, select, update

from gis.errors import AccountNameError, AuthError, StoreError
from store.records import ROLES, Account, SessionInfo
from text.clip import clip_text, visible_controls
from text.clock import parse_iso, to_iso, utc_now, utc_now_iso
from text.messages import msg

if TYPE_CHECKING:
    from store.workspace import Workspace

#: Password length limits (characters).
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
_NAME = re.compile(r"[\w.@-]{1,64}")
_HASHER = PasswordHasher()
#: Verified against when the account does not exist, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class LoginPolicy:
    """Back-off and session rules: after ``max_failures`` failed sign-ins as one name from one client (and after
    four times as many from one client, whatever the names) that client waits before its next try — 1 s, then
    twice as long after each further failure, at most ``lock_for``; failures are forgotten after ``window``
    without one. Other clients are never held back, so nobody can lock an account (the admin's) from outside.
    A session lasts ``session_ttl``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    session_ttl: timedelta = timedelta(hours=8)


class SignInThrottle:
    """The back-off of :class:`LoginPolicy`, kept in this process's memory: per client and per (client, name).

    A name is counted as typed (also when no such account exists), so the answer never tells which names exist.
    At most ``max_keys`` clients and names are remembered (the oldest are forgotten first). ``clock``: seconds,
    monotonic (tests pass their own)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 20_000) -> None:
        self.clock, self.max_keys = clock, max_keys
        self._state: dict[tuple[str, ...], tuple[int, float, float]] = {}  # key -> (failures, last, allowed_at)
        self._lock = threading.Lock()

    def wait_s(self, client: str, name: str) -> float:
        """Seconds this client must still wait before trying ``name`` (0: it may try now)."""
        now = self.clock()
        with self._lock:
            waits = [self._state.get(k, (0, 0.0, 0.0))[2] - now for k in self._keys(client, name)]
        return max(0.0, *waits)

    def failed(self, client: str, name: str, policy: LoginPolicy) -> None:
        """Count a failed try of ``name`` from ``client``."""
        now, window, cap = self.clock(), policy.window.total_seconds(), policy.lock_for.total_seconds()
        with self._lock:
            for key, free in zip(self._keys(client, name), (4 * policy.max_failures, policy.max_failures), strict=True):
                count, last, _ = self._state.pop(key, (0, now, 0.0))
                count = 1 if now - last > window else count + 1
                allowed = now + min(cap, 2.0 ** (count - free)) if count >= free else 0.0
                self._state[key] = (count, now, allowed)  # re-inserted: the dict keeps the newest last
            while len(self._state) > self.max_keys:
                del self._state[next(iter(self._state))]

    def succeeded(self, client: str, name: str) -> None:
        """A right password: this client's count for this name starts again."""
        with self._lock:
            self._state.pop(self._keys(client, name)[1], None)

    @staticmethod
    def _keys(client: str, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return (client,), (client, name)


class UnknownNameLog:
    """Failed sign-ins with names that are no account are audited one by one only up to ``limit`` per ``window_s``;
    the rest of a window are counted, and the count is audited with the next one that is (so a flood of invented
    names cannot fill the audit trail)."""

    def __init__(self, *, limit: int = 20, window_s: float = 900.0, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._start, self._logged, self._skipped = -float("inf"), 0, 0
        self._lock = threading.Lock()

    def admit(self) -> tuple[bool, int]:
        """Whether to audit this failure by itself, and how many earlier ones went unlisted (to audit with it)."""
        now = self.clock()
        with self._lock:
            if now - self._start >= self.window_s:
                self._start, self._logged = now, 0
            if self._logged >= self.limit:
                self._skipped += 1
                return False, 0
            self._logged += 1
            skipped, self._skipped = self._skipped, 0
            return True, skipped


class AccountRepository:
    """The accounts and sessions of one workspace (``ws.accounts``): rows only — names are checked and passwords
    hashed by the functions of this module (:func:`add_account`, :func:`authenticate` …)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws, self.t = ws, ws.t
        #: The sign-in back-off and the bound on unknown names, in this process's memory (one workspace is kept
        #: open per process, so one each per server process; tests give them their own clocks).
        self.throttle = SignInThrottle()
        self.unknown_names = UnknownNameLog()

    @staticmethod
    def _from_row(row: Any) -> Account:
        return Account(
            name=row.name,
            role=row.role,
            disabled=bool(row.disabled),
            external_id=row.external_id,
            created_at=row.created_at,
            created_by=row.created_by,
            has_password=bool(row.password_hash),
            failed_count=row.failed_count,
            locked_until=row.locked_until,
        )

    def all(self) -> list[Account]:
        """Every account, by name."""
        with self._ws.read() as conn:
            return [self._from_row(r) for r in conn.execute(select(self.t.accounts).order_by(self.t.accounts.c.name))]

    def get(self, name: str) -> Account | None:
        """One account by name, or None."""
        with self._ws.read() as conn:
            row = conn.execute(select(self.t.accounts).where(self.t.accounts.c.name == name)).first()
        return self._from_row(row) if row else None

    def by_external_id(self, external_id: str) -> Account | None:
        """The account linked to a single-sign-on subject, or None."""
        with self._ws.read() as conn:
            row = conn.execute(select(self.t.accounts).where(self.t.accounts.c.external_id == external_id)).first()
        return self._from_row(row) if row else None

    def password_hash(self, name: str) -> str | None:
        """The stored argon2 hash of an account (for :mod:`store.accounts` only)."""
        with self._ws.read() as conn:
            return conn.execute(select(self.t.accounts.c.password_hash).where(self.t.accounts.c.name == name)).scalar()

    def add(
        self, name: str, role: str, *, actor: str, password_hash: str | None, external_id: str | None = None
    ) -> Account:
        """Create an account (audited). ``password_hash`` None: single sign-on only."""
        a = self.t.accounts
        with self._ws.write(msg("act_accounts"), lock_chain_first=True) as tx:
            if tx.conn.execute(select(a.c.name).where(a.c.name == name)).first():
                raise StoreError("acct_exists", name=name)
            tx.conn.execute(
                insert(a).values(
                    name=name,
                    role=role,
                    password_hash=password_hash,
                    external_id=external_id,
                    created_at=utc_now_iso(),
                    created_by=actor,
                )
            )
            tx.audit(
                actor, "account.add", "account", name, msg("aud_account_added", name=name, role=msg(f"role_{role}"))
            )
            row = tx.conn.execute(select(a).where(a.c.name == name)).one()
        return self._from_row(row)

    def update(
        self,
        name: str,
        *,
        actor: str,
        role: str | None = None,
        disabled: bool | None = None,
        password_hash: str | None = None,
    ) -> Account:
        """Change an account's role, enabled state or password (each audited; never the last enabled admin)."""
        a = self.t.accounts
        with self._ws.write(msg("act_accounts"), lock_chain_first=True) as tx:
            row = tx.conn.execute(select(a).where(a.c.name == name)).first()
            if row is None:
                raise StoreError("acct_missing", name=name)
            loses_admin = (
                row.role == "admin"
                and not row.disabled
                and ((role is not None and role != "admin") or disabled is True)
            )
            if loses_admin:
                admins = (
                    tx.conn.execute(
                        select(func.count()).select_from(a).where(and_(a.c.role == "admin", a.c.disabled == 0))
                    ).scalar()
                    or 0
                )
                if admins <= 1:
                    raise StoreError("acct_last_admin", name=name)
            values: dict[str, Any] = {}
            if role is not None and role != row.role:
                values["role"] = role
                tx.audit(
                    actor,
                    "account.role",
                    "account",
                    name,
                    msg("aud_account_role", name=name, before=msg(f"role_{row.role}"), after=msg(f"role_{role}")),
                )
            if disabled is not None and bool(disabled) != bool(row.disabled):
                values["disabled"] = int(disabled)
                tx.audit(
                    actor,
                    "account.disable" if disabled else "account.enable",
                    "account",
                    name,
                    msg("aud_account_disabled" if disabled else "aud_account_enabled", name=name),
                )
            if password_hash is not None:
                values.update(password_hash=password_hash, failed_count=0, failed_since=None, locked_until=None)
                tx.audit(actor, "account.password", "account", name, msg("aud_password_changed", name=name))
            if disabled or password_hash is not None:  # disabled, or a new password: every open sign-in ends
                tx.conn.execute(
                    update(self.t.sessions)
                    .where(and_(self.t.sessions.c.account == name, self.t.sessions.c.revoked_at.is_(None)))
                    .values(revoked_at=utc_now_iso())
                )
            if values:
                tx.conn.execute(update(a).where(a.c.name == name).values(**values))
            row = tx.conn.execute(select(a).where(a.c.name == name)).one()
        return self._from_row(row)

    def record_login_failure(self, name: str, *, window: timedelta, skipped: int = 0) -> None:
        """Record a failed sign-in as ``name`` (audited, also for unknown names: the caller bounds those, and
        passes how many it left unlisted in ``skipped``). An account's failures within ``window`` are counted
        (shown to admins); no account is ever locked by them."""
        a = self.t.accounts
        now = utc_now()
        name = visible_controls(name[:64])
        with self._ws.write(msg("act_login"), lock_chain_first=True) as tx:
            if skipped:
                tx.audit(
                    "system", "auth.login_failed_unlisted", "account", "-", msg("aud_login_failed_unlisted", n=skipped)
                )
            tx.audit(name, "auth.login_failed", "account", name, msg("aud_login_failed", name=name))
            row = tx.conn.execute(select(a).where(a.c.name == name)).first()
            if row is None:
                return
            fresh = row.failed_since is None or parse_iso(row.failed_since) < now - window
            tx.conn.execute(
                update(a)
                .where(a.c.name == name)
                .values(
                    failed_count=1 if fresh else row.failed_count + 1,
                    failed_since=to_iso(now) if fresh else row.failed_since,
                )
            )

    def open_session(self, name: str, token_hash: str, *, via: str, ttl: timedelta) -> SessionInfo:
        """Record a successful sign-in: a session (its token's hash), failures reset, audited."""
        now = utc_now()
        info = SessionInfo(name, via, to_iso(now), to_iso(now + ttl), None)
        with self._ws.write(msg("act_login")) as tx:
            tx.conn.execute(
                insert(self.t.sessions).values(
                    token_hash=token_hash, account=name, via=via, created_at=info.created_at, expires_at=info.expires_at
                )
            )
            tx.conn.execute(
                update(self.t.accounts)
                .where(self.t.accounts.c.name == name)
                .values(failed_count=0, failed_since=None, locked_until=None)
            )
            tx.audit(name, "auth.login", "account", name, msg("aud_login", via=msg(f"via_{via}")))
        return info

    def session(self, token_hash: str) -> SessionInfo | None:
        """The session of a token hash, or None."""
        se = self.t.sessions
        with self._ws.read() as conn:
            row = conn.execute(select(se).where(se.c.token_hash == token_hash)).first()
        return SessionInfo(row.account, row.via, row.created_at, row.expires_at, row.revoked_at) if row else None

    def close_session(self, token_hash: str, *, actor: str) -> None:
        """Sign out: the session is revoked (audited)."""
        se = self.t.sessions
        with self._ws.write(msg("act_login")) as tx:
            done = tx.conn.execute(
                update(se)
                .where(and_(se.c.token_hash == token_hash, se.c.revoked_at.is_(None)))
                .values(revoked_at=utc_now_iso())
            ).rowcount
            if done:
                tx.audit(actor, "auth.logout", "account", actor, msg("aud_logout"))


def local_user_name() -> str:
    """The single user of a machine without sign-in: ``local:<OS user name>``."""
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):
        return "local:user"


def normalise_name(name: str) -> str:
    """An account name as stored: trimmed, lower-case.

    Raises
    ------
    AccountNameError
        Not 1–64 letters, digits, Chinese characters or . _ @ - (the message shows what was received, control
        characters written out), or letters of more than one script (a lookalike such as "аdmin").
    """
    cleaned = unicodedata.normalize("NFC", str(name)).strip().lower()
    if not _NAME.fullmatch(cleaned):
        raise AccountNameError("acct_name_invalid", name=visible_controls(clip_text(cleaned, 64)) or "–")
    scripts = {_script(ch) for ch in cleaned if ch.isalpha()}
    if len(scripts) > 1:  # "аdmin" with a Cyrillic а passes for "admin"
        raise AccountNameError("acct_name_mixed_script", name=clip_text(cleaned, 64))
    return cleaned


def _script(ch: str) -> str:
    """The script of a letter, by its Unicode name's first word (LATIN, CYRILLIC, GREEK, CJK …)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


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


def add_account(
    ws: Workspace, name: str, role: str, *, actor: str, password: str | None = None, external_id: str | None = None
) -> Account:
    """Create an account with a password (local sign-in) or none (single sign-on only); audited."""
    return ws.accounts.add(
        normalise_name(name),
        check_role(role),
        actor=actor,
        password_hash=hash_password(password) if password is not None else None,
        external_id=external_id,
    )


def set_password(ws: Workspace, name: str, password: str, *, actor: str) -> Account:
    """Replace an account's password (clears its lock-out and ends the account's open sign-ins: whoever knew the old
    one is out); audited, the password itself never."""
    return ws.accounts.update(normalise_name(name), actor=actor, password_hash=hash_password(password))


def authenticate(
    ws: Workspace,
    name: str,
    password: str,
    *,
    policy: LoginPolicy,
    via: str = "local",
    client: str | None = None,
) -> tuple[Account, str, SessionInfo]:
    """Check a local sign-in and open a session; return the account, the session token (shown once, stored
    hashed) and the session. ``client``: who tries (the browser's address); its failures slow down only its own
    next tries (:class:`SignInThrottle`, ``ws.accounts.throttle``).

    Raises
    ------
    AuthError
        ``auth_failed`` (unknown name, wrong password, disabled or password-less account: one message for all),
        ``auth_throttled`` (this client failed too often: how many seconds to wait; the same for every name) or
        ``auth_name_invalid`` (no account can have such a name; it never reaches the database).
    """
    throttle = ws.accounts.throttle
    client = client or "-"
    typed = str(name).strip().lower()[:64]
    wait = throttle.wait_s(client, typed)
    if wait > 0:
        raise AuthError("auth_throttled", seconds=max(1, int(wait + 0.999)))
    try:
        key = normalise_name(name)
    except AccountNameError as exc:
        throttle.failed(client, typed, policy)
        _failed_unknown(ws, typed or "-", policy)
        raise AuthError("auth_name_invalid", name=exc.params.get("name", "–")) from exc
    account = ws.accounts.get(key)
    stored = ws.accounts.password_hash(key) if account is not None else None
    try:
        ok = _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None or account.disabled:
        throttle.failed(client, key, policy)
        if account is None:
            _failed_unknown(ws, key, policy)
        else:
            ws.accounts.record_login_failure(key, window=policy.window)
        raise AuthError("auth_failed")
    throttle.succeeded(client, key)
    token = secrets.token_urlsafe(32)
    return account, token, ws.accounts.open_session(key, token_hash(token), via=via, ttl=policy.session_ttl)


def _failed_unknown(ws: Workspace, name: str, policy: LoginPolicy) -> None:
    """Audit a failed sign-in with a name that is no account, within the bound of ``ws.accounts.unknown_names``."""
    listed, skipped = ws.accounts.unknown_names.admit()
    if listed:
        ws.accounts.record_login_failure(name, window=policy.window, skipped=skipped)


def open_external_session(ws: Workspace, account: Account, *, via: str, policy: LoginPolicy) -> tuple[str, SessionInfo]:
    """A session for an account signed in elsewhere (single sign-on, trusted proxy); audited as a sign-in."""
    if account.disabled:
        raise AuthError("auth_failed")
    token = secrets.token_urlsafe(32)
    return token, ws.accounts.open_session(account.name, token_hash(token), via=via, ttl=policy.session_ttl)


def session_account(ws: Workspace, token: str) -> tuple[Account, SessionInfo]:
    """The account of a session token. Raises AuthError ``auth_session_expired`` when the session is unknown,
    expired, signed out, or its account was disabled."""
    info = ws.accounts.session(token_hash(token))
    if info is None or info.revoked_at is not None or parse_iso(info.expires_at) <= utc_now():
        raise AuthError("auth_session_expired")
    account = ws.accounts.get(info.account)
    if account is None or account.disabled:
        raise AuthError("auth_session_expired")
    return account, info


def close_session(ws: Workspace, token: str, *, actor: str) -> None:
    """Sign out (the session is revoked; audited)."""
    ws.accounts.close_session(token_hash(token), actor=actor)


__all__ = [
    "AccountRepository",
    "LoginPolicy",
    "MIN_PASSWORD",
    "SignInThrottle",
    "UnknownNameLog",
    "add_account",
    "authenticate",
    "check_role",
    "close_session",
    "hash_password",
    "local_user_name",
    "normalise_name",
    "open_external_session",
    "session_account",
    "set_password",
    "token_hash",
]
