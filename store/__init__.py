"""The workspace store: one :class:`Workspace` over two engines — the embedded GeoPackage file (default;
PUTUO_WORKSPACE) and PostgreSQL/PostGIS (PUTUO_DATABASE_URL) — with one repository per concern: ``ws.scenarios``
(versions, branches, archive), ``ws.layers`` (shared layers), ``ws.settings``, ``ws.accounts`` (and sessions) and
``ws.audit`` (the hash-chained audit trail). Open one with :func:`open_workspace`."""

from store.records import (
    ROLES,
    Account,
    AuditCheck,
    AuditEntry,
    ImportedScenario,
    LayerVersion,
    SavedVersion,
    ScenarioHead,
    SessionInfo,
    VersionInfo,
)
from store.scenarios import change_summary
from store.workspace import Workspace, forget_open_workspaces, open_workspace, role_rank
from text.clock import beijing_time, utc_now_iso

__all__ = [
    "ROLES",
    "Account",
    "AuditCheck",
    "AuditEntry",
    "ImportedScenario",
    "LayerVersion",
    "SavedVersion",
    "ScenarioHead",
    "SessionInfo",
    "VersionInfo",
    "Workspace",
    "beijing_time",
    "change_summary",
    "forget_open_workspaces",
    "open_workspace",
    "role_rank",
    "utc_now_iso",
]
