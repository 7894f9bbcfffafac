"""Working with the shared workspace as a user: scenarios, shared layers, mappings, accounts and the audit trail.

Every function takes the acting :class:`planner.auth.User` and checks the role here (not only in hidden
buttons): viewers read; editors also save, branch and import scenarios; admins also archive, publish layers,
manage accounts and read the audit trail. The author of everything is the acting user, never a typed name.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from gis.errors import PermissionDeniedError, StoreError
from gis.scenario import Scenario
from ingest.wording import display_name
from planner.auth import AuthConfig, User
from store import (
    Account,
    AuditCheck,
    AuditEntry,
    ImportedScenario,
    LayerVersion,
    SavedVersion,
    ScenarioHead,
    VersionInfo,
    Workspace,
    open_workspace,
)
from store import accounts as acct
from store.audit import audit_csv, audit_xlsx
from text.clock import beijing_today
from text.messages import Message, msg, t

#: The shortest password an account may have (characters).
MIN_PASSWORD = acct.MIN_PASSWORD


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario as loaded, with the version number a later save must carry as ``base_version``."""

    scenario: Scenario
    version: int
    head: ScenarioHead


@dataclass(frozen=True)
class PublishedLayers:
    """The current published version of every shared layer, and an etag that changes with any publication."""

    layers: dict[str, gpd.GeoDataFrame]
    etag: str


def open_from_env(env: Mapping[str, str] | None = None) -> tuple[Workspace, AuthConfig]:
    """The workspace the environment points at (PUTUO_DATABASE_URL, else PUTUO_WORKSPACE, else the default file;
    one per process, cached) and the sign-in configuration for it (PUTUO_AUTH …; PostGIS always signs in).
    Raises StoreError (corrupt, unreachable, …) or AuthError (invalid settings) with a message for the page."""
    ws = open_workspace(env=env)
    return ws, AuthConfig.from_env(env, engine_name=ws.engine_name)


#: The least role each action needs (anything not listed needs an admin).
NEEDED_ROLE = {
    "save": "editor",
    "import": "editor",
    "archive": "admin",
    "publish": "admin",
    "accounts": "admin",
    "view_audit": "admin",
    "view_archived": "admin",
    "settings": "admin",
}


def require(user: User, action: str) -> None:
    role = NEEDED_ROLE.get(action, "admin")
    if not user.at_least(role):
        raise PermissionDeniedError(
            "perm_denied",
            who=user.name,
            role=msg(f"role_{user.role}"),
            action=msg(f"act_{action}"),
            needed=msg(f"role_{role}"),
        )


def can(user: User, action: str) -> bool:
    """Whether the user's role allows ``action`` (save, import, archive, publish, accounts, view_audit,
    view_archived, settings) — for enabling buttons; the functions below check again."""
    return user.at_least(NEEDED_ROLE.get(action, "admin"))


# --- scenarios ----------------------------------------------------------------------------------------------
def list_scenarios(ws: Workspace, user: User, *, include_archived: bool = False) -> tuple[ScenarioHead, ...]:
    """Saved scenarios (latest versions), newest first. Archived ones only for admins who ask."""
    if include_archived:
        require(user, "view_archived")
    return tuple(ws.scenarios.heads(include_archived=include_archived))


def _visible_head(ws: Workspace, user: User, scenario_id: str) -> ScenarioHead:
    head = ws.scenarios.head(scenario_id)
    if head is None or (head.archived and not user.at_least("admin")):
        raise StoreError("ws_no_scenario", id=scenario_id)
    return head


def load_scenario(ws: Workspace, user: User, scenario_id: str, *, version: int | None = None) -> LoadedScenario:
    """One version (default: latest) of a scenario; keep ``version`` to pass as ``base_version`` when saving."""
    head = _visible_head(ws, user, scenario_id)
    scenario, number = ws.scenarios.load(scenario_id, version=version)
    return LoadedScenario(scenario, number, head)


def scenario_history(ws: Workspace, user: User, scenario_id: str) -> tuple[VersionInfo, ...]:
    """Every version of a scenario (who, when, what changed as a Message), oldest first."""
    _visible_head(ws, user, scenario_id)
    return tuple(ws.scenarios.history(scenario_id))


