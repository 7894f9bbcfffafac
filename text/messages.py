"""Every text a user reads, by key, in Chinese and English: the languages, the lookup ``t``, deferred messages."""

from __future__ import annotations

import json
import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from text.catalogue import CATALOGUE

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANG",
    "LANGS",
    "Message",
    "industry_label",
    "message_from_json",
    "message_to_json",
    "msg",
    "placeholders",
    "t",
    "template",
]

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


class _Formatter(string.Formatter):
    """str.format without attribute or index lookups in field names (templates stay data, not code)."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return self.get_value(field_name, args, kwargs), field_name


_FORMATTER = _Formatter()


def _param_text(value: Any, lang: str, *, sep_code: str = "list_sep") -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, Message)) for v in value):
        return template(sep_code, lang).join(_param_text(v, lang) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if hasattr(value, "item") and callable(value.item):  # numpy scalar -> plain Python (no np.int64(...) reprs)
        return value.item()
    return value


def template(code: str, lang: str) -> str:
    """The raw template of ``code`` in ``lang`` ('zh' or 'en'). Raises KeyError for an unknown code."""
    zh, en = CATALOGUE[code]
    return en if lang == "en" else zh


def t(key: str, lang: str, /, **params: Any) -> str:
    """The text of ``key`` in ``lang`` ('zh' or 'en') with its placeholders filled from ``params``.

    A parameter that is a :class:`Message` is rendered in the same language, a list of texts joined with the
    language's separator, a numpy scalar as a plain number. A missing placeholder value leaves the template's
    own text (never raises): the catalogue test checks that every raise passes every placeholder. An unknown
    key is returned as itself (the bilingual page test fails on any that reaches a page).

    Parameters
    ----------
    key
        A key of :data:`CATALOGUE`.
    lang
        'zh' or 'en' (anything else reads as Chinese, the default language).
    **params
        The values of the placeholders.
    """
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not params and "{" not in text:
        return text
    sep = "list_semicolon" if key in ("list_semicolon_join", "ws_chg_list") else "list_sep"
    values = {k: _param_text(v, lang, sep_code=sep) for k, v in params.items()}
    try:
        out = _FORMATTER.vformat(text, (), values)
    except (KeyError, ValueError, IndexError):
        return text
    # a nested sentence already ends with its full stop: never two in a row
    return out.replace("。。", "。") if lang != "en" else out


@dataclass(frozen=True)
class Message:
    """A message for a user: a catalogue ``code`` and the values of its placeholders."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ('zh' or 'en'): ``t(code, lang, **params)``."""
        return t(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.text("en")


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return {"$msg": value.code, "params": {k: _plain(v) for k, v in value.params.items()}}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _revive(value: Any) -> Any:
    if isinstance(value, dict) and "$msg" in value:
        if value["$msg"] not in CATALOGUE:
            return Message("legacy_text", {"text": str(value)})
        return Message(value["$msg"], {k: _revive(v) for k, v in (value.get("params") or {}).items()})
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


def message_to_json(message: Message) -> str:
    """A message as canonical JSON text (sorted keys, no spaces; nested messages and lists kept), to store it
    and show it later in either language. The workspace's audit chain hashes this text: keep it stable."""
    return json.dumps(_plain(message), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def message_from_json(text: str) -> Message:
    """A message stored with :func:`message_to_json` (or the first workspace's ``{"code", "params"}``); any other
    text becomes a text message, shown as it is."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return Message("legacy_text", {"text": str(text)})
    if isinstance(value, dict) and "code" in value and "$msg" not in value:
        value = {"$msg": value["code"], "params": value.get("params") or {}}
    revived = _revive(value)
    return revived if isinstance(revived, Message) else Message("legacy_text", {"text": str(text)})


def msg(code: str, /, **params: Any) -> Message:
    """Shorthand for ``Message(code, params)``."""
    return Message(code, params)


def industry_label(code: str, lang: str) -> str:
    """An intended-use code in ``lang``; text that is no code (an imported layer's own words) as written."""
    if not code:
        return t("industry_none", lang)
    return t(f"industry_{code}", lang) if f"industry_{code}" in CATALOGUE else str(code)


def placeholders(code: str) -> dict[str, set[str]]:
    """The placeholder names of ``code`` per language (for the catalogue test)."""
    return {lang: {name for _, name, _, _ in string.Formatter().parse(template(code, lang)) if name} for lang in LANGS}
