"""The session's work in progress restored from the workspace once, and autosaved after every run that changed it."""

from __future__ import annotations

import contextlib

import streamlit as st

from gis.errors import PlannerError
from pages import state
from planner import drafts
from planner import scenario_edit as se
from planner.auth import User
from planner.workspace import Workspace

RESTORED = "draft_restored"  # the account whose draft this session restored (restored once per sign-in)
KEPT_CONTENT = "draft_kept"  # the draft's content as last kept (a run that changed nothing writes nothing)
NOTICE = "draft_notice"  # when the restored scenario was kept (UTC ISO), until the user keeps or discards it


def restore(ws: Workspace, user: User) -> None:
    """Once per session and account: the language (unless the link names one), weights, preset, rule and the
    scenario being edited as the user left them — after a reload, a deep link or a server restart."""
    if st.session_state.get(RESTORED) == user.name:
        return
    st.session_state[RESTORED] = user.name
    draft = drafts.load(ws, user)
    if draft is None:
        return
    if draft.lang and "lang" not in st.query_params:
        st.session_state[state.LANG] = draft.lang
    if draft.weights:
        state.keep_weights(draft.weights)
    if draft.preset:
        st.session_state[state.PRESET_CHOSEN] = draft.preset
    st.session_state[state.PARK_USE_RULE] = draft.park_use_rule
    if draft.scenario is not None and state.HISTORY not in st.session_state:
        st.session_state[state.HISTORY] = se.History(draft.scenario)
        st.session_state[state.NAME] = draft.scenario.name
        st.session_state[state.NOTES] = draft.scenario.notes
        if draft.base:
            st.session_state[state.BASE] = draft.base
        if se.has_content(draft.scenario):
            st.session_state[NOTICE] = draft.saved_at
    st.session_state[KEPT_CONTENT] = draft.content()


def current() -> drafts.Draft:
    """The session's work in progress as a draft."""
    history: se.History | None = st.session_state.get(state.HISTORY)
    return drafts.Draft(
        lang=state.lang(),
        weights=dict(st.session_state.get(state.WEIGHTS) or {}),
        preset=st.session_state.get(state.PRESET_CHOSEN),
        park_use_rule=state.park_use_rule(),
        scenario=history.current if history is not None else None,
        base=st.session_state.get(state.BASE),
    )


def autosave(ws: Workspace, user: User) -> None:
    """Keep the work in progress when this run changed it (a read-only or unreachable workspace keeps nothing;
    the page says so already)."""
    if not drafts.enabled() or st.session_state.get(RESTORED) != user.name:
        return
    draft = current()
    content = draft.content()
    if content == st.session_state.get(KEPT_CONTENT):
        return
    with contextlib.suppress(PlannerError):
        drafts.save(ws, user, draft)
        st.session_state[KEPT_CONTENT] = content


def discard_scenario(ws: Workspace, user: User) -> None:
    """Discard the draft: a new blank scenario on the page, and none kept."""
    st.session_state.pop(NOTICE, None)
    st.session_state.pop(state.BASE, None)
    st.session_state.pop(state.HISTORY, None)
    st.session_state.pop(state.NAME, None)
    st.session_state.pop(state.NOTES, None)
    st.session_state[state.REV] = int(st.session_state.get(state.REV, 0)) + 1
    with contextlib.suppress(PlannerError):
        drafts.forget_scenario(ws, user)
    st.session_state.pop(KEPT_CONTENT, None)
