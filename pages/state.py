"""Session state of the pages: the one place its keys are spelled; the session's language and data set."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

import geopandas as gpd
import streamlit as st

from gis.errors import AuthError
from planner import data as datasets
from planner.auth import SESSION_COOKIE, AuthConfig, User
from planner.auth import current_user as resolve_user
from planner.basemaps import basemap_for, default_basemap
from planner.cache import SessionScope
from planner.evaluate import Evaluation, default_weights, evaluate
from planner.performance import PerformanceRun, demo_stats, scheme_value, starting_scheme
from planner.performance import evaluate as evaluate_performance
from planner.review import bundled_regulatory
from planner.workspace import Workspace, open_from_env
from text.messages import DEFAULT_LANG, LANGS, t

LANG = "lang"
IMPORTS = "imported_layers"  # layer id -> GeoDataFrame (EPSG:4326) replacing the folder's, this session
DATASET = "dataset"  # the DataSet this session works on (holds it alive for the map's routes)
# the scenario being edited (pages/scenarios.py; the export page reads it too)
HISTORY = "scenario_history"  # planner.scenario_edit.History
REV = "scenario_rev"  # bumps when the scenario changes from outside the tables (fresh table keys)
DRAWN = "scenario_drawn"  # the last polygon drawn on the map (GeoJSON geometry), not yet added
CLEAR = "scenario_clear"  # bumps when the drawn shapes on the map should be cleared
SUGGESTION = "scenario_suggestion"
BASE = "scenario_base"  # (scenario id, version) the edit started from: a save carries it
CONFLICT = "scenario_conflict"  # the ConflictError of the last save, until the user chooses what to do
NAME, NOTES = "scen_name", "scen_notes"


def lang() -> str:
    """The UI language chosen in the sidebar ('zh' by default)."""
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def lkey(key: str) -> str:
    """Key for a widget whose option labels depend on the language.

    Streamlit keeps showing a keyed widget's old option label after the labels change, so the key carries
    the language; the choice made in the other language is carried over.
    """
    current = f"{key}@{lang()}"
    if current not in st.session_state:
        for other in LANGS:
            if f"{key}@{other}" in st.session_state:
                st.session_state[current] = st.session_state[f"{key}@{other}"]
                break
    return current


def imports() -> dict[str, gpd.GeoDataFrame]:
    """The layers this session imported (layer id -> GeoDataFrame, EPSG:4326)."""
    return dict(st.session_state.get(IMPORTS) or {})


def set_imports(layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Use these imported layers instead of the folder's in this session ({} goes back to the folder's)."""
    st.session_state[IMPORTS] = dict(layers)
    st.session_state.pop(DATASET, None)


SCOPE = "session_scope"  # planner.cache.SessionScope: what this session put in the shared caches


def scope() -> SessionScope:
    """This session's claim on the shared caches: released when Streamlit drops the session."""
    if SCOPE not in st.session_state:
        st.session_state[SCOPE] = SessionScope()
    return st.session_state[SCOPE]


def dataset() -> datasets.DataSet:
    """This session's data set: the data folder with the session's imported layers.

    Kept in the session so the map's HTTP routes find it while the session lives; released with it.
    """
    base = datasets.folder_dataset()
    ws, _ = workspace()
    etag = ws.layers.etag()  # one small query; the layers are read again only when an admin publishes
    if etag != "none":  # the bureau's shared layers replace the folder's
        base = datasets.published_dataset(base, ws.layers.current, etag=etag)
    wanted = imports()
    key = (base.version, tuple((k, id(v)) for k, v in sorted(wanted.items())))
    held: tuple[tuple, datasets.DataSet] | None = st.session_state.get(DATASET)
    if held is None or held[0] != key:
        held = (key, datasets.with_layers(base, wanted) if wanted else base)
        st.session_state[DATASET] = held
        if wanted:  # the session's own data set: its derived results go with the session
            scope().claim(held[1].version)
    datasets.register(held[1])
    return held[1]


REGULATORY = "regulatory_layer"  # a 控规 layer loaded on the 合规审查 page (normalised, EPSG:4326), this session


def regulatory() -> gpd.GeoDataFrame | None:
    """The 控规 layer this session works with: the one loaded on the 合规审查 page, else the data folder's (None
    when neither exists). Parcel evaluation, scenarios and the review all use this one."""
    loaded = st.session_state.get(REGULATORY)
    return loaded if loaded is not None else bundled_regulatory()


PERF_STATS = "perf_stats"  # planner.performance.Stats of a table uploaded this session (the demonstration when absent)
PERF_RUN = "perf_run"  # (key, PerformanceRun) of the last 亩均效益 evaluation this session used


