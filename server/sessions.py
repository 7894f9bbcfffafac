"""Sessions Streamlit keeps after their users left: shut down once ``server.disconnectedSessionTTL`` is over.

Streamlit stores a disconnected session (so a reconnecting browser gets it back) in a TTL cache that drops
expired entries only on its next write, i.e. when another user disconnects, and drops them without
shutting them down, so the session's uploaded files stay in the upload manager for good. When the last users
leave, nothing writes again: their session state, uploads and everything their
:class:`planner.cache.SessionScope` claimed stay in memory. :func:`reap_forever` (started with the server,
``server.lifespan``) takes the expired sessions out every few seconds, shuts each down and gives the memory back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from server.allocator import trim_memory

_LOG = logging.getLogger(__name__)
#: How often expired sessions are looked for (s): a session goes at most this long after its TTL.
REAP_EVERY_S = 10.0


def _parts(runtime: Any) -> tuple[Any, Any, Any] | None:
    """The session manager, its TTL cache of disconnected sessions and the lock guarding it, if it has them."""
    mgr = getattr(runtime, "_session_mgr", None)
    cache = getattr(getattr(mgr, "_session_storage", None), "_cache", None)
    if cache is None or not callable(getattr(cache, "expire", None)):
        return None
    return mgr, cache, getattr(mgr, "_storage_lock", None) or contextlib.nullcontext()


def reap_expired(runtime: Any | None = None) -> int:
    """Shut down every stored session whose TTL is over and clear its state (uploads, imported layers,
    claims on the shared caches), drop uploaded files no session owns any more, then give the freed memory
    back to the system. ``runtime`` defaults to the running Streamlit runtime. Returns how many sessions went.

    The state is cleared besides the shutdown because Streamlit's message loop keeps the last session it
    flushed in a local variable until another session sends something: with nobody left, for good.
    """
    if runtime is None:
        from streamlit import runtime as st_runtime

        if not st_runtime.exists():
            return 0
        runtime = st_runtime.get_instance()
    found = _parts(runtime)
    if found is None:  # a Streamlit whose session storage works otherwise: it reaps on its own terms
        return 0
    mgr, cache, lock = found
    with lock:
        expired = [info.session for _, info in cache.expire()]
        owners = set(cache.keys()) | set(getattr(mgr, "_active_session_info_by_id", {}) or {})
        uploads = getattr(runtime, "uploaded_file_mgr", None)
        stored = getattr(uploads, "file_storage", None)
        orphans = [sid for sid in list(stored or {}) if sid not in owners] if isinstance(stored, dict) else []
    for sid in orphans:  # sessions Streamlit dropped on a write, never shut down: their files stay otherwise
        uploads.remove_session_files(sid)  # type: ignore[union-attr]  # orphans exist only when uploads do
    count = len(expired)
    while expired:
        session = expired.pop()
        try:
            session.shutdown()
            _forget_state(session)
        except Exception:  # one broken session must not keep the others
            _LOG.exception("shutting down an expired session failed")
        del session  # the last reference here: the session's state becomes garbage
    if count or orphans:
        trim_memory()
    return count


def _forget_state(session: Any) -> None:
    """Empty a shut-down session's state: the values, and the widgets' metadata, whose callbacks close over
    what the page drew (a map's click handler holds the session's data set)."""
    state = session.session_state
    state.clear()  # values; Streamlit's clear() leaves the widgets' metadata
    metadata = getattr(getattr(state, "_new_widget_state", None), "widget_metadata", None)
    if isinstance(metadata, dict):
        metadata.clear()


async def reap_forever(every_s: float = REAP_EVERY_S) -> None:
    """:func:`reap_expired` every ``every_s`` seconds, on the server's event loop (where Streamlit itself
    disconnects and shuts down sessions), until cancelled."""
    while True:
        await asyncio.sleep(every_s)
        try:
            gone = reap_expired()
        except Exception:  # never let the reaper die: the next round tries again
            _LOG.exception("reaping expired sessions failed")
            continue
        if gone:
            _LOG.info("%d expired session(s) shut down", gone)
