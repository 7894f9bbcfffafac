"""Recognising a table's columns by the names offices write them under (full/half-width, spaces, case alike)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping


def fold(name: object) -> str:
    """A name compared loosely: full- and half-width alike (NFKC), no spaces, case-blind."""
    return unicodedata.normalize("NFKC", str(name)).replace(" ", "").casefold()


def find_columns(columns: Iterable[object], fields: Mapping[str, tuple[str, ...]]) -> dict[str, str | None]:
    """canonical field -> the table's column for it (the first recognised name that is there), or None.

    ``fields`` maps each canonical field to the names it is recognised by, in order of preference.
    """
    folded = {fold(c): c for c in columns}
    return {
        canon: next((str(folded[fold(n)]) for n in names if fold(n) in folded), None) for canon, names in fields.items()
    }
