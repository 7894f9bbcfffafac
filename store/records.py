"""What the workspace returns (frozen dataclasses) and how a Message is stored as JSON text."""

from __future__ import annotations

from dataclasses import dataclass

from gis.scenario import Scenario
from text.messages import Message

#: Roles, weakest first.
ROLES = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class ScenarioHead:
    """One scenario as listed: its latest version, who made it and who saved last, archive state."""

    id: str
    name: str
    version: int
    saved_at: str
    saved_by: str
    created_by: str
    created_at: str
    parent_id: str | None
    parent_version: int | None
    archived: bool
    archived_at: str | None
    archived_by: str | None
    archive_reason: str | None


@dataclass(frozen=True)
class VersionInfo:
    """One saved version in a scenario's history. ``kind``: save, overwrite, branch or import."""

    version: int
    saved_at: str
    author: str
    changes: Message
    kind: str
    base_version: int | None


@dataclass(frozen=True)
class SavedVersion:
    """The result of a save: the scenario as stored (author and time set) and its version number."""

    scenario: Scenario
    version: int
    kind: str
    parent_id: str | None = None
    parent_version: int | None = None


@dataclass(frozen=True)
class LayerVersion:
    """One published version of a shared layer."""

    layer_id: str
    version: int
    published_by: str
    published_at: str
    n_features: int
    restored_from: int | None
    note: str


@dataclass(frozen=True)
class Account:
    """A local account (never the password hash outside store)."""

    name: str
    role: str
    disabled: bool
    external_id: str | None
    created_at: str
    created_by: str
    has_password: bool
    failed_count: int
    locked_until: str | None


@dataclass(frozen=True)
class SessionInfo:
    """A sign-in session (the token itself is never stored, only its SHA-256)."""

    account: str
    via: str
    created_at: str
    expires_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class AuditEntry:
    """One audit row: who (``actor``), when (``at_utc``), what (``action`` on ``object_type``/``object_id``),
    a summary Message, and its place in the hash chain."""

    seq: int
    at_utc: str
    actor: str
    action: str
    object_type: str
    object_id: str
    summary: Message
    prev_hash: str
    row_hash: str


@dataclass(frozen=True)
class AuditCheck:
    """The result of verifying the hash chain: ``ok``, how many entries, the first broken one and why; how far it
    is anchored outside the database (``keyed_from``: the first entry carrying the server's MAC, None when none
    does; ``checkpoints``: how many signed checkpoints of this workspace were checked; ``latest_checkpoint``:
    the newest one as (count, head hash, UTC time); ``checkpoint_file``: where they are kept)."""

    ok: bool
    count: int
    broken_seq: int | None
    message: Message
    keyed_from: int | None = None
    checkpoints: int = 0
    latest_checkpoint: tuple[int, str, str] | None = None
    checkpoint_file: str = ""


@dataclass(frozen=True)
class ImportedScenario:
    """A scenario added from a file: its id in the file, its new id here, its name."""

    source_id: str
    new_id: str
    name: str
