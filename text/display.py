"""Text from the data shown in the user's language: ``<field>_<lang>`` columns and translated codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from text.clip import clean_text
from text.messages import t


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA (a nullable column's missing value): no value at all."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def data_text(row: Mapping[str, Any] | pd.Series, field: str, lang: str) -> str:
    """A feature's text field in ``lang``: the ``<field>_<lang>`` column when the layer has one, else the
    field itself (official data keeps the words its authors wrote), else ``""``."""
    for col in (f"{field}_{lang}", field, f"{field}_zh"):
        value = row.get(col) if hasattr(row, "get") else None
        if not _missing(value) and str(value).strip():
            return str(value)
    return ""


def person(name: Any, lang: str) -> str:
    """Who did something, as an official reads it: an account name as typed, ``local:<os user>`` (single-user
    mode) as "本机用户 <os user>", ``cli:<who>`` (the command line) as "命令行 <who>", ``system`` as "系统"."""
    text = "" if name is None else clean_text(name)  # no control or bidi character reorders what is shown
    if text == "system":  # the workspace itself (an upgrade of its structure, say)
        return t("person_system", lang)
    for prefix, key in (("local:", "person_local"), ("cli:", "person_cli")):
        if text.startswith(prefix):
            return t(key, lang, name=text.removeprefix(prefix))
    return text


def name_col(lang: str) -> str:
    """The attribute column holding a feature's name in ``lang``."""
    return "name_en" if lang == "en" else "name_zh"


def metro_lines_text(value: Any, lang: str) -> str:
    """A station's lines as an official reads them: ``"1|3|4"`` -> "1号线、3号线、4号线" / "Line 1, Line 3, Line 4"
    (a line the catalogue does not name is shown as written)."""
    if _missing(value):
        return ""
    refs = [r.strip() for r in str(value).replace(";", "|").replace(",", "|").split("|") if r.strip()]
    names = [t(f"metro_line_{r}", lang) for r in refs]
    return t("list_sep", lang).join(names)


def floor_area_text(area_m2: float, *, unit: bool = True) -> str:
    """A floor area (m²) to the whole square metre with thousands separators (and " m²" when ``unit``), "—" when
    there is none (NaN)."""
    return "—" if _missing(area_m2) else f"{area_m2:,.0f}" + (" m²" if unit else "")


def share_text(share: float) -> str:
    """A share (0–1) as a whole percentage, "—" when there is none (NaN)."""
    return "—" if _missing(share) else f"{share:.0%}"
