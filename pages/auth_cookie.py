"""The browser's sign-in cookie from the pages' side: hand a sign-in to the app's route, clear it at sign-out."""

from __future__ import annotations

import streamlit as st

from layers.webmap import STATIC_DIR
from planner.urls import API_PREFIX

_COMPONENT = st.components.v2.component(
    "planner_auth", html="", js=(STATIC_DIR / "js" / "planner_auth_component.js").read_text(encoding="utf-8")
)


def exchange(code: str, *, lang: str) -> None:
    """Have the browser exchange a sign-in's one-time code for the HttpOnly cookie, then load the page again
    (in ``lang``): the new connection carries the cookie."""
    _COMPONENT(
        key="auth_cookie_bind", data={"url": f"{API_PREFIX}/auth/bind", "code": code, "reload": True, "lang": lang}
    )


def clear() -> None:
    """Have the browser drop the sign-in cookie (its session has already ended on the server)."""
    _COMPONENT(key="auth_cookie_clear", data={"url": f"{API_PREFIX}/auth/clear", "reload": False})
