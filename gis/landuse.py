"""Land-use codes of the 2023 用地用海分类 (code tree, names) and which proposed use a planned use allows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from gis.errors import RegulatoryError
from gis.settings import SETTINGS

#: How a proposed use can agree with a planned one: the same code, a sub-class of it, or a row of the table.
Agreement = Literal["same", "subclass", "table"]
#: The bundled tables (the classification's codes and names; the editable compatibility table).
TABLE_DIR = SETTINGS.data_dir / "regulatory"


def _code(value: object) -> str:
    """A land-use code as written in the tables: text without spaces; national codes keep their leading zero."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    return text.upper() if text.isascii() else text


@dataclass(frozen=True)
class LandUseCodes:
    """The code tree and the compatibility table.

    Attributes
    ----------
    names : dict
        code -> (Chinese name, English name).
    parents : dict
        code -> parent code ('' for a first-level class).
    compatible : frozenset of (planned, proposed)
        Uses a planned code allows besides itself and its sub-classes (e.g. Shanghai's 新型产业用地 M0, which has
        no national code).
    """

    names: dict[str, tuple[str, str]]
    parents: dict[str, str]
    compatible: frozenset[tuple[str, str]]

    def is_known(self, code: str) -> bool:
        """Whether ``code`` is in the code tree."""
        return _code(code) in self.names

    def name(self, code: str, lang: str) -> str:
        """The code's name in ``lang`` ('zh' or 'en'); the code itself when unknown."""
        pair = self.names.get(_code(code))
        return code if pair is None else pair[1] if lang == "en" else pair[0]

    def ancestors(self, code: str) -> list[str]:
        """``code``'s parents, nearest first (0701 → [07])."""
        found, current = [], self.parents.get(_code(code), "")
        while current and current not in found:
            found.append(current)
            current = self.parents.get(current, "")
        return found

    def agreement(self, *, planned: str, proposed: str) -> Agreement | None:
        """How ``proposed`` agrees with ``planned`` — the same code, a sub-class, a compatible use — or None."""
        planned, proposed = _code(planned), _code(proposed)
        if not planned or not proposed:
            return None
        if planned == proposed:
            return "same"
        if planned in self.ancestors(proposed):
            return "subclass"
        return "table" if (planned, proposed) in self.compatible else None

    def allowed_under(self, planned: str) -> list[str]:
        """The codes the table adds to ``planned`` (its sub-classes are allowed too and not listed)."""
        planned = _code(planned)
        return sorted(proposed for p, proposed in self.compatible if p == planned)


def load_landuse(folder: str | Path = TABLE_DIR) -> LandUseCodes:
    """Read ``landuse_codes.csv`` (code, parent, name_zh, name_en) and ``landuse_compatibility.csv`` (planned,
    proposed, notes) from ``folder``.

    Raises
    ------
    RegulatoryError
        A table is missing, lacks a column, names a parent or a compatible code that is not in the tree.
    """
    folder = Path(folder)
    codes = _read_table(folder / "landuse_codes.csv", ("code", "parent", "name_zh", "name_en"))
    compat = _read_table(folder / "landuse_compatibility.csv", ("planned", "proposed"))
    names = {_code(r.code): (str(r.name_zh), str(r.name_en)) for r in codes.itertuples()}
    parents = {_code(r.code): _code(r.parent) for r in codes.itertuples()}
    unknown = sorted(
        {p for p in parents.values() if p and p not in names}
        | {_code(c) for c in (*compat["planned"], *compat["proposed"]) if _code(c) not in names}
    )
    if unknown:
        raise RegulatoryError("reg_table_unknown_code", file=str(folder.name), codes=", ".join(unknown[:10]))
    pairs = frozenset((_code(r.planned), _code(r.proposed)) for r in compat.itertuples())
    return LandUseCodes(names=names, parents=parents, compatible=pairs)


def load_clauses(folder: str | Path = TABLE_DIR, *, rules: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """The citation of each review rule, in Chinese and English, from ``review_clauses.csv`` (rule, clause_zh,
    clause_en): ``{parcels}`` in a citation becomes the 控规 parcel numbers (the only placeholder allowed).

    Raises
    ------
    RegulatoryError
        The table is missing, lacks a column or a rule, or a citation is over 200 characters or has another
        placeholder.
    """
    path = Path(folder) / "review_clauses.csv"
    table = _read_table(path, ("rule", "clause_zh", "clause_en"))
    found = {str(r.rule).strip(): (str(r.clause_zh).strip(), str(r.clause_en).strip()) for r in table.itertuples()}
    missing = [r for r in rules if r not in found]
    if missing:
        raise RegulatoryError("reg_clauses_missing", file=path.name, rules=", ".join(missing))
    for rule in rules:
        for text in found[rule]:
            try:
                ok = len(text) <= 200 and bool(text.format(parcels="x"))
            except (KeyError, IndexError, ValueError):
                ok = False
            if not ok:
                raise RegulatoryError("reg_clause_bad", file=path.name, rule=rule, text=text[:60])
    return {rule: found[rule] for rule in rules}


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise RegulatoryError("reg_table_missing", file=path.name)
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise RegulatoryError("reg_table_columns", file=path.name, columns=", ".join(missing))
    return table
