"""Times in the workspace: stored as UTC ISO 8601 text, shown in Beijing time (UTC+8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pandas as pd

#: China Standard Time (Beijing), UTC+8, no daylight saving.
BEIJING = timezone(timedelta(hours=8), "CST")


def utc_now() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


def beijing_today() -> str:
    """Today's date in Beijing (ISO ``2026-12-07``): the date printed on maps and exports (the server's clock
    may run in UTC, eight hours behind the office)."""
    return utc_now().astimezone(BEIJING).date().isoformat()


def to_iso(moment: datetime) -> str:
    """``moment`` as stored: UTC, ISO 8601 with microseconds and 'Z' (text order = time order)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now_iso() -> str:
    """Now as stored (UTC ISO 8601, microseconds, 'Z')."""
    return to_iso(utc_now())


def parse_iso(value: str) -> datetime:
    """A stored time (or any ISO 8601 text with an offset; naive text is taken as UTC) as aware UTC."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def beijing_time(value: Any, *, seconds: bool = True) -> str:
    """A stored UTC time (ISO 8601 text or datetime) in Beijing time, e.g. '2026-11-27 20:50:45' (what
    officials read); "–" when there is none (None, empty text, NaN, NaT, pd.NA), the text itself when it is
    not a time.

    Parameters
    ----------
    value
        ISO 8601 text (naive text is taken as UTC) or a datetime (a naive one is taken as local time, as
        :meth:`datetime.astimezone` does).
    seconds
        Show the seconds (``%H:%M:%S``) or only the minutes (``%H:%M``).
    """
    if (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
    ):
        return "–"
    try:
        moment = value.astimezone(UTC) if isinstance(value, datetime) else parse_iso(str(value))
    except ValueError:
        return str(value)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def beijing_days_utc(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """The stored-form UTC bounds of the Beijing calendar days ``since`` … ``until`` (both included): the start
    of ``since`` (00:00 Beijing = 16:00 UTC the day before) and the start of the day after ``until`` (an
    exclusive bound); None for an open end."""
    start = to_iso(datetime.combine(since, time.min, tzinfo=BEIJING)) if since is not None else None
    end = to_iso(datetime.combine(until + timedelta(days=1), time.min, tzinfo=BEIJING)) if until is not None else None
    return start, end
