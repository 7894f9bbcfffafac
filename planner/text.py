"""Text from the data shown in the user's language: ``<field>_<lang>`` columns and translated codes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from collections.abc import Mapping
from typing import Any

import pandas as pd



def data_text(row: Mapping[str, Any] | pd.Series, field: str, lang: str) -> str:
    """A feature's text field in ``lang``: the ``<field>_<lang>`` column when the layer has one, else the
    field itself (official data keeps the words its authors wrote), else ``""``."""
    for col in (f"{field}_{lang}", field, f"{field}_zh"):
        value = row.get(col) if hasattr(row, "get") else None
        if value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip():
            return str(value)
    return ""


BEIJING = timezone(timedelta(hours=8), "UTC+8")


def beijing_time(value: Any, *, seconds: bool = False) -> str:
    """A stored UTC time (ISO text or datetime) as Beijing time, ``2026-11-27 20:38`` (UTC+8); "–" if unknown."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return "–"
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
