"""Who is using the app: single-user mode, local sign-in, single sign-on (st.login/OIDC) or a trusted proxy header.

Streamlit-free: pages/ pass in what Streamlit knows (the session token kept in session state, ``st.user`` as a
dict, ``st.context.ip_address`` and ``st.context.headers``) and get a frozen :class:`User` back. Every sign-in
yields a session token stored hashed in the workspace, so any app process behind the proxy can check it.

Modes (``PUTUO_AUTH``):

- ``none`` (default with a GeoPackage workspace): no sign-in; everyone is the single local user
  ``local:<OS user>`` with the admin role (one person on their own machine).
- ``local``: accounts of the workspace with passwords (always the case with a PostGIS workspace when
  PUTUO_AUTH is not set or is ``none``).
- ``oidc``: Streamlit's ``st.login`` (configured in .streamlit/secrets.toml); the signed-in user's
  ``sub`` or ``email`` is mapped to an account (``users add EMAIL --sso``).
- ``proxy``: a reverse proxy that authenticates users puts the account name in PUTUO_PROXY_HEADER; the
  header counts only from the peers listed in PUTUO_TRUSTED_PROXIES, and is ignored from anyone else.
"""

from __future__ import annotations

import copy
import ipaddress
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from gis.errors import AccountNameError, AuthError, PlannerError
from store import Workspace, role_rank
from store.accounts import (
    LoginPolicy,
    authenticate,
    close_session,
    local_user_name,
    normalise_name,
    open_external_session,
    session_account,
)
from store.records import Account
from text.clip import clip_text
from text.messages import Message, msg