def performance() -> PerformanceRun | None:
    """The 亩均效益 evaluation of this session: its uploaded statistics (else the bundled demonstration) under the
    office's scheme (else the example), the latest year; None without statistics."""
    stats = st.session_state.get(PERF_STATS) or demo_stats()
    if stats is None:
        return None
    ws, _ = workspace()
    scheme = starting_scheme(ws).scheme
    # computed once per statistics table, data set and scheme (the class stability draws are not free)
    key = (id(stats.table), dataset().version, json.dumps(scheme_value(scheme), sort_keys=True))
    held = st.session_state.get(PERF_RUN)
    if held is None or held[0] != key:
        held = (key, evaluate_performance(stats, dataset().park.parcels, scheme=scheme))
        st.session_state[PERF_RUN] = held
    return held[1]


PARK_USE_RULE = "park_use_rule"  # the parcels page's optional hard rule (bool): kept for the session, on every page


def park_use_rule() -> bool:
    """Whether the user asked that a parcel's 控规 use be a park-industry use (a hard rule; off by default)."""
    return bool(st.session_state.get(PARK_USE_RULE, False))


def tabs(bodies: Mapping[str, Callable[[], None]], *, key: str) -> None:
    """Tabs (label key -> the function drawing its body) that remember which one is open, across reruns and
    a language switch; only the open tab's body runs (the first when Streamlit cannot tell which is open).

    The active tab is kept by position under ``key``, so it survives the labels changing language.
    """
    lang_ = lang()
    labels = [t(k, lang_) for k in bodies]
    widget, position = f"{key}@{lang_}", f"{key}#index"
    if st.session_state.get(widget) in labels:
        st.session_state[position] = labels.index(st.session_state[widget])
    else:
        st.session_state[widget] = labels[min(int(st.session_state.get(position, 0)), len(labels) - 1)]
    for i, (tab, body) in enumerate(zip(st.tabs(labels, key=widget, on_change="rerun"), bodies.values())):
        if tab.open or (i == 0 and tab.open is None):
            with tab:
                body()


def _ask(key: str, value: bool) -> None:
    st.session_state[f"{key}__ask"] = value


def _confirmed(key: str, action: Callable[..., object], args: tuple) -> None:
    st.session_state.pop(f"{key}__ask", None)
    action(*args)


def confirmed_button(
    label: str, *, key: str, question: str, action: Callable[..., object], args: tuple = (), lang: str
) -> None:
    """A button for something that cannot be undone: the first click asks ``question`` (text, shown as text),
    and only 确认 runs ``action(*args)``; 取消 leaves everything as it was."""
    if not st.session_state.get(f"{key}__ask"):
        st.button(label, key=key, on_click=_ask, args=(key, True))
        return
    with st.container(border=True):
        st.warning(md(question), icon="⚠️")
        yes, no, _ = st.columns([1, 1, 3])
        yes.button(
            t("confirm_yes", lang), key=f"{key}__yes", type="primary", on_click=_confirmed, args=(key, action, args)
        )
        no.button(t("confirm_no", lang), key=f"{key}__no", on_click=_ask, args=(key, False))


def weight_key(criterion: str) -> str:
    """Session-state key of one criterion's weight slider."""
    return f"w_{criterion}"


WEIGHTS = "weights_chosen"  # criterion -> weight (0–100) chosen on the parcels page: plain state, on every page
PRESET_CHOSEN = "weights_preset_chosen"  # the preset last chosen (the selectbox forgets it on another page)


def weights(criteria: Iterable[str]) -> dict[str, float]:
    """The weights chosen on the parcels page for these criteria (the balanced preset until changed). Kept in
    plain session state, not in the sliders' (Streamlit forgets a widget's value on a page that does not draw
    it), so the scenario page, the export and the report use what the user chose."""
    criteria = list(criteria)
    defaults = default_weights(list(criteria))
    chosen = st.session_state.get(WEIGHTS) or {}
    return {c: float(chosen.get(c, defaults[c])) for c in criteria}


def keep_weights(values: Mapping[str, float]) -> None:
    """Remember weights the user set (a slider moved, a preset or the reset applied)."""
    st.session_state[WEIGHTS] = {**(st.session_state.get(WEIGHTS) or {}), **{c: float(v) for c, v in values.items()}}


USER_PARCELS = "user_parcels"  # GeoDataFrame (EPSG:4326) of the parcels drawn or uploaded this session
RASTERS = "raster_criteria"  # list of planner.evaluate.RasterCriterion loaded this session


