"""Sessions whose users left: shut down once their TTL is over, their state, uploads and cache claims released
(server.sessions), with Streamlit's own session manager, storage and upload manager."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from types import SimpleNamespace

import numpy as np
from streamlit.runtime.caching.ttl_cache import TTLCache
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.session_manager import SessionInfo
from streamlit.runtime.state.common import WidgetMetadata
from streamlit.runtime.state.session_state import SessionState
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from planner.cache import SessionScope
from server import sessions
from tiles.cache import BoundedCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Data:
    """Something big a page drew (a data set, say)."""


class FakeSession:
    """What the reaper uses of an AppSession: id, shutdown (which drops the session's uploads, as Streamlit's
    does) and session_state."""

    def __init__(self, sid: str, uploads: MemoryUploadedFileManager) -> None:
        self.id = sid
        self.uploads = uploads
        self.session_state = SessionState()
        self.shut = False

    def shutdown(self) -> None:
        self.uploads.remove_session_files(self.id)
        self.shut = True


def runtime(ttl: float = 120.0) -> tuple[SimpleNamespace, Clock]:
    clock = Clock()
    uploads = MemoryUploadedFileManager("/_stcore/upload_file")
    storage = MemorySessionStorage(ttl_seconds=int(ttl))
    storage._cache = TTLCache(maxsize=128, ttl=ttl, timer=clock)
    mgr = WebsocketSessionManager(
        session_storage=storage,
        uploaded_file_manager=uploads,
        script_cache=ScriptCache(),
        message_enqueued_callback=None,
    )
    return SimpleNamespace(_session_mgr=mgr, uploaded_file_mgr=uploads), clock


def user_session(rt: SimpleNamespace, sid: str, digest: str) -> tuple[FakeSession, weakref.ref]:
    """A disconnected session (stored for reconnect) with an upload, a cache claim and a map whose click
    handler holds the session's data."""
    session = FakeSession(sid, rt.uploaded_file_mgr)
    rt.uploaded_file_mgr.add_file(sid, UploadedFileRec(file_id="f1", name="parcels.gpkg", type="", data=b"x" * 1000))
    data = Data()
    scope = SessionScope()
    scope.claim(digest)
    state = session.session_state
    state["session_scope"] = scope
    state["dataset"] = data
    state._new_widget_state.widget_metadata["map"] = WidgetMetadata(
        id="map", deserializer=lambda v: v, serializer=lambda v: v, value_type="json_value", callback=lambda: data
    )
    rt._session_mgr._session_storage.save(SessionInfo(client=None, session=session))
    return session, weakref.ref(data)


def test_an_expired_session_is_shut_down_and_everything_it_held_released():
    rt, clock = runtime(ttl=120)
    cache = BoundedCache(10_000_000)
    cache.get(("preview", "abc123", 1), lambda: np.zeros(1000))
    cache.get(("preview", "other", 1), lambda: np.zeros(1000))
    held, data = user_session(rt, "s1", "abc123")
    clock.now += 60
    assert sessions.reap_expired(rt) == 0 and not held.shut  # within its TTL: kept for a reconnect
    clock.now += 61
    assert sessions.reap_expired(rt) == 1
    gc.collect()
    # Streamlit's message loop may still hold the session object; what the session held is gone anyway
    assert held.shut and rt.uploaded_file_mgr.file_storage == {}
    assert data() is None and "dataset" not in held.session_state
    assert cache.peek(("preview", "abc123", 1)) is None and cache.peek(("preview", "other", 1)) is not None
    assert rt._session_mgr._session_storage.list() == []


def test_a_live_session_is_left_alone_and_orphaned_uploads_are_dropped():
    rt, clock = runtime(ttl=120)
    kept, data = user_session(rt, "s1", "abc123")
    # a session Streamlit itself dropped on a write, without shutting it down: its files stayed
    rt.uploaded_file_mgr.add_file("gone", UploadedFileRec(file_id="f2", name="a.zip", type="", data=b"y" * 10))
    clock.now += 10
    assert sessions.reap_expired(rt) == 0
    assert not kept.shut and data() is not None and "dataset" in kept.session_state
    assert set(rt.uploaded_file_mgr.file_storage) == {"s1"}


def test_a_streamlit_without_that_storage_is_left_to_itself():
    assert sessions.reap_expired(SimpleNamespace(_session_mgr=SimpleNamespace())) == 0


def test_the_reaper_runs_until_cancelled(monkeypatch):
    calls = []

    def reap() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("one bad round")
        return 1

    monkeypatch.setattr(sessions, "reap_expired", reap)

    async def run() -> None:
        task = asyncio.create_task(sessions.reap_forever(every_s=0.01))
        while len(calls) < 3:
            await asyncio.sleep(0.01)
        task.cancel()

    # a loop of its own, in a thread of its own: Playwright's sync API (browser tests in the same run) keeps
    # an event loop running in the main thread, where asyncio.run() refuses to start another
    runner = threading.Thread(target=asyncio.run, args=(run(),))
    runner.start()
    runner.join(timeout=30)
    assert not runner.is_alive() and len(calls) >= 3  # a failing round did not stop it
