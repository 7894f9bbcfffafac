"""A browser session's claim on the shared caches (tiles.cache): released when the session goes."""

from __future__ import annotations

import weakref

from tiles.cache import release


class SessionScope:
    """What one browser session added to the shared caches: released when the session goes.

    The page keeps the scope in the session's state; when Streamlit drops the session (its websocket gone
    for ``server.disconnectedSessionTTL``), the scope is garbage and every fragment it claimed is released.
    """

    def __init__(self) -> None:
        self.fragments: set[str] = set()
        weakref.finalize(self, release, self.fragments)

    def claim(self, fragment: str) -> None:
        """Mark cache entries mentioning ``fragment`` as this session's own."""
        self.fragments.add(fragment)
