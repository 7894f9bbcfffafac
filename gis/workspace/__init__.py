"""The workspace: one repository interface (:class:`Workspace`) over two engines — the embedded GeoPackage file
(default; PUTUO_WORKSPACE) and PostgreSQL/PostGIS (PUTUO_DATABASE_URL) — with accounts, sessions, shared layers,
scenario versions and a hash-chained audit trail. Open one with :func:`open_workspace`."""

from gis.workspace.clock import beijing_time, utc_now_iso
from gis.workspace.records import (
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
from gis.workspace.repository import Workspace, change_summary, forget_open_workspaces, open_workspace, role_rank

__all__ = ["ROLES", "Account", "AuditCheck", "AuditEntry", "ImportedScenario", "LayerVersion", "SavedVersion",
           "ScenarioHead", "SessionInfo", "VersionInfo", "Workspace", "beijing_time", "change_summary",
           "forget_open_workspaces", "open_workspace", "role_rank", "utc_now_iso"]
