"""Cutting text to a length: the longest start of a text that fits a byte limit in an encoding."""


def truncate_to_bytes(text: str, *, encoding: str, limit: int) -> str:
    """The longest start of ``text`` whose ``encoding`` bytes fit in ``limit`` (never half a character)."""
    out = text
    while out and len(out.encode(encoding, "replace")) > limit:
        out = out[:-1]
    return out
