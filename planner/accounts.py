"""Accounts as the administration page offers them: the roles an account may have (planner.workspace makes the
changes, with the role checks)."""

from __future__ import annotations

from store import ROLES


def roles() -> tuple[str, ...]:
    """The roles of an account, least first (viewer, editor, admin); label key ``role_<role>``."""
    return tuple(ROLES)