def evaluation() -> Evaluation:
    """The candidate parcels as this session evaluates them on every page: the data set's with the user's own,
    the rasters loaded, the 控规 in use and the optional rule — so every page scores what the parcels page shows."""
    return evaluate(
        dataset(),
        user_parcels=st.session_state.get(USER_PARCELS),
        rasters=st.session_state.get(RASTERS, []),
        regulatory=regulatory(),
        require_park_use=park_use_rule(),
    )


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:&\"'=^@%")


def md(text: object) -> str:
    """``text`` made inert for Streamlit Markdown (headings, captions, labels, alerts): every ASCII
    punctuation character is backslash-escaped, so a name like ``![x](http://host/x.png)``, ``$\\cmd$`` or
    ``:red[...]`` shows as typed instead of becoming an image, LaTeX or a directive; newlines become spaces."""
    s = " ".join(str(text).split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)


TOKEN = "auth_token"  # the session token of a signed-in user (planner.auth)


def workspace() -> tuple[Workspace, AuthConfig]:
    """The shared workspace and the sign-in configuration (one per process; planner.workspace caches it)."""
    return open_from_env()


HANDOFF = "auth_handoff"  # a sign-in's one-time code, until the browser has exchanged it for the cookie
CLEAR_COOKIE = "auth_clear_cookie"  # set at sign-out: the browser drops its (already ended) cookie


def live() -> bool:
    """Whether this script run serves a browser connection (a live connection always has headers; a test
    harness running the script has none)."""
    return bool(st.context.headers)


def session_token() -> str | None:
    """The sign-in of this run: the HttpOnly cookie of the connection it serves, and nothing else. A session id
    taken over by another connection (Streamlit allows it) brings that connection's cookies, not the owner's.
    Without a browser connection (AppTest) the session's own token stands in."""
    if live():
        return st.context.cookies.get(SESSION_COOKIE) or None
    return st.session_state.get(TOKEN)


def current_user() -> User | None:
    """The acting user: the single local user on a machine without sign-in, else the account signed in by
    this browser's cookie, or None (the sign-in page is shown then)."""
    ws, cfg = workspace()
    try:
        return resolve_user(ws, cfg, token=session_token())
    except AuthError:  # expired or signed out elsewhere: sign in again
        st.session_state.pop(TOKEN, None)
        return None


def signed_in_user() -> User:
    """The acting user of a page only a signed-in user sees (app.py's gate); AuthError if the session ended."""
    user = current_user()
    if user is None:
        raise AuthError("auth_session_expired")
    return user


BASEMAP = "basemap"  # the basemap every map of the session uses (chosen on the home page)


def basemap() -> tuple[dict, str, str | None]:
    """The session's basemap: its browser spec, the datum vector layers are shifted to, a note key."""
    ws, _ = workspace()
    chosen = st.session_state.get(lkey(BASEMAP)) or default_basemap(ws)  # the choice made in either language
    return basemap_for(chosen, ws=ws, key=_tianditu_key())


def _tianditu_key() -> str | None:
    try:
        return st.secrets.get("TIANDITU_KEY")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None


def user() -> str:
    """The acting user's name (the author of every save); never typed."""
    u = current_user()
    return u.name if u is not None else ""


class Kept:
    """The widgets of one page whose values are kept while they are not drawn (in a tab that is not open, say).

    Streamlit forgets a widget's value in any run that does not draw it; writing the value back at the top of
    the page makes it the page's own state, so a choice in a closed tab survives. A widget is kept by naming
    its key through this object where the widget is made (``key=KEPT("exp_encoding")``, or
    ``key=KEPT.lkey("exp_format")`` for a widget whose labels depend on the language): the key is remembered
    for the session, and :meth:`restore`, the first line of the page, writes back every key it remembers (a
    language-dependent one in every language). No list of keys to keep by hand, none to forget.
    """

    def __init__(self, page: str) -> None:
        self.slot = f"kept#{page}"  # session-state key of the page's remembered widget keys

    def _remember(self, key: str) -> None:
        known: frozenset[str] = st.session_state.get(self.slot, frozenset())
        if key not in known:
            st.session_state[self.slot] = known | {key}

    def __call__(self, key: str) -> str:
        """``key``, remembered as a kept widget's key."""
        self._remember(key)
        return key

    def lkey(self, key: str) -> str:
        """:func:`lkey` of ``key`` (a widget whose labels depend on the language), kept in every language."""
        self._remember(key)
        return lkey(key)

    def keys(self) -> frozenset[str]:
        """The widget keys this page keeps (those made so far in this session)."""
        return frozenset(st.session_state.get(self.slot, frozenset()))

    def restore(self) -> None:
        """Write back the value of every kept widget (the first thing a page does)."""
        for key in sorted(self.keys()):
            for k in (key, *(f"{key}@{lang_}" for lang_ in LANGS)):
                if k in st.session_state:
                    st.session_state[k] = st.session_state[k]
