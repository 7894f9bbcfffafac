"""Text cut to fit: at most so many characters (never mid-word) or so many bytes (never half a character)."""

from __future__ import annotations

import unicodedata
from typing import Any


def _in_word(ch: str) -> bool:
    """A character of a word written with spaces around it (ASCII letters, digits, and ``_.-/:``)."""
    return ch.isascii() and (ch.isalnum() or ch in "_.-/:")


def clip_text(text: Any, limit: int) -> str:
    """``text`` (made text with ``str``) shortened to at most ``limit`` characters, with "…".

    A word written with spaces is never cut: the text ends after the last whole word that fits (a single
    word longer than half the limit is the exception). Chinese, which has no spaces, is cut between
    characters.

    Parameters
    ----------
    text
        What to shorten; anything else than ``str`` is shown as ``str(text)``.
    limit
        The most characters the result may have, "…" included.
    """
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    following = text[len(cut)]
    if _in_word(cut[-1]) and _in_word(following):  # in the middle of a word: go back to its start
        start = len(cut)
        while start > 0 and _in_word(cut[start - 1]):
            start -= 1
        if start >= limit // 2:
            cut = cut[:start]
    return cut.rstrip(" ,;:-([（") + "…"


def truncate_to_bytes(text: str, *, encoding: str, limit: int) -> str:
    """The longest start of ``text`` whose ``encoding`` bytes fit in ``limit`` (never half a character)."""
    out = text
    while out and len(out.encode(encoding, "replace")) > limit:
        out = out[:-1]
    return out


#: Invisible characters that reorder or hide text (bidi embeddings, overrides, isolates and marks): a name holding
#: them can show as another name (``\u202e`` turns "exe.txt" into "txt.exe").
BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control(ch: str) -> bool:
    return (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS


def clean_text(text: Any) -> str:
    """Text as the app keeps what a user typed: Unicode NFC, without control characters (a line break and a tab
    stay) and without the bidi controls of :data:`BIDI_CONTROLS`."""
    return "".join(ch for ch in unicodedata.normalize("NFC", str(text)) if not _control(ch))


def visible_controls(text: Any) -> str:
    """``text`` with every control and bidi character written out (``\\x01``, ``\\u202e``): for records that must
    show what was received (the audit trail) on a terminal or in a spreadsheet, which would otherwise act on them
    or refuse them."""
    return "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") if _control(ch) else ch for ch in str(text)
    )
