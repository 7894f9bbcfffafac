"""The C allocator of the server process (glibc): large blocks in their own mappings, freed memory given back."""

from __future__ import annotations

import contextlib
import ctypes
import gc


def trim_memory() -> None:
    """Collect garbage and ask the C allocator to return free memory to the system (glibc ``malloc_trim``)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


#: glibc's mallopt parameter: allocations at least this big are served by mmap (given back when freed).
_M_MMAP_THRESHOLD = -3


def tune_allocator(mmap_threshold: int = 128 * 1024) -> bool:
    """Keep glibc's mmap threshold at ``mmap_threshold`` for good; call once when the server starts.

    By default glibc raises the threshold (up to 32 MB) each time a large block is freed, after which the
    arrays of a big layer (an import's coordinates, scores) land in the heaps among long-lived objects and stay
    there after the session that needed them is gone. A fixed threshold keeps every large block in its own
    mapping, returned to the system on free. Returns whether the allocator took it (False when not glibc).
    """
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, int(mmap_threshold)))
    except (OSError, AttributeError):
        return False
