"""The workspace store: one repository interface (:class:`Workspace`) over two engines — the embedded GeoPackage file
(default; PUTUO_WORKSPACE) and PostgreSQL/PostGIS (PUTUO_DATABASE_URL) — with accounts, sessions, shared layers,
scenario versions and a hash-chained audit trail. Open one with :func:`open_workspace`."""

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
from store.repository import Workspace, change_summary, forget_open_workspaces, open_workspace, role_rank
from text.clock import beijing_time, utc_now_iso

__all__ = ["ROLES", "Account", "AuditCheck", "AuditEntry", "ImportedScenario", "LayerVersion", "SavedVersion",
           "ScenarioHead", "SessionInfo", "VersionInfo", "Workspace", "beijing_time", "change_summary",
           "forget_open_workspaces", "open_workspace", "role_rank", "utc_now_iso"]
