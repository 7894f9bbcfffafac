"""Sign-in page: account name and password, the bureau's single sign-on (st.login) or its trusted proxy header;
says how to create the first admin when there is no account yet."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from gis.errors import PlannerError
from pages import auth_cookie, boundary, state
from pages.user_box import SIGNED_OUT
from planner import auth
from planner.workspace import Workspace
from text.messages import t

ERROR = "login_error"  # the PlannerError of the last sign-in attempt, shown once
NAME, PASSWORD = "login_name", "login_password"


def _keep(result: auth.SignIn | None) -> bool:
    """Hand a sign-in to the browser (a one-time code it exchanges for the HttpOnly cookie); False when there was
    none. The session keeps the token too, for a run without a browser (AppTest); a browser's runs read the cookie."""
    if result is None:
        return False
    st.session_state[state.TOKEN] = result.token
    st.session_state[state.HANDOFF] = auth.handoff(result.token)
    st.session_state.pop(SIGNED_OUT, None)
    return True


def _submit() -> None:
    """The form's callback: it runs before the script, so this very run already shows the first page."""
    password = st.session_state.get(PASSWORD, "")
    st.session_state[PASSWORD] = ""  # not kept in the session
    try:
        ws, cfg = state.workspace()
        _keep(auth.sign_in(ws, cfg, st.session_state.get(NAME, ""), password, client=_client()))
    except PlannerError as exc:  # wrong password, wait, database down …: shown on the page, translated, and
        st.session_state[ERROR] = auth.before_sign_in(exc)  # without where the workspace is


def _client() -> str:
    """Who tries to sign in, for the back-off: the connection's address (behind a proxy, the browser's address the
    proxy reports when it is trusted, scripts/run_app.sh), or ``local`` for a same-machine connection."""
    peer = _peer()
    return peer if isinstance(peer, str) and peer else "local"  # (a test harness's stand-in is no address)


def _local(lang: str) -> None:
    st.write(t("login_intro", lang))
    with st.form("login_form", border=True, enter_to_submit=True):
        st.text_input(t("login_name", lang), key=NAME, max_chars=64, autocomplete="username")
        st.text_input(
            t("login_password", lang), key=PASSWORD, type="password", max_chars=1024, autocomplete="current-password"
        )
        st.form_submit_button(t("login_submit", lang), type="primary", on_click=_submit)
    st.caption(t("login_reload_note", lang))


def _oidc(ws: Workspace, cfg: auth.AuthConfig, lang: str) -> None:
    st.write(t("login_oidc_intro", lang))
    person = st.user.to_dict()  # without an [auth] section, st.user has no is_logged_in at all
    if person.get("is_logged_in") and _keep(auth.sign_in_external(ws, cfg, oidc_user=person)):
        st.rerun()  # the navigation is built again, now with the pages
    if st.button(t("login_oidc", lang), type="primary", key="login_oidc"):
        try:
            st.login()  # to the bureau's identity provider; it comes back signed in (st.user)
        except StreamlitAPIException:  # no [auth] section in secrets.toml, or Authlib missing
            st.error(t("login_oidc_missing", lang), icon="⚠️")


def _peer() -> str | None:
    """The address the connection comes from. Streamlit reports a loopback peer (a proxy on the same machine)
    as None; a live connection always has headers, so None with headers is the loopback address."""
    address = st.context.ip_address
    return "127.0.0.1" if address is None and st.context.headers else address


def _proxy(ws: Workspace, cfg: auth.AuthConfig, lang: str) -> None:
    if st.session_state.get(SIGNED_OUT):  # signed out on purpose: the header would sign in again at once
        st.button(
            t("login_again", lang),
            type="primary",
            key="login_again",
            on_click=lambda: st.session_state.pop(SIGNED_OUT, None),
        )
        return
    headers = dict(st.context.headers or {})
    if _keep(auth.sign_in_external(ws, cfg, peer=_peer(), headers=headers)):
        st.rerun()
    st.warning(t("login_proxy_none", lang, header=state.md(cfg.proxy_header or "")), icon="⚠️")


def page() -> None:
    lang = state.lang()
    ws, cfg = state.workspace()
    st.title(t("login_title", lang))
    if st.session_state.get(state.CLEAR_COOKIE) and state.live():
        del st.session_state[state.CLEAR_COOKIE]
        auth_cookie.clear()
    code = st.session_state.get(state.HANDOFF)
    if code and state.live():  # signed in: the browser takes the cookie, then the page loads again with it
        auth_cookie.exchange(code, lang=lang)
        st.info(t("login_binding", lang))
        return
    error: PlannerError | None = st.session_state.pop(ERROR, None)
    if error is not None:
        boundary.show_error(error, lang)
    elif st.session_state.get(SIGNED_OUT):
        st.info(t("login_signed_out", lang))
    if auth.setup_hint(ws, cfg) is not None:  # no account yet: the first admin is made on the server
        st.info(t("login_setup", lang))
        st.code(f"python -m gis users add {t('login_setup_name', lang)} --role admin", language="bash")
        return
    if cfg.mode == "oidc":
        _oidc(ws, cfg, lang)
    elif cfg.mode == "proxy":
        _proxy(ws, cfg, lang)
    else:
        _local(lang)


boundary.run(page, lang=state.lang())
