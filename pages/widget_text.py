"""Streamlit's own English widget texts (the uploader's "Upload", "100MB per file", "Press Enter to apply") said
in the user's language: a style sheet that hides them and writes the catalogue's words in their place."""

from __future__ import annotations

import streamlit as st

from planner.import_session import upload_limits
from text.messages import t

#: (CSS selector of the element holding Streamlit's English text, catalogue key of what to show instead).
REPLACED = (
    ('[data-testid="stFileUploaderDropzone"] button', "st_upload_button"),
    ('[data-testid="stFileUploaderDropzoneInstructions"] > div', "st_upload_limit"),
    ('[data-testid="InputInstructions"]', "st_input_enter"),
)


def _css_text(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, angle brackets and control characters written as
    CSS hex escapes (``\\3c ``), so no text can end the string or the style element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


def style_sheet(lang: str) -> str:
    """The style element that replaces Streamlit's English texts in ``lang`` (empty for English)."""
    if lang == "en":
        return ""
    rules = []
    for selector, key in REPLACED:
        text = t(key, lang, mb=f"{upload_limits().upload_mb:g}")
        rules.append(f"{selector} {{font-size: 0 !important; line-height: 0;}}")
        rules.append(f"{selector} > * {{display: none !important;}}")
        rules.append(f"{selector}::after {{content: {_css_text(text)}; font-size: 0.875rem; line-height: 1.6;}}")
    return "<style>" + "\n".join(rules) + "</style>"


def show(lang: str) -> None:
    """Put the style sheet on the page (it takes no space)."""
    sheet = style_sheet(lang)
    if sheet:
        st.html(sheet)
