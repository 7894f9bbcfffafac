"""Text cut to fit: at most so many characters (never mid-word) or so many bytes (never half a character)."""

from __future__ import annotations

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
