"""Putuo Park Planner: `streamlit run app.py` starts the server (the app's HTTP routes, session reaper and upload
workers mounted) and each browser session runs :func:`main`: page config, language, sign-in gate, navigation."""

import streamlit as st

# (script, title key, url path); the first is the home page. /map is the home page too (links in reports use it).
PAGES = [
    ("pages/explorer.py", "page_explorer", None),
    ("pages/parcels.py", "page_parcels", "parcels"),
    ("pages/scenarios.py", "page_scenarios", "scenarios"),
    ("pages/review.py", "page_review", "review"),
    ("pages/data_import.py", "page_import", "import"),
    ("pages/export.py", "page_export", "export"),
    ("pages/indicators.py", "page_indicators", "indicators"),
    ("pages/performance.py", "page_performance", "performance"),
    ("pages/data_sources.py", "page_data", "data"),
]
ADMIN_PAGES = [("pages/admin.py", "page_admin", "admin"), ("pages/audit.py", "page_audit", "audit")]
PATHS = ["explorer", *(p for _, _, p in PAGES[1:]), "map", *(p for _, _, p in ADMIN_PAGES)]


def main() -> None:
    """One script run of a browser session (thin Streamlit: the pages do the rest)."""
    from gis.errors import PlannerError
    from pages import boundary, drafts, state, user_box, widget_text
    from planner import auth
    from planner import workspace as pw
    from text.messages import LANGS, t

    st.set_page_config(page_title="张江普陀园规划助手 · Putuo Park Planner", layout="wide")

    if state.LANG not in st.session_state:  # a new session: the language of the link (?lang=en), else Chinese
        asked = st.query_params.get("lang")
        st.session_state[state.LANG] = asked if asked in LANGS else "zh"
    try:
        ws, cfg = state.workspace()
        user = state.current_user()
    except PlannerError as exc:  # a damaged or unreachable workspace, invalid sign-in settings: say so, nothing else
        # nobody is signed in yet: the page does not say where the workspace is (the server's log does)
        boundary.LOG.warning("workspace or sign-in unavailable: %s", exc.text("en"))
        boundary.show_error(auth.before_sign_in(exc), state.lang())
        st.stop()
    if user is not None:  # back after a reload, a deep link or a restart: the work in progress as it was left
        drafts.restore(ws, user)
    st.sidebar.radio(
        "语言 / Language",
        LANGS,
        key=state.LANG,
        horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )

    lang = state.lang()
    widget_text.show(lang)
    notice = pw.notice(ws)
    if notice is not None:  # a read-only workspace: said once, above every page (where it is: to signed-in users)
        banner = notice if user is not None else auth.notice_before_sign_in(notice)
        st.warning(banner.text(lang), icon=":material/lock:")

    if user is None:
        # Signed out: only the sign-in page, at every page's address, so a deep link (/scenarios) asks for the
        # sign-in and then opens that page (pages are told apart by their url_path).
        pages = [
            st.Page("pages/login.py", title=t("page_login", lang), url_path=PATHS[0], default=True),
            *(
                st.Page("pages/login.py", title=t("page_login", lang), url_path=p, visibility="hidden")
                for p in PATHS[1:]
            ),
        ]
    else:
        user_box.show(ws, cfg, user, lang)
        shown = PAGES + (ADMIN_PAGES if pw.can(user, "view_audit") else [])  # admin pages: in the menu only for admins
        pages = [
            st.Page(script, title=t(key, lang), url_path=path, default=path is None) for script, key, path in shown
        ]
        pages.append(st.Page("pages/explorer.py", title=t("page_explorer", lang), url_path="map", visibility="hidden"))
    st.navigation(pages).run()
    if user is not None:
        drafts.autosave(ws, user)


if __name__ == "__main__":  # a session's script run (Streamlit runs this file as __main__)
    main()
else:  # imported once when the server starts: by `streamlit run app.py` (it finds `app` below) or uvicorn
    import server

    server.prepare()
    app = st.App(__file__, routes=server.http_routes(), middleware=server.http_middleware(), lifespan=server.lifespan)
