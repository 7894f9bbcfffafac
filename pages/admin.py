"""Administration (admins): accounts, the shared layers' versions (restore one), archived scenarios, the bureau's
basemap service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from gis.errors import PlannerError
from layers.registry import get_spec
from pages import boundary, state
from planner import basemaps
from planner import workspace as pw
from planner.accounts import roles
from planner.auth import AuthConfig, User
from planner.workspace import Account, ScenarioHead, Workspace
from text.clock import beijing_time
from text.display import person
from text.messages import t

T = TypeVar("T")
#: The widgets whose values survive their tab being closed; not the new account's form (committed on submit)
#: nor any password field (never kept in the session).
KEPT = state.Kept("admin")

FLASH = "admin_flash"  # what the last action did: a success text, or the PlannerError it raised


def _act(action: Callable[[], T], done: Callable[[T], str]) -> None:
    """Run an admin action (from a button's callback, before the page draws, so the tables are fresh) and keep
    its outcome for the page: ``done(result)`` on success, the translated error otherwise."""
    try:
        result = action()
    except PlannerError as exc:  # refused (last admin, bad name, no reason …): said on the page
        st.session_state[FLASH] = exc
    else:
        st.session_state[FLASH] = done(result)


def _flash(lang: str) -> None:
    outcome = st.session_state.pop(FLASH, None)
    if isinstance(outcome, PlannerError):
        boundary.show_error(outcome, lang)
    elif outcome:
        st.success(outcome, icon=":material/check_circle:")


def _role(role: str, lang: str) -> str:
    return t(f"role_{role}", lang)


def _layer_label(layer_id: str, lang: str) -> str:
    try:
        return get_spec(layer_id).label(lang)
    except KeyError:  # a layer this version of the app does not draw: its id
        return layer_id


# --- accounts -----------------------------------------------------------------------------------------------
def _account_rows(accounts: tuple[Account, ...], lang: str) -> pd.DataFrame:
    def state_of(a: Account) -> str:
        if a.disabled:
            return t("acc_state_disabled", lang)
        if a.locked_until:
            return t("acc_state_locked", lang, until=beijing_time(a.locked_until, seconds=False))
        return t("acc_state_active", lang)

    return pd.DataFrame(
        {
            t("acc_col_name", lang): [a.name for a in accounts],
            t("acc_col_role", lang): [_role(a.role, lang) for a in accounts],
            t("acc_col_state", lang): [state_of(a) for a in accounts],
            t("acc_col_signin", lang): [
                t("acc_signin_password" if a.has_password else "acc_signin_sso", lang) for a in accounts
            ],
            t("acc_col_failed", lang): [a.failed_count for a in accounts],
            t("acc_col_created", lang): [beijing_time(a.created_at, seconds=False) for a in accounts],
            t("acc_col_created_by", lang): [person(a.created_by, lang) for a in accounts],
        }
    )


def _add(ws: Workspace, user: User, lang: str) -> None:
    ss = st.session_state
    sso = bool(ss.get("acc_new_sso"))
    first, again = ss.get("acc_new_pw", ""), ss.get("acc_new_pw2", "")
    ss["acc_new_pw"] = ss["acc_new_pw2"] = ""  # passwords are not kept in the session
    _act(
        lambda: pw.add_account(
            ws,
            user,
            ss.get("acc_new_name", ""),
            ss.get(state.lkey("acc_new_role"), "viewer"),
            password=None if sso else first,
            password_again=None if sso else again,
        ),
        lambda a: t("acc_added", lang, name=state.md(a.name), role=_role(a.role, lang)),
    )
    if not isinstance(ss.get(FLASH), PlannerError):
        ss["acc_new_name"] = ""


def _set_role(ws: Workspace, user: User, name: str, role_key: str, lang: str) -> None:
    role = st.session_state.get(role_key)  # the choice on screen when the button was pressed
    _act(
        lambda: pw.update_account(ws, user, name, role=role),
        lambda a: t("acc_role_changed", lang, name=state.md(a.name), role=_role(a.role, lang)),
    )


def _toggle(ws: Workspace, user: User, name: str, disable: bool, lang: str) -> None:
    _act(
        lambda: pw.update_account(ws, user, name, disabled=disable),
        lambda a: t("acc_disabled_done" if disable else "acc_enabled_done", lang, name=state.md(a.name)),
    )


def _reset(ws: Workspace, user: User, name: str, lang: str) -> None:
    ss = st.session_state
    first, again = ss.get("acc_reset_pw", ""), ss.get("acc_reset_pw2", "")
    ss["acc_reset_pw"] = ss["acc_reset_pw2"] = ""
    _act(
        lambda: pw.update_account(ws, user, name, password=first, password_again=again),
        lambda a: t("acc_reset_done", lang, name=state.md(a.name)),
    )


def _accounts(ws: Workspace, cfg: AuthConfig, user: User, lang: str) -> None:
    if not cfg.login_required:
        st.info(t("acc_auth_off", lang))
    accounts = pw.list_accounts(ws, user)
    if accounts:
        st.dataframe(_account_rows(accounts, lang), hide_index=True, width="stretch")
    else:
        st.caption(t("acc_none", lang))
    left, right = st.columns(2, gap="large")
    with left, st.form("acc_add_form", border=True):
        st.markdown(f"**{t('acc_add', lang)}**")
        st.text_input(t("acc_col_name", lang), key="acc_new_name", max_chars=64)
        st.selectbox(
            t("acc_role", lang), roles(), index=0, key=state.lkey("acc_new_role"), format_func=lambda r: _role(r, lang)
        )
        st.text_input(
            t("acc_password", lang, min=pw.MIN_PASSWORD),
            key="acc_new_pw",
            type="password",
            max_chars=1024,
            autocomplete="new-password",
        )
        st.text_input(
            t("acc_password_again", lang),
            key="acc_new_pw2",
            type="password",
            max_chars=1024,
            autocomplete="new-password",
        )
        if cfg.mode in ("oidc", "proxy"):
            st.checkbox(t("acc_sso", lang), key="acc_new_sso")
        st.form_submit_button(t("acc_add_submit", lang), type="primary", on_click=_add, args=(ws, user, lang))
    if not accounts:
        return
    with right, st.container(border=True):
        st.markdown(f"**{t('acc_change', lang)}**")
        by_name = {a.name: a for a in accounts}
        name = st.selectbox(t("acc_pick", lang), list(by_name), key=KEPT("acc_pick"))
        if name not in by_name:
            return
        account = by_name[name]
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        role_key = KEPT.lkey(f"acc_role_of_{account.name}")
        role = c1.selectbox(
            t("acc_role", lang),
            roles(),
            index=roles().index(account.role),
            key=role_key,
            format_func=lambda r: _role(r, lang),
        )
        c2.button(
            t("acc_set_role", lang),
            key="acc_set_role",
            disabled=role == account.role,
            width="stretch",
            on_click=_set_role,
            args=(ws, user, account.name, role_key, lang),
        )
        st.button(
            t("acc_enable" if account.disabled else "acc_disable", lang),
            key="acc_toggle",
            on_click=_toggle,
            args=(ws, user, account.name, not account.disabled, lang),
        )
        st.text_input(
            t("acc_new_password", lang, min=pw.MIN_PASSWORD),
            key="acc_reset_pw",
            type="password",
            max_chars=1024,
            autocomplete="new-password",
        )
        st.text_input(
            t("acc_password_again", lang),
            key="acc_reset_pw2",
            type="password",
            max_chars=1024,
            autocomplete="new-password",
        )
        st.button(t("acc_reset", lang), key="acc_reset", on_click=_reset, args=(ws, user, account.name, lang))


# --- shared layers ------------------------------------------------------------------------------------------
def _restore(ws: Workspace, user: User, layer_id: str, version_key: str, lang: str) -> None:
    version = int(st.session_state[version_key])
    _act(
        lambda: pw.restore_layer(ws, user, layer_id, version),
        lambda v: t(
            "lay_restored",
            lang,
            layer=state.md(_layer_label(v.layer_id, lang)),
            from_version=v.restored_from,
            version=v.version,
        ),
    )


def _layers(ws: Workspace, user: User, lang: str) -> None:
    versions = pw.layer_versions(ws, user)
    if not versions:
        st.info(t("lay_none", lang))
        return
    current: dict[str, int] = {}
    for v in versions:  # newest first per layer
        current.setdefault(v.layer_id, v.version)
    st.dataframe(
        pd.DataFrame(
            {
                t("lay_col_layer", lang): [_layer_label(v.layer_id, lang) for v in versions],
                t("lay_col_version", lang): [v.version for v in versions],
                t("lay_col_current", lang): [
                    t("lay_current_mark", lang) if current[v.layer_id] == v.version else "" for v in versions
                ],
                t("lay_col_by", lang): [person(v.published_by, lang) for v in versions],
                t("lay_col_at", lang): [beijing_time(v.published_at, seconds=False) for v in versions],
                t("lay_col_features", lang): [v.n_features for v in versions],
                t("lay_col_restored", lang): [
                    "" if v.restored_from is None else t("lay_col_version", lang) + f" {v.restored_from}"
                    for v in versions
                ],
                t("lay_col_note", lang): [v.note for v in versions],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    with st.container(border=True):
        st.markdown(f"**{t('lay_restore', lang)}**")
        c1, c2 = st.columns(2)
        layer = c1.selectbox(
            t("lay_pick_layer", lang),
            list(current),
            key=KEPT.lkey("lay_pick"),
            format_func=lambda lid: _layer_label(lid, lang),
        )
        older = [v for v in versions if v.layer_id == layer and v.version != current.get(layer)]
        if not older:
            st.caption(t("lay_only_one", lang))
            return
        by_version = {v.version: v for v in older}
        c2.selectbox(
            t("lay_pick_version", lang),
            list(by_version),
            key=KEPT(f"lay_version_{layer}"),
            format_func=lambda n: t(
                "lay_version_label",
                lang,
                version=n,
                who=person(by_version[n].published_by, lang),
                when=beijing_time(by_version[n].published_at, seconds=False),
            ),
        )
        st.button(
            t("lay_restore_button", lang),
            key="lay_restore",
            type="primary",
            on_click=_restore,
            args=(ws, user, layer, f"lay_version_{layer}", lang),
        )


# --- archived scenarios -------------------------------------------------------------------------------------
def _scenario_label(head: ScenarioHead, lang: str) -> str:
    return t("scen_label", lang, name=head.name, version=head.version)


def _archive(ws: Workspace, user: User, lang: str) -> None:
    scenario_id, reason = st.session_state.get("arc_pick") or "", st.session_state.get("arc_reason", "")
    _act(
        lambda: pw.archive_scenario(ws, user, scenario_id, reason=reason),
        lambda h: t("arc_done", lang, name=state.md(h.name)),
    )
    if not isinstance(st.session_state.get(FLASH), PlannerError):
        st.session_state["arc_reason"] = ""


def _unarchive(ws: Workspace, user: User, lang: str) -> None:
    _act(
        lambda: pw.unarchive_scenario(ws, user, st.session_state.get("arc_pick_archived") or ""),
        lambda h: t("arc_restored", lang, name=state.md(h.name)),
    )


def _archived(ws: Workspace, user: User, lang: str) -> None:
    heads = pw.list_scenarios(ws, user, include_archived=True)
    active = {h.id: h for h in heads if not h.archived}
    archived = {h.id: h for h in heads if h.archived}
    with st.container(border=True):
        st.markdown(f"**{t('arc_archive', lang)}**")
        if not active:
            st.caption(t("arc_none_active", lang))
        else:
            c1, c2 = st.columns(2)
            sid = c1.selectbox(
                t("arc_pick", lang),
                list(active),
                key=KEPT("arc_pick"),
                format_func=lambda s: _scenario_label(active[s], lang),
            )
            reason = c2.text_input(t("arc_reason", lang), key=KEPT("arc_reason"), max_chars=500)
            st.button(
                t("arc_button", lang),
                key="arc_button",
                disabled=not (reason or "").strip() or sid is None,
                on_click=_archive,
                args=(ws, user, lang),
            )
    st.markdown(f"**{t('arc_list', lang)}**")
    if not archived:
        st.caption(t("arc_none", lang))
        return
    rows = list(archived.values())
    st.dataframe(
        pd.DataFrame(
            {
                t("arc_col_name", lang): [h.name for h in rows],
                t("arc_col_version", lang): [h.version for h in rows],
                t("arc_col_at", lang): [
                    beijing_time(h.archived_at, seconds=False) if h.archived_at else "" for h in rows
                ],
                t("arc_col_by", lang): [person(h.archived_by, lang) for h in rows],
                t("arc_col_reason", lang): [h.archive_reason or "" for h in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    back = c1.selectbox(
        t("arc_pick_archived", lang),
        list(archived),
        key=KEPT("arc_pick_archived"),
        format_func=lambda s: _scenario_label(archived[s], lang),
    )
    c2.button(
        t("arc_restore", lang),
        key="arc_restore",
        width="stretch",
        disabled=back is None,
        on_click=_unarchive,
        args=(ws, user, lang),
    )


# --- basemap service --------------------------------------------------------------------------------------------
def _save_basemap(ws: Workspace, user: User, lang: str, *, clear: bool = False) -> None:
    ss = st.session_state
    _act(
        lambda: basemaps.set_service(
            ws,
            user,
            url="" if clear else ss.get("bm_url", ""),
            datum=ss.get(state.lkey("bm_datum"), "wgs84"),
            attribution=ss.get("bm_attribution", ""),
            subdomains=ss.get("bm_subdomains", ""),
            max_zoom=int(ss.get("bm_max_zoom", 18)),
        ),
        lambda _: t("bm_cleared" if clear else "bm_saved", lang),
    )
    if clear and not isinstance(ss.get(FLASH), PlannerError):
        ss["bm_url"] = ""


def _basemap(ws: Workspace, user: User, lang: str) -> None:
    current = basemaps.service(ws)
    st.caption(t("bm_help", lang))
    if current is None:
        st.info(t("bm_none", lang), icon=":material/map:")
    else:
        st.success(
            t("bm_current", lang, url=state.md(current.tiles[0]), datum=t(f"bm_datum_{current.datum}", lang)),
            icon=":material/map:",
        )
    ss = st.session_state
    if "bm_url" not in ss:  # the form opens on what is set
        ss["bm_url"], ss["bm_attribution"] = (current.tiles[0], current.attribution) if current else ("", "")
        ss["bm_subdomains"], ss["bm_max_zoom"] = (current.subdomains, current.max_native_zoom) if current else ("", 18)
    st.text_input(
        t("bm_url", lang), key=KEPT("bm_url"), max_chars=1000, placeholder="http://10.0.0.1/tiles/{z}/{x}/{y}.png"
    )
    c1, c2, c3 = st.columns(3)
    datums = ["wgs84", "gcj02"]
    c1.selectbox(
        t("bm_datum", lang),
        datums,
        key=KEPT.lkey("bm_datum"),
        index=datums.index(current.datum) if current is not None else 0,
        format_func=lambda d: t(f"bm_datum_{d}", lang),
    )
    c2.text_input(t("bm_subdomains", lang), key=KEPT("bm_subdomains"), max_chars=16)
    c3.number_input(t("bm_max_zoom", lang), key=KEPT("bm_max_zoom"), min_value=1, max_value=22, step=1)
    st.text_input(t("bm_attribution", lang), key=KEPT("bm_attribution"), max_chars=200)
    b1, b2 = st.columns(2)
    b1.button(
        t("bm_save", lang),
        key="bm_save",
        type="primary",
        width="stretch",
        disabled=not (ss.get("bm_url") or "").strip(),
        on_click=_save_basemap,
        args=(ws, user, lang),
    )
    b2.button(
        t("bm_clear", lang),
        key="bm_clear",
        width="stretch",
        disabled=current is None,
        on_click=_save_basemap,
        args=(ws, user, lang),
        kwargs={"clear": True},
    )


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ws, cfg = state.workspace()
    user = state.signed_in_user()
    st.title(t("admin_title", lang))
    pw.list_accounts(ws, user)  # the role check first (PermissionDeniedError for anyone but an admin)
    _flash(lang)
    state.tabs(
        {
            "tab_accounts": lambda: _accounts(ws, cfg, user, lang),
            "tab_layers": lambda: _layers(ws, user, lang),
            "tab_archive": lambda: _archived(ws, user, lang),
            "tab_basemap": lambda: _basemap(ws, user, lang),
        },
        key="admin_tab",
    )


boundary.run(page, lang=state.lang())