def save_scenario(
    ws: Workspace,
    user: User,
    scenario: Scenario,
    *,
    base_version: int | None,
    overwrite_from: int | None = None,
    config: AuthConfig | None = None,
) -> SavedVersion:
    """Save a new version as ``user`` (the author). ``base_version``: the version the edit started from (None
    for a new scenario). After a :class:`gis.errors.ConflictError` the user chooses :func:`save_as_branch` or
    this again with ``overwrite_from=exc.latest_version`` (save over after review; audited).

    Raises PermissionDeniedError for viewers (and, with PUTUO_EDITORS_EDIT_OTHERS=0, for editors saving a
    scenario someone else created), ConflictError when someone saved since ``base_version``.
    """
    require(user, "save")
    config = config or AuthConfig()
    if base_version is not None and not user.at_least("admin") and not config.editors_edit_others:
        head = ws.scenarios.head(scenario.id)
        if head is not None and head.created_by != user.name:
            raise PermissionDeniedError("perm_not_owner", who=user.name, owner=head.created_by, name=head.name)
    return ws.scenarios.save(scenario, actor=user.name, base_version=base_version, overwrite_from=overwrite_from)


def save_as_branch(
    ws: Workspace,
    user: User,
    scenario: Scenario,
    *,
    parent_id: str,
    parent_version: int | None,
    name: str | None = None,
) -> SavedVersion:
    """Save the user's edit as a new scenario (new id) whose parent is the one they started from."""
    require(user, "save")
    _visible_head(ws, user, parent_id)
    return ws.scenarios.save_branch(
        scenario, actor=user.name, parent_id=parent_id, parent_version=parent_version, name=name
    )


def archive_scenario(ws: Workspace, user: User, scenario_id: str, *, reason: str) -> ScenarioHead:
    """Archive a scenario (admins; a reason is required). It disappears from normal lists; nothing is deleted."""
    require(user, "archive")
    return ws.scenarios.set_archived(scenario_id, actor=user.name, archived=True, reason=reason)


def unarchive_scenario(ws: Workspace, user: User, scenario_id: str) -> ScenarioHead:
    """Bring an archived scenario back (admins; audited)."""
    require(user, "archive")
    return ws.scenarios.set_archived(scenario_id, actor=user.name, archived=False)


def export_scenarios(ws: Workspace, user: User, scenario_ids: list[str]) -> bytes:
    """The latest versions of these scenarios as a scenario GeoPackage (bytes for a download)."""
    for sid in scenario_ids:
        _visible_head(ws, user, sid)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenarios.gpkg"
        ws.scenarios.export(path, scenario_ids)
        return path.read_bytes()


def import_scenarios(
    ws: Workspace, user: User, data: bytes, *, filename: str, lang: str = "zh"
) -> tuple[ImportedScenario, ...]:
    """Add every scenario of an uploaded scenario GeoPackage as a NEW scenario authored by ``user``, named as a
    copy ("南区方案C（导入 2026-12-07）", numbered when imported again the same day).

    ``filename`` is only shown (messages, audit); the bytes go to a private temporary file. Raises
    ScenarioFileError for a malformed file (nothing imported), PermissionDeniedError for viewers.
    """
    require(user, "import")
    from planner.door import read_scenarios

    found = read_scenarios(data, filename=filename)  # parsed in a limited worker, never in the server
    label = display_name(filename) or "upload.gpkg"
    suffix = t("scen_import_suffix", lang, date=beijing_today())
    return tuple(ws.scenarios.import_scenarios(found, actor=user.name, label=label, name_suffix=suffix))


# --- shared layers ------------------------------------------------------------------------------------------
def publish_layer(ws: Workspace, user: User, layer_id: str, gdf: gpd.GeoDataFrame, *, note: str = "") -> LayerVersion:
    """Publish an imported layer (EPSG:4326) as the next version of a shared layer (admins; audited)."""
    require(user, "publish")
    return ws.layers.publish(layer_id, gdf, actor=user.name, note=note)


def restore_layer(ws: Workspace, user: User, layer_id: str, version: int) -> LayerVersion:
    """Publish an old version again as the newest (admins; audited as a restore)."""
    require(user, "publish")
    return ws.layers.restore(layer_id, version, actor=user.name)


def layer_versions(ws: Workspace, user: User, layer_id: str | None = None) -> tuple[LayerVersion, ...]:
    """Published versions (newest first per layer)."""
    return tuple(ws.layers.versions(layer_id))


