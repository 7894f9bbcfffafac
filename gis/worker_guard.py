"""Where user files may be parsed: readers call :func:`require_worker`, which fails outside a reader worker when strict.

Every reader of user bytes (vector layers, rasters, scenario files, basemap packages) calls
:func:`require_worker` first. A reader worker (:mod:`ingest.sandbox`) marks itself with :func:`enter_worker`.
The server process turns strict mode on (:func:`set_strict`) so a reader called there by mistake raises
instead of parsing; tests do the same with :func:`strict`. Outside strict mode (the command line's own
worker, unit tests of a reader) the guard only records the call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_state: dict[str, object] = {"kind": None, "strict": False}
#: Readers called outside a worker while not strict (kind names, in order); tests may look.
OUTSIDE: list[str] = []


class ParseOutsideWorkerError(RuntimeError):
    """A reader of user bytes was called in the server process (a bug in the caller: route it through the door)."""


def enter_worker(kind: str) -> None:
    """Mark this process as a reader worker for files of ``kind`` (called once, in the worker)."""
    _state["kind"] = kind


def worker_kind() -> str | None:
    """The kind of file this worker reads, or None outside a reader worker."""
    kind = _state["kind"]
    return kind if isinstance(kind, str) else None


def set_strict(on: bool = True) -> None:
    """Make :func:`require_worker` raise outside a worker (the server process calls this once at start)."""
    _state["strict"] = bool(on)


@contextlib.contextmanager
def strict() -> Iterator[None]:
    """Strict mode for the duration of a ``with`` block (tests)."""
    before = _state["strict"]
    _state["strict"] = True
    try:
        yield
    finally:
        _state["strict"] = before


def require_worker(kind: str) -> None:
    """Raise :class:`ParseOutsideWorkerError` when strict and not in a reader worker; record the call otherwise.

    Parameters
    ----------
    kind : {"layer", "raster", "scenario", "basemap"}
        What the caller is about to parse (named in the error).
    """
    if _state["kind"] is not None:
        return
    if _state["strict"]:
        raise ParseOutsideWorkerError(f"a {kind} file was about to be parsed in the server process, not in a worker")
    OUTSIDE.append(kind)