MODES = ("none", "local", "oidc", "proxy")
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class User:
    """The acting user: account ``name`` (the author of everything they save), ``role`` and how they signed in
    (``via``: single_user, local, oidc, proxy)."""

    name: str
    role: str
    via: str

    def at_least(self, role: str) -> bool:
        """True when this user's role is ``role`` or stronger (viewer < editor < admin)."""
        return role_rank(self.role) >= role_rank(role)


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: the user, the session token to keep in the browser session, and its expiry (UTC)."""

    user: User
    token: str
    expires_at: str


def _int_env(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise AuthError("auth_bad_number", name=name, value=clip_text(raw, 20), low=low, high=high)
    return value


@dataclass(frozen=True)
class AuthConfig:
    """How users sign in (from the environment: :meth:`from_env`)."""

    mode: str = "none"
    proxy_header: str | None = None
    trusted_proxies: tuple[_Network, ...] = ()
    policy: LoginPolicy = field(default_factory=LoginPolicy)
    #: Editors may save new versions of scenarios others created (team work, with conflict detection);
    #: PUTUO_EDITORS_EDIT_OTHERS=0 limits editors to their own scenarios.
    editors_edit_others: bool = True

    @property
    def login_required(self) -> bool:
        """False only in single-user mode."""
        return self.mode != "none"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, engine_name: str = "geopackage") -> AuthConfig:
        """Read PUTUO_AUTH, PUTUO_PROXY_HEADER, PUTUO_TRUSTED_PROXIES, PUTUO_LOCKOUT_ATTEMPTS (failed sign-ins as
        one name from one client before its back-off starts), PUTUO_LOCKOUT_MINUTES (the longest back-off, and how
        long failures are remembered), PUTUO_SESSION_HOURS and PUTUO_EDITORS_EDIT_OTHERS. A PostGIS workspace
        always requires a sign-in (``none`` becomes ``local``). Raises AuthError for invalid values."""
        env = os.environ if env is None else env
        mode = (env.get("PUTUO_AUTH") or "none").strip().lower()
        if mode not in MODES:
            raise AuthError("auth_bad_mode", mode=clip_text(mode, 20), expected=", ".join(MODES))
        if mode == "none" and engine_name == "postgis":
            mode = "local"
        header = (env.get("PUTUO_PROXY_HEADER") or "").strip() or None
        proxies: list[_Network] = []
        for part in (env.get("PUTUO_TRUSTED_PROXIES") or "").split(","):
            if part.strip():
                try:
                    proxies.append(ipaddress.ip_network(part.strip(), strict=False))
                except ValueError as exc:
                    raise AuthError(
                        "auth_bad_proxy_config", reason=f"not an IP or network: {clip_text(part.strip(), 40)}"
                    ) from exc
        if mode == "proxy" and (not header or not proxies):
            raise AuthError("auth_bad_proxy_config", reason="header or trusted proxies missing")
        if mode == "proxy" and env.get("FORWARDED_ALLOW_IPS") != "":
            # uvicorn (the server under Streamlit) would report an address taken from X-Forwarded-For as the
            # client's whenever the peer is loopback (its default): any local process could pose as the trusted
            # proxy. The header counts only when the peer reported is the socket's own (scripts/run_app.sh).
            raise AuthError("auth_proxy_forwarded")
        minutes = _int_env(env, "PUTUO_LOCKOUT_MINUTES", 15, 1, 24 * 60)
        policy = LoginPolicy(
            max_failures=_int_env(env, "PUTUO_LOCKOUT_ATTEMPTS", 5, 1, 100),
            window=timedelta(minutes=minutes),
            lock_for=timedelta(minutes=minutes),
            session_ttl=timedelta(hours=_int_env(env, "PUTUO_SESSION_HOURS", 8, 1, 24 * 30)),
        )
        return cls(
            mode=mode,
            proxy_header=header,
            trusted_proxies=tuple(proxies),
            policy=policy,
            editors_edit_others=(env.get("PUTUO_EDITORS_EDIT_OTHERS", "1").strip() != "0"),
        )


def setup_hint(ws: Workspace, config: AuthConfig) -> Message | None:
    """What the sign-in page should say before anyone can sign in: no account exists yet (create the first
    admin with the users command), or None."""
    if config.login_required and not ws.accounts.all():
        return msg("auth_no_accounts")
    return None


def single_user() -> User:
    """The one local user of a machine without sign-in: ``local:<OS user name>``, role admin."""
    return User(name=local_user_name(), role="admin", via="single_user")


def _user(account: Account, via: str) -> User:
    return User(name=account.name, role=account.role, via=via)


def current_user(ws: Workspace, config: AuthConfig, *, token: str | None) -> User | None:
    """The user of this browser session: the single user when no sign-in is required; else the account of
    ``token`` (None without one). Raises AuthError ``auth_session_expired`` for an expired, signed-out or
    disabled session (show the sign-in again)."""
    if not config.login_required:
        return single_user()
    if not token:
        return None
    account, info = session_account(ws, token)
    return _user(account, info.via)


def sign_in(ws: Workspace, config: AuthConfig, name: str, password: str, *, client: str | None = None) -> SignIn:
    """Local sign-in (name + password); audited, failures counted. ``client``: the browser's address — its
    repeated failures make only its own next tries wait (nobody can lock another person out). Raises AuthError."""
    account, token, info = authenticate(ws, name, password, policy=config.policy, via="local", client=client)
    return SignIn(_user(account, "local"), token, info.expires_at)


def _trusted(config: AuthConfig, peer: str | None) -> bool:
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in net for net in config.trusted_proxies)


def sign_in_external(
    ws: Workspace,
    config: AuthConfig,
    *,
    oidc_user: Mapping[str, object] | None = None,
    peer: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> SignIn | None:
    """A session for a user signed in by the bureau's own sign-on, or None when there is none to use.

    ``oidc`` mode: ``oidc_user`` is ``st.user`` as a dict (``is_logged_in``, ``sub``, ``email``, ``name``);
    the account is the one linked to ``sub`` (``users add … --sso --external-id SUB``) or named after the
    e-mail. ``proxy`` mode: the account named in the configured header, only when ``peer`` (the client
    address, ``st.context.ip_address``) is a trusted proxy; otherwise the header is ignored.

    Raises
    ------
    AuthError
        ``auth_no_account`` when the signed-in person has no account here (also when the e-mail or header is
        no valid account name).
    StoreError
        The workspace cannot be read (e.g. :class:`~gis.errors.WorkspaceUnavailableError`): never taken for
        "no account".
    """
    if config.mode == "oidc" and oidc_user and oidc_user.get("is_logged_in", True):
        sub, email = str(oidc_user.get("sub") or ""), str(oidc_user.get("email") or "")
        account = ws.accounts.by_external_id(sub) if sub else None
        if account is None and email:
            try:
                account = ws.accounts.get(normalise_name(email))
            except AccountNameError:  # not a valid account name: no such account (store faults go up)
                account = None
        if account is None:
            raise AuthError("auth_no_account", who=clip_text(email or sub or "?", 64))
        token, info = open_external_session(ws, account, via="oidc", policy=config.policy)
        return SignIn(_user(account, "oidc"), token, info.expires_at)
    if config.mode == "proxy" and config.proxy_header and headers and _trusted(config, peer):
        wanted = config.proxy_header.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
        if not value:
            return None
        try:
            account = ws.accounts.get(normalise_name(value))
        except AccountNameError:  # not a valid account name: no such account (store faults go up)
            account = None
        if account is None:
            raise AuthError("auth_no_account", who=clip_text(str(value), 64))
        token, info = open_external_session(ws, account, via="proxy", policy=config.policy)
        return SignIn(_user(account, "proxy"), token, info.expires_at)
    return None


def _neutral(value: object) -> object:
    """A message parameter without the workspace's location: a ``where`` becomes a neutral description, a driver's
    own ``reason`` (it may name the server's address) a pointer to the server's log; nested messages likewise."""
    if isinstance(value, Message):
        return Message(value.code, {k: _neutral_param(k, v) for k, v in value.params.items()})
    return value


def _neutral_param(key: str, value: object) -> object:
    if key == "where":
        return msg("ws_where_hidden")
    if key == "reason" and isinstance(value, str):
        return msg("ws_reason_hidden")
    return _neutral(value)


def before_sign_in(error: PlannerError) -> PlannerError:
    """``error`` as shown to someone not signed in: the same message without where the workspace is (file path,
    database address) or the driver's words (they may name the server) — the operator finds them in the server's
    log and the command line."""
    shown = copy.copy(error)
    shown.params = {k: _neutral_param(k, v) for k, v in error.params.items()}
    return shown


def notice_before_sign_in(notice: Message) -> Message:
    """A page notice (the read-only banner) as shown to someone not signed in: without the workspace's location."""
    return _neutral(notice)  # type: ignore[return-value]


def sign_out(ws: Workspace, user: User, token: str | None) -> None:
    """End the session (audited). Nothing to do in single-user mode."""
    forget_cookie_checks()
    if token:
        close_session(ws, token, actor=user.name)


# --- the browser's sign-in cookie ------------------------------------------------------------------------------
#: The cookie that carries a browser's sign-in: the session token, HttpOnly and SameSite=Strict (Secure behind
#: TLS), set by the app's own route (server.routes) — never by page script, never readable by it. Each script
#: run takes the sign-in from the cookie of the connection it serves, so a Streamlit session id alone (which
#: travels in upload URLs and lets a new websocket take a session over) signs nobody in.
SESSION_COOKIE = "putuo_session"
#: How long a sign-in's one-time hand-over code may wait for the browser to exchange it for the cookie (s).
HANDOFF_TTL_S = 60.0
_handoffs: dict[str, tuple[str, float]] = {}
_handoffs_lock = threading.Lock()


def handoff(token: str) -> str:
    """A one-time code the browser exchanges for the cookie holding ``token`` (:func:`redeem`, within
    :data:`HANDOFF_TTL_S`): the token itself never reaches page script."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _handoffs_lock:
        for old in [c for c, (_, until) in _handoffs.items() if until < now]:
            del _handoffs[old]
        _handoffs[code] = (token, now + HANDOFF_TTL_S)
    return code


def redeem(code: str) -> str | None:
    """The token of a hand-over code, once (None for an unknown, used or expired code)."""
    with _handoffs_lock:
        held = _handoffs.pop(code, None)
    if held is None or held[1] < time.monotonic():
        return None
    return held[0]


#: How long a cookie found valid is taken as valid by the map's routes without asking the workspace again (s).
COOKIE_CHECK_TTL_S = 30.0
_valid_until: dict[str, float] = {}


def cookie_signs_in(ws: Workspace, config: AuthConfig, token: str | None) -> bool:
    """Whether a request's sign-in cookie belongs to a live session (always True without sign-in). The map's
    routes ask it for every layer and tile: a yes is kept :data:`COOKIE_CHECK_TTL_S` seconds."""
    if not config.login_required:
        return True
    if not token:
        return False
    now = time.monotonic()
    if _valid_until.get(token, 0.0) > now:
        return True
    try:
        ok = current_user(ws, config, token=token) is not None
    except AuthError:
        ok = False
    if ok:
        if len(_valid_until) > 10_000:
            _valid_until.clear()
        _valid_until[token] = now + COOKIE_CHECK_TTL_S
    return ok


def forget_cookie_checks() -> None:
    """Forget every cookie found valid (at sign-out, so its URLs stop at once; tests)."""
    _valid_until.clear()
