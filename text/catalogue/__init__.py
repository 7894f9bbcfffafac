"""The one catalogue: every text a user reads, by key, in Chinese and English, gathered from one module per domain."""

from __future__ import annotations

from types import ModuleType

from text.catalogue import (
    accounts,
    app,
    cli,
    crs,
    data,
    errors,
    export,
    importing,
    maps,
    park,
    performance,
    planning,
    scenarios,
    scoring,
    workspace,
)

#: The domain modules, each an ``ENTRIES`` table. Add a key to the module of the domain it speaks about.
MODULES: tuple[ModuleType, ...] = (
    app,
    errors,
    park,
    data,
    maps,
    crs,
    scoring,
    scenarios,
    planning,
    performance,
    importing,
    export,
    workspace,
    accounts,
    cli,
)


def merge(modules: tuple[ModuleType, ...]) -> dict[str, tuple[str, str]]:
    """The ``ENTRIES`` of ``modules`` in one table; raises RuntimeError on a key that two modules define.

    Parameters
    ----------
    modules
        Modules with an ``ENTRIES: dict[str, tuple[str, str]]`` table.
    """
    merged: dict[str, tuple[str, str]] = {}
    home: dict[str, str] = {}
    for module in modules:
        for key, pair in module.ENTRIES.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} is defined in both {home[key]} and {module.__name__}")
            merged[key] = pair
            home[key] = module.__name__
    return merged


#: key -> (Chinese, English). Placeholders are named (``{file}``, ``{share:.0%}``) and identical in both
#: languages; a placeholder whose value is a :class:`text.messages.Message` is rendered in the same language.
CATALOGUE: dict[str, tuple[str, str]] = merge(MODULES)
