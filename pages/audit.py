"""Audit trail (admins): entries filtered by user, object and Beijing days; verify the hash chain; CSV/XLSX export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers.registry import get_spec
from pages import boundary, state
from planner import workspace as pw
from planner.auth import User
from planner.workspace import AuditEntry, Workspace
from text.clock import beijing_days_utc, beijing_time
from text.display import person
from text.messages import CATALOGUE, t

#: Entries shown on the page at most (the export has them all).
SHOWN = 1000
OBJECT_TYPES = ("scenario", "layer", "account", "setting", "mapping", "workspace")
KEPT = state.Kept("audit")  # the filters


def _label(prefix: str, code: str, lang: str) -> str:
    """The translated name of an action (scenario.save) or object type; the code itself when it has none."""
    key = f"{prefix}{code.replace('.', '_')}"
    return t(key, lang) if key in CATALOGUE else code


ENGINES = {"geopackage": "GeoPackage", "postgis": "PostGIS"}


def _object(entry: AuditEntry, lang: str) -> str:
    """The object of an entry as an official reads it: a setting or layer by its name, the workspace by its
    engine; anything else (a scenario's id, an account's name) as stored."""
    oid = str(entry.object_id)
    if entry.object_type == "setting" and f"setting_{oid}" in CATALOGUE:
        return t(f"setting_{oid}", lang)
    if entry.object_type == "layer":
        try:
            return get_spec(oid).label(lang)
        except KeyError:
            return oid
    if entry.object_type == "workspace":
        return ENGINES.get(oid, oid)
    return oid


def _rows(entries: tuple[AuditEntry, ...], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("audit_col_seq", lang): [e.seq for e in entries],
            t("audit_col_time", lang): [beijing_time(e.at_utc) for e in entries],
            t("audit_col_actor", lang): [person(e.actor, lang) for e in entries],
            t("audit_col_action", lang): [_label("audit_act_", e.action, lang) for e in entries],
            t("audit_col_type", lang): [_label("audit_obj_", e.object_type, lang) for e in entries],
            t("audit_col_object", lang): [_object(e, lang) for e in entries],
            t("audit_col_summary", lang): [e.summary.text(lang) for e in entries],
        }
    )


def _filters(ws: Workspace, user: User, lang: str) -> dict | None:
    """The filter row; the planner's filters (UTC bounds of the Beijing days), or None for impossible dates."""
    names = ["system", *(a.name for a in pw.list_accounts(ws, user))]
    c1, c2, c3, c4, c5 = st.columns([1.2, 1, 1.2, 1, 1])
    actor = c1.selectbox(
        t("audit_user", lang),
        names,
        index=None,
        key=KEPT("audit_actor"),
        accept_new_options=True,
        placeholder=t("audit_all_users", lang),
    )
    object_type = c2.selectbox(
        t("audit_object_type", lang),
        OBJECT_TYPES,
        index=None,
        key=KEPT.lkey("audit_type"),
        placeholder=t("audit_all_types", lang),
        format_func=lambda o: _label("audit_obj_", o, lang),
    )
    object_id = c3.text_input(
        t("audit_object", lang), key=KEPT("audit_object"), max_chars=120, help=t("audit_object_help", lang)
    )
    since = c4.date_input(t("audit_since", lang), value=None, key=KEPT("audit_since"), format="YYYY-MM-DD")
    until = c5.date_input(t("audit_until", lang), value=None, key=KEPT("audit_until"), format="YYYY-MM-DD")
    if since is not None and until is not None and since > until:
        st.warning(t("audit_bad_dates", lang), icon="⚠️")
        return None
    since_utc, until_utc = beijing_days_utc(since, until)  # Beijing days -> stored UTC bounds
    return {
        "actor": (actor or "").strip() or None,
        "object_type": object_type,
        "object_id": (object_id or "").strip() or None,
        "since_utc": since_utc,
        "until_utc": until_utc,
    }


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ws, _ = state.workspace()
    user = state.signed_in_user()
    st.title(t("audit_title", lang))
    st.caption(t("audit_intro", lang))
    filters = _filters(ws, user, lang)  # lists accounts: a PermissionDeniedError for anyone but an admin
    if filters is None:
        return
    entries = pw.audit_entries(ws, user, limit=SHOWN + 1, **filters)
    if not entries:
        st.info(t("audit_none", lang))
    else:
        more = len(entries) > SHOWN
        entries = entries[:SHOWN]
        st.caption(t("audit_count_limited" if more else "audit_count", lang, n=len(entries)))
        st.dataframe(_rows(entries, lang), hide_index=True, width="stretch")
    b1, b2, b3, _ = st.columns([1, 1, 1, 3])
    verify = b1.button(t("audit_verify", lang), key="audit_verify", type="primary", width="stretch")
    b2.download_button(
        t("audit_export_csv", lang),
        lambda: pw.export_audit(ws, user, fmt="csv", lang=lang, **filters),
        file_name="putuo_audit.csv",
        mime="text/csv",
        key="audit_csv",
        width="stretch",
        disabled=not entries,
    )
    b3.download_button(
        t("audit_export_xlsx", lang),
        lambda: pw.export_audit(ws, user, fmt="xlsx", lang=lang, **filters),
        file_name="putuo_audit.xlsx",
        key="audit_xlsx",
        width="stretch",
        disabled=not entries,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    if verify:
        check = pw.verify_audit(ws, user)
        show = st.success if check.ok else st.error
        show(state.md(check.message.text(lang)), icon=":material/verified:" if check.ok else ":material/gpp_bad:")


boundary.run(page, lang=state.lang())
