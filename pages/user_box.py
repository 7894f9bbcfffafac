"""The sidebar box of every page: who is signed in, their role and how, and the sign-out button."""

from __future__ import annotations

import contextlib

import streamlit as st

from gis.errors import PlannerError
from pages import state
from planner import auth
from planner.workspace import Workspace
from text.messages import t

#: Set by the sign-out button: the sign-in page does not sign in again by itself (proxy header) until asked.
SIGNED_OUT = "signed_out"


def _sign_out(ws: Workspace, cfg: auth.AuthConfig, user: auth.User) -> None:
    token = state.session_token()
    for key in list(st.session_state):  # nothing of this user's work stays for whoever signs in next here
        if key != state.LANG:
            del st.session_state[key]
    st.session_state[SIGNED_OUT] = True
    st.session_state[state.CLEAR_COOKIE] = True  # the sign-in page has the browser drop the cookie
    with contextlib.suppress(PlannerError):  # the workspace went read-only or away: forgotten here all the same
        auth.sign_out(ws, user, token)
    if cfg.mode == "oidc":  # also end the single sign-on cookie, else the sign-in page would sign in again
        st.logout()


def show(ws: Workspace, cfg: auth.AuthConfig, user: auth.User, lang: str) -> None:
    """The signed-in user in the sidebar: name (as typed by an admin, shown inert), role, how they signed in,
    and a sign-out button (none in single-user mode, where there is nobody to sign out)."""
    if user.via == "single_user":  # nobody signs in: one quiet line, the weights stay in view
        st.sidebar.caption(t("user_single", lang, name=state.md(user.name.removeprefix("local:"))))
        return
    box = st.sidebar.container(border=True)
    box.caption(t("user_box", lang))
    line = t("user_line", lang, name=state.md(user.name), role=t(f"role_{user.role}", lang))
    box.markdown(f"**{line}**  \n{t(f'via_{user.via}', lang)}")
    if cfg.login_required:
        box.button(t("user_logout", lang), key="user_logout", on_click=_sign_out, args=(ws, cfg, user), width="stretch")