def current_layers(ws: Workspace) -> PublishedLayers:
    """What every page uses: the current version of each published layer, with an etag for cache keys
    (:meth:`store.layers.LayerRepository.etag` alone is a cheap query to decide whether to reload)."""
    etag = ws.layers.etag()
    return PublishedLayers(ws.layers.current(), etag)


# --- field mappings and settings ----------------------------------------------------------------------------
def save_field_mapping(ws: Workspace, user: User, signature: str, layer_kind: str, mapping: dict[str, Any]) -> None:
    """Remember a field mapping for a kind of file (editors; audited as a settings change)."""
    require(user, "save")
    ws.settings.save_mapping(signature, layer_kind, mapping, actor=user.name)


def load_field_mapping(ws: Workspace, signature: str) -> dict | None:
    """The remembered field mapping for a file signature, if any (anyone)."""
    return ws.settings.load_mapping(signature)


def change_setting(ws: Workspace, user: User, key: str, value: Any) -> None:
    """Change a workspace-wide setting (admins; audited with before/after)."""
    require(user, "settings")
    ws.settings.set(key, value, actor=user.name)


# --- accounts (admin page) ----------------------------------------------------------------------------------
def list_accounts(ws: Workspace, user: User) -> tuple[Account, ...]:
    """Every account with its role and state (admins)."""
    require(user, "accounts")
    return tuple(ws.accounts.all())


def _same(password: str | None, password_again: str | None) -> None:
    if password is not None and password_again is not None and password != password_again:
        raise StoreError("acct_password_mismatch")


def add_account(
    ws: Workspace,
    user: User,
    name: str,
    role: str,
    *,
    password: str | None = None,
    password_again: str | None = None,
    external_id: str | None = None,
) -> Account:
    """Create an account (admins); ``password`` None for a single-sign-on-only account. ``password_again``
    (the second typing, when the page asks twice) must equal ``password``."""
    require(user, "accounts")
    _same(password, password_again)
    return acct.add_account(ws, name, role, actor=user.name, password=password, external_id=external_id)


def update_account(
    ws: Workspace,
    user: User,
    name: str,
    *,
    role: str | None = None,
    disabled: bool | None = None,
    password: str | None = None,
    password_again: str | None = None,
) -> Account:
    """Change an account's role, enabled state or password (admins; each audited). A new password also lifts
    a lock-out; ``password_again`` (the second typing) must equal it."""
    require(user, "accounts")
    _same(password, password_again)
    key = acct.normalise_name(name)
    if password is not None:
        acct.set_password(ws, key, password, actor=user.name)
    return ws.accounts.update(key, actor=user.name, role=acct.check_role(role) if role else None, disabled=disabled)


# --- audit (admin page) -------------------------------------------------------------------------------------
def audit_entries(
    ws: Workspace,
    user: User,
    *,
    actor: str | None = None,
    object_id: str | None = None,
    object_type: str | None = None,
    since_utc: str | None = None,
    until_utc: str | None = None,
    limit: int = 1000,
    newest_first: bool = True,
) -> tuple[AuditEntry, ...]:
    """Audit entries filtered by who, object (id and/or type: scenario, layer, account, setting, mapping,
    workspace) and time (UTC ISO text, ``until`` exclusive: :func:`text.clock.beijing_days_utc` turns
    Beijing days into these; show times with :func:`text.clock.beijing_time`), newest first unless asked
    otherwise (admins)."""
    require(user, "view_audit")
    return tuple(
        ws.audit.entries(
            actor=actor,
            object_id=object_id,
            object_type=object_type,
            since_utc=since_utc,
            until_utc=until_utc,
            limit=limit,
            newest_first=newest_first,
        )
    )


def verify_audit(ws: Workspace, user: User) -> AuditCheck:
    """Check the whole hash chain (admins)."""
    require(user, "view_audit")
    return ws.audit.verify()


def export_audit(ws: Workspace, user: User, *, fmt: str, lang: str = "zh", **filters: Any) -> bytes:
    """The (filtered) audit entries as CSV or XLSX bytes; no cell can run as a formula."""
    entries = audit_entries(ws, user, limit=100_000, newest_first=False, **filters)
    return audit_xlsx(entries, lang=lang) if fmt == "xlsx" else audit_csv(entries, lang=lang)


def notice(ws: Workspace) -> Message | None:
    """A notice for every page when the workspace is read-only (why, and that saving is off)."""
    return ws.readonly_message()
