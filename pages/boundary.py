"""One error boundary for every page: project errors translated, anything else logged with an id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import streamlit as st

from gis.errors import PlannerError
from text.messages import t

LOG = logging.getLogger("putuo.planner")


def show_error(exc: PlannerError, lang: str) -> None:
    """A project error as the user sees it: a translated title and the message (text, never Markdown)."""
    with st.container(border=True):
        st.error(t(exc.title_code, lang), icon="⚠️")
        st.text(exc.text(lang))


def show_unexpected(exc: BaseException, lang: str) -> str:
    """Log an unexpected error with a new id (server side, with its traceback); show only the id."""
    error_id = uuid.uuid4().hex[:8]
    LOG.error("unexpected error %s", error_id, exc_info=exc)
    st.error(t("unexpected", lang, error_id=error_id), icon="⚠️")
    return error_id


def run(page: Callable[[], None], *, lang: str) -> None:
    """Run a page's body; a PlannerError or an unexpected error ends it with a message, not a traceback."""
    try:
        page()
    except PlannerError as exc:
        show_error(exc, lang)
    except Exception as exc:
        show_unexpected(exc, lang)
