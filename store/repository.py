"""The workspace repository: scenarios (versions, branches, archive), shared layers, accounts, sessions, settings
and the hash-chained audit trail, one code path (SQLAlchemy Core) for the GeoPackage and PostGIS engines.

Every change runs in one transaction: it writes the change (a scenario's saves are serialised by its row lock),
then locks the audit chain's head row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite ``BEGIN IMMEDIATE``
has serialised the whole transaction), appends its audit entries, each holding the previous entry's hash, and
moves the head. The change and its audit entries are committed together or not at all, and concurrent writers
never fork the chain. The repository trusts its caller about *who* acts (``actor``); role checks live in
``planner/``.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import SQLAlchemyError

from gis.errors import ConflictError, PlannerError, StoreError, WorkspaceReadOnlyError
from gis.scenario import Scenario
from store import audit as audit_mod
from store.engines import Backend, GpkgBackend, PostgisBackend, lock_migrations, revision_state, run_alembic
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
from store.schema import HEAD_REVISION, Tables, tables
from store.transfer import read_scenario_file, write_scenario_file
from text.clip import clip_text
from text.clock import beijing_time, parse_iso, to_iso, utc_now, utc_now_iso
from text.messages import CATALOGUE, Message, message_from_json, message_to_json, msg

_SCENARIO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LAYER_ID = re.compile(r"[a-z0-9_]{1,40}")
#: Longest archive reason (characters).
MAX_REASON = 500


def change_summary(old: Scenario | None, new: Scenario) -> Message:
    """What changed between two versions of a scenario, as a Message (shown in either language)."""
    if old is None:
        return msg("ws_chg_created", parcels=len(new.parcels), drawn=len(new.drawn))
    items: list[Message] = []
    added = sorted(set(new.parcels) - set(old.parcels))
    removed = sorted(set(old.parcels) - set(new.parcels))
    if added:
        items.append(msg("ws_chg_parcels_added", ids=", ".join(added[:20]) + (" …" if len(added) > 20 else "")))
    if removed:
        items.append(msg("ws_chg_parcels_removed", ids=", ".join(removed[:20]) + (" …" if len(removed) > 20 else "")))
    for code, a, b in (("ws_chg_drawn", old.drawn, new.drawn), ("ws_chg_assign", old.assign, new.assign),
                       ("ws_chg_weights", old.weights, new.weights)):
        if dict(a) != dict(b):
            items.append(msg(code))
    if old.name != new.name:
        items.append(msg("ws_chg_name", before=old.name, after=new.name))
    if old.notes != new.notes:
        items.append(msg("ws_chg_notes"))
    return msg("list_semicolon_join", items=items) if items else msg("ws_chg_none")


def _setting_name(key: str) -> Message | str:
    """A setting's name as an audit entry shows it (translated where the catalogue has it)."""
    return msg(f"setting_{key}") if f"setting_{key}" in CATALOGUE else key


def _setting_value(key: str, stored: str | None) -> Message | str:
    """A stored (JSON) setting value as an audit entry shows it: the text itself, a datum by its name,
    "(none)" for nothing."""
    if stored is None:
        return msg("aud_none")
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    if value in ("", None):
        return msg("aud_none")
    if key.endswith("_datum") and f"datum_{value}" in CATALOGUE:
        return msg(f"datum_{value}")
    return str(value)


class _Tx:
    """One write transaction: the connection, the tables, and the audit entries it will append.

    The entries are chained when the transaction ends (:meth:`flush`), so the audit chain — the one thing every
    writer shares — is held for as short a time as possible. On SQLite, ``BEGIN IMMEDIATE`` has serialised the
    whole transaction already. On PostgreSQL the entries are appended by one statement that moves the chain's
    head row only if it is still where it was read (``UPDATE … WHERE seq = old``; the row lock then lasts until
    COMMIT); if another writer moved it first, the entries are chained again onto the new head. Operations that
    number things globally (layer versions, account checks) lock the head row first (:meth:`lock_chain`).
    """

    def __init__(self, conn: Connection, t: Tables) -> None:
        self.conn, self.t = conn, t
        self.head: tuple[int, str] | None = None  # set when this transaction holds the head row's lock
        self.pending: list[tuple[str, str, str, str, str]] = []

    def lock_chain(self) -> None:
        """Take the audit chain's lock (``SELECT … FOR UPDATE`` of its head row), once per transaction."""
        if self.head is None:
            ah = self.t.audit_head
            row = self.conn.execute(select(ah.c.seq, ah.c.hash).where(ah.c.id == 1).with_for_update()).one()
            self.head = (row[0], row[1])

    def audit(self, actor: str, action: str, object_type: str, object_id: str, summary: Message) -> None:
        """Record one audit entry, appended and chained when the transaction ends."""
        self.pending.append((actor, action, object_type, object_id, message_to_json(summary)))

    def _chained(self, head: tuple[int, str]) -> list[dict[str, Any]]:
        seq, last = head
        rows = []
        for actor, action, object_type, object_id, text_ in self.pending:
            seq, at = seq + 1, utc_now_iso()
            row_hash = audit_mod.entry_hash(last, seq, at, actor, action, object_type, object_id, text_)
            rows.append({"seq": seq, "at_utc": at, "actor": actor, "action": action, "object_type": object_type,
                         "object_id": object_id, "summary": text_, "prev_hash": last, "row_hash": row_hash})
            last = row_hash
        return rows

    def flush(self) -> None:
        """Append the recorded entries, each holding the previous entry's hash, and move the chain's head."""
        if not self.pending:
            return
        ah, al = self.t.audit_head, self.t.audit_log
        optimistic = self.head is None and self.conn.dialect.name == "postgresql"
        while True:
            if self.head is None and not optimistic:
                self.lock_chain()
            head = self.head or tuple(self.conn.execute(select(ah.c.seq, ah.c.hash).where(ah.c.id == 1)).one())
            rows = self._chained((head[0], head[1]))
            if not optimistic:
                self.conn.execute(insert(al), rows)
                self.conn.execute(update(ah).where(ah.c.id == 1).values(seq=rows[-1]["seq"], hash=rows[-1]["row_hash"]))
                break
            moved = self.conn.execute(_append_statement(len(rows)), {
                "old_seq": head[0], "new_seq": rows[-1]["seq"], "new_hash": rows[-1]["row_hash"],
                **{f"{k}{i}": v for i, row in enumerate(rows) for k, v in row.items()}}).rowcount
            if moved == len(rows):
                break
        self.pending, self.head = [], (rows[-1]["seq"], rows[-1]["row_hash"])


_AUDIT_COLUMNS = ("seq", "at_utc", "actor", "action", "object_type", "object_id", "summary", "prev_hash", "row_hash")


@cache
def _append_statement(n: int) -> Any:
    """PostgreSQL: move the audit head from ``old_seq`` and insert ``n`` chained entries, in one statement
    (nothing is inserted when another writer moved the head first)."""
    values = ", ".join("(" + ", ".join(f"CAST(:{c}{i} AS {'integer' if c == 'seq' else 'text'})"
                                       for c in _AUDIT_COLUMNS) + ")" for i in range(n))
    return sql_text(f"""WITH moved AS (UPDATE audit_head SET seq = :new_seq, hash = :new_hash
                                   WHERE id = 1 AND seq = :old_seq RETURNING id)
                    INSERT INTO audit_log ({", ".join(_AUDIT_COLUMNS)})
                    SELECT v.* FROM (VALUES {values}) AS v({", ".join(_AUDIT_COLUMNS)})
                    WHERE EXISTS (SELECT 1 FROM moved)""")


class Workspace:
    """One workspace (GeoPackage file or PostGIS database). Build it with :func:`open_workspace`.

    Attributes
    ----------
    engine_name : str
        'geopackage' or 'postgis'.
    where : str
        The file path or the database address without password (for messages).
    readonly : bool
        Opened read-only: listing and loading work, every change raises :class:`WorkspaceReadOnlyError`.
    readonly_reason : Message or None
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.engine_name = "postgis" if backend.dialect == "postgresql" else "geopackage"
        self.where = backend.where
        self.t = tables(backend.dialect)
        self.backup_path: Path | None = None
        self._ensure_schema()

    @property
    def readonly(self) -> bool:
        return self.backend.readonly

    @property
    def readonly_reason(self) -> Message | None:
        return self.backend.readonly_reason

    def readonly_message(self) -> Message | None:
        """Why the workspace is read-only (a Message for a notice on the page), or None."""
        return msg("ws_readonly", where=self.where, reason=self.readonly_reason) if self.readonly else None

    def close(self) -> None:
        """Release the connections."""
        self.backend.dispose()

    # plumbing ---------------------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        """Upgrade an empty, legacy or older workspace to HEAD_REVISION (after a backup of a file); a newer
        one is opened read-only."""
        try:
            with self.backend.read_connection() as conn:
                found = self.backend.revision(conn)
        except SQLAlchemyError as exc:
            raise self.backend.fault(exc, action=msg("act_read")) from exc
        state = revision_state(found)
        if state == "current":
            return
        if state == "newer":
            self.backend.readonly = True
            self.backend.readonly_reason = msg("ws_ro_newer", found=found, expected=HEAD_REVISION)
            return
        if self.readonly:
            raise WorkspaceReadOnlyError("ws_readonly", where=self.where, reason=msg(
                "ws_ro_needs_upgrade", found=found or "–", expected=HEAD_REVISION))
        if isinstance(self.backend, GpkgBackend) and found is not None:
            self.backup_path = self.backend.backup(found)
        try:
            with self.backend.write_connection() as conn:
                lock_migrations(conn)
                found = self.backend.revision(conn)
                if revision_state(found) != "upgrade":
                    return
                if isinstance(self.backend, PostgisBackend):
                    self._ensure_postgis(conn)
                run_alembic(conn)
                tx = _Tx(conn, self.t)
                tx.audit("system", "workspace.upgrade", "workspace", self.engine_name,
                         msg("aud_schema_upgraded", before=found or "–", after=HEAD_REVISION,
                             backup=self.backup_path.name if self.backup_path else msg("aud_none")))
                tx.flush()
        except PlannerError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            fault = self.backend.fault(exc, action=msg("act_write"))
            if type(fault) is StoreError and fault.code == "ws_write_failed":
                raise StoreError("ws_migration_failed", where=self.where, reason=fault.params["reason"],
                                 backup=str(self.backup_path) if self.backup_path else msg("aud_none")) from exc
            raise fault from exc

    def _ensure_postgis(self, conn: Connection) -> None:
        if conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first():
            return
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        except SQLAlchemyError as exc:
            raise StoreError("ws_no_postgis", where=self.where) from exc

    @contextmanager
    def _write(self, action: Message, *, lock_chain_first: bool = False) -> Iterator[_Tx]:
        """A write transaction whose audit entries are chained and committed with it; driver errors become
        precise StoreErrors. ``lock_chain_first``: take the global lock at once (global numbering, checks)."""
        if self.readonly:
            raise WorkspaceReadOnlyError("ws_write_refused", action=action, reason=self.readonly_message())
        try:
            with self.backend.write_connection() as conn:
                tx = _Tx(conn, self.t)
                if lock_chain_first:
                    tx.lock_chain()
                yield tx
                tx.flush()
        except (SQLAlchemyError, OSError) as exc:
            raise self.backend.fault(exc, action=action) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.backend.read_connection() as conn:
                yield conn
        except (SQLAlchemyError, OSError) as exc:
            raise self.backend.fault(exc, action=msg("act_read")) from exc

    # scenarios --------------------------------------------------------------------------------------------
    @staticmethod
    def _head(row: Any) -> ScenarioHead:
        return ScenarioHead(id=row.scenario_id, name=row.name, version=row.latest_version, saved_at=row.latest_at,
                            saved_by=row.latest_by, created_by=row.created_by, created_at=row.created_at,
                            parent_id=row.parent_id, parent_version=row.parent_version, archived=bool(row.archived),
                            archived_at=row.archived_at, archived_by=row.archived_by,
                            archive_reason=row.archive_reason)

    def scenarios(self, *, include_archived: bool = False) -> list[ScenarioHead]:
        """Every scenario's head (latest version), newest save first; archived ones only when asked."""
        s = self.t.scenarios
        query = select(s).order_by(s.c.latest_at.desc(), s.c.scenario_id)
        if not include_archived:
            query = query.where(s.c.archived == 0)
        with self._read() as conn:
            return [self._head(r) for r in conn.execute(query)]

    def scenario(self, scenario_id: str) -> ScenarioHead | None:
        """One scenario's head (archived or not), or None."""
        with self._read() as conn:
            row = conn.execute(select(self.t.scenarios).where(self.t.scenarios.c.scenario_id == scenario_id)).first()
        return self._head(row) if row else None

    def load_scenario(self, scenario_id: str, *, version: int | None = None) -> tuple[Scenario, int]:
        """One version (default: the latest) of a scenario and its number. Raises StoreError when missing."""
        v, s = self.t.scenario_versions, self.t.scenarios
        with self._read() as conn:
            latest = conn.execute(select(s.c.latest_version).where(s.c.scenario_id == scenario_id)).scalar()
            if latest is None:
                raise StoreError("ws_no_scenario", id=scenario_id)
            number = latest if version is None else version
            payload = conn.execute(select(v.c.payload).where(and_(v.c.scenario_id == scenario_id,
                                                                  v.c.version == number))).scalar()
        if payload is None:
            raise StoreError("ws_no_version", id=scenario_id, version=number, latest=latest)
        return Scenario.from_json(payload), number

    def history(self, scenario_id: str) -> list[VersionInfo]:
        """Every saved version of one scenario, oldest first."""
        v = self.t.scenario_versions
        with self._read() as conn:
            rows = conn.execute(select(v.c.version, v.c.saved_at, v.c.author, v.c.changes, v.c.kind, v.c.base_version)
                                .where(v.c.scenario_id == scenario_id).order_by(v.c.version)).fetchall()
        return [VersionInfo(r.version, r.saved_at, r.author, message_from_json(r.changes), r.kind, r.base_version)
                for r in rows]

    def drawn_geometries(self, scenario_id: str, version: int) -> dict[str, shapely.Geometry]:
        """The drawn areas of one version, read back from the geometry layer (EPSG:4326)."""
        g = self.t.scenario_geometries
        with self._read() as conn:
            rows = conn.execute(select(g.c.piece_id, g.c.geom).where(and_(g.c.scenario_id == scenario_id,
                                                                          g.c.version == version))).fetchall()
        return {pid: geom for pid, geom in rows}

    def _payload(self, conn: Connection, scenario_id: str, version: int) -> Scenario | None:
        """A stored version for comparing (validated when it was written, so parsed without the WKT checks)."""
        v = self.t.scenario_versions
        text = conn.execute(select(v.c.payload).where(and_(v.c.scenario_id == scenario_id,
                                                           v.c.version == version))).scalar()
        if not text:
            return None
        d = json.loads(text)
        return Scenario(name=d["name"], author=d.get("author", ""), notes=d.get("notes", ""),
                        parcels=tuple(d.get("parcels", ())), drawn={k: tuple(x) for k, x in d.get("drawn", {}).items()},
                        assign=dict(d.get("assign", {})), weights=dict(d.get("weights", {})), id=d["id"],
                        created=d["created"], updated=d["updated"])

    def _conflict(self, conn: Connection, head: Any, base_version: int | None) -> ConflictError:
        v = self.t.scenario_versions
        since = conn.execute(select(v.c.author).where(and_(v.c.scenario_id == head.scenario_id,
                                                           v.c.version > (base_version or 0)))
                             .order_by(v.c.version)).scalars().all()
        base = self._payload(conn, head.scenario_id, base_version) if base_version else None
        latest = self._payload(conn, head.scenario_id, head.latest_version)
        changes = msg("ws_chg_versions", count=len(since), authors=list(dict.fromkeys(since)),
                      items=change_summary(base, latest) if latest else msg("ws_chg_none"))
        return ConflictError("ws_conflict", scenario_id=head.scenario_id, base_version=base_version,
                             latest_version=head.latest_version, saved_by=head.latest_by, saved_at=head.latest_at,
                             changes=changes, name=head.name)

    def _insert_version(self, tx: _Tx, scenario: Scenario, version: int, *, kind: str, changes: Message,
                        base_version: int | None, saved_at: str, geoms: dict[str, shapely.Geometry]) -> None:
        tx.conn.execute(insert(self.t.scenario_versions).values(
            scenario_id=scenario.id, version=version, name=scenario.name, author=scenario.author, saved_at=saved_at,
            changes=message_to_json(changes), payload=scenario.to_json(), kind=kind, base_version=base_version))
        rows = [{"geom": geoms[did], "scenario_id": scenario.id, "version": version, "piece_id": did,
                 "kind": "drawn", "name": name} for did, (name, _) in scenario.drawn.items()]
        if rows:
            tx.conn.execute(insert(self.t.scenario_geometries), rows)

    @staticmethod
    def _checked(scenario: Scenario, *, actor: str, **changes: Any) -> tuple[Scenario, dict[str, shapely.Geometry]]:
        """The scenario as it will be stored (author = the acting user), validated against the payload schema, and
        its drawn areas as geometries — done before the write lock is taken."""
        checked = Scenario.from_json(replace(scenario, author=actor, **changes).to_json())
        return checked, {did: shapely.from_wkt(wkt) for did, (_, wkt) in checked.drawn.items()}

    def save_scenario(self, scenario: Scenario, *, actor: str, base_version: int | None,
                      overwrite_from: int | None = None) -> SavedVersion:
        """Append a version of ``scenario``, by ``actor`` (its author), starting from ``base_version``.

        Parameters
        ----------
        base_version : int or None
            The version the edit started from; None for a scenario never saved.
        overwrite_from : int, optional
            Save over after review: the latest version the user has seen (after a ConflictError). Audited as
            an overwrite. Refused (ConflictError) if someone saved again since.

        Raises
        ------
        ConflictError
            Someone saved since ``base_version`` (who, when, what changed); nothing was written.
        StoreError
            Archived scenario, a new scenario whose id exists, invalid id, or a workspace fault.
        """
        if not _SCENARIO_ID.fullmatch(str(scenario.id)):
            raise StoreError("ws_bad_scenario_id", id=clip_text(str(scenario.id), 64))
        s = self.t.scenarios
        checked, geoms = self._checked(scenario, actor=actor)
        with self._write(msg("act_save")) as tx:  # the scenario's row lock serialises its saves
            head = tx.conn.execute(select(s).where(s.c.scenario_id == scenario.id).with_for_update()).first()
            now = utc_now_iso()
            if head is None:
                if base_version:
                    raise StoreError("ws_no_scenario", id=scenario.id)
                saved = replace(checked, created=utc_now_iso(), updated=utc_now_iso())
                version, kind, previous = 1, "save", None
                tx.conn.execute(insert(s).values(scenario_id=saved.id, name=saved.name, created_by=actor,
                                                 created_at=now, latest_version=1, latest_by=actor, latest_at=now))
            else:
                if head.archived:
                    raise StoreError("ws_archived", name=head.name, who=head.archived_by or "–",
                                     when=beijing_time(head.archived_at) if head.archived_at else "–")
                if base_version is None:
                    raise StoreError("ws_new_scenario_exists", id=scenario.id, latest=head.latest_version)
                if overwrite_from is not None:
                    if overwrite_from != head.latest_version:
                        raise self._conflict(tx.conn, head, overwrite_from)
                    kind = "overwrite"
                elif base_version != head.latest_version:
                    raise self._conflict(tx.conn, head, base_version)
                else:
                    kind = "save"
                previous = self._payload(tx.conn, scenario.id, head.latest_version)
                saved = replace(checked, updated=utc_now_iso())
                version = head.latest_version + 1
                tx.conn.execute(update(s).where(s.c.scenario_id == saved.id).values(
                    name=saved.name, latest_version=version, latest_by=actor, latest_at=now))
            changes = change_summary(previous, saved)
            self._insert_version(tx, saved, version, kind=kind, changes=changes, base_version=base_version,
                                 saved_at=now, geoms=geoms)
            if kind == "overwrite":
                tx.audit(actor, "scenario.overwrite", "scenario", saved.id,
                         msg("aud_scenario_overwrite", name=saved.name, version=version,
                             overwritten=overwrite_from, changes=changes))
            else:
                tx.audit(actor, "scenario.save", "scenario", saved.id,
                         msg("aud_scenario_saved", name=saved.name, version=version, changes=changes))
        return SavedVersion(saved, version, kind)

    def save_branch(self, scenario: Scenario, *, actor: str, parent_id: str, parent_version: int | None,
                    name: str | None = None) -> SavedVersion:
        """Save ``scenario`` as a new scenario (new id, version 1) whose parent is ``parent_id``/``parent_version``
        (the way out of a conflict that supersedes nothing)."""
        s = self.t.scenarios
        saved, geoms = self._checked(scenario, actor=actor, id=uuid.uuid4().hex[:12], created=utc_now_iso(),
                                     updated=utc_now_iso(), name=name or scenario.name)
        with self._write(msg("act_save")) as tx:
            parent = tx.conn.execute(select(s.c.scenario_id).where(s.c.scenario_id == parent_id)).first()
            if parent is None:
                raise StoreError("ws_no_scenario", id=parent_id)
            now = utc_now_iso()
            tx.conn.execute(insert(s).values(scenario_id=saved.id, name=saved.name, created_by=actor, created_at=now,
                                             latest_version=1, latest_by=actor, latest_at=now, parent_id=parent_id,
                                             parent_version=parent_version))
            self._insert_version(tx, saved, 1, kind="branch", changes=change_summary(None, saved),
                                 base_version=None, saved_at=now, geoms=geoms)
            tx.audit(actor, "scenario.branch", "scenario", saved.id,
                     msg("aud_scenario_branched", name=saved.name, parent=parent_id,
                         parent_version=parent_version or 0))
        return SavedVersion(saved, 1, "branch", parent_id, parent_version)

    def set_archived(self, scenario_id: str, *, actor: str, archived: bool, reason: str = "") -> ScenarioHead:
        """Archive (with a reason, 1-500 characters) or restore a scenario; nothing is deleted."""
        reason = reason.strip()
        if archived and not 0 < len(reason) <= MAX_REASON:
            raise StoreError("ws_archive_reason", limit=MAX_REASON, length=len(reason))
        s = self.t.scenarios
        with self._write(msg("act_archive")) as tx:
            head = tx.conn.execute(select(s).where(s.c.scenario_id == scenario_id).with_for_update()).first()
            if head is None:
                raise StoreError("ws_no_scenario", id=scenario_id)
            if not archived and not head.archived:
                raise StoreError("ws_not_archived", name=head.name)
            now = utc_now_iso()
            values = {"archived": 1, "archived_at": now, "archived_by": actor, "archive_reason": reason} if archived \
                else {"archived": 0, "archived_at": None, "archived_by": None, "archive_reason": None}
            tx.conn.execute(update(s).where(s.c.scenario_id == scenario_id).values(**values))
            if archived:
                tx.audit(actor, "scenario.archive", "scenario", scenario_id,
                         msg("aud_scenario_archived", name=head.name, reason=reason))
            else:
                tx.audit(actor, "scenario.unarchive", "scenario", scenario_id,
                         msg("aud_scenario_unarchived", name=head.name))
            row = tx.conn.execute(select(s).where(s.c.scenario_id == scenario_id)).one()
        return self._head(row)

    def export_scenarios(self, path: str | os.PathLike, scenario_ids: list[str]) -> None:
        """Write the latest version of these scenarios to a scenario GeoPackage at ``path``."""
        write_scenario_file(path, [self.load_scenario(sid)[0] for sid in scenario_ids])

    def import_scenarios(self, path: str | os.PathLike, *, actor: str, label: str) -> list[ImportedScenario]:
        """Add every scenario of a scenario GeoPackage as a NEW scenario (new id, author ``actor``, version 1).

        The file is validated first (:func:`store.transfer.read_scenario_file`); all its scenarios are
        added in one transaction, or none. ``label`` is the file name shown in messages and the audit trail.
        """
        found = read_scenario_file(path, label=label)
        stamp = utc_now_iso()
        prepared = [(source, *self._checked(source, actor=actor, id=uuid.uuid4().hex[:12], created=stamp,
                                            updated=stamp)) for source in found]
        done = []
        s = self.t.scenarios
        with self._write(msg("act_import")) as tx:
            for source, saved, geoms in prepared:
                now = utc_now_iso()
                tx.conn.execute(insert(s).values(scenario_id=saved.id, name=saved.name, created_by=actor,
                                                 created_at=now, latest_version=1, latest_by=actor, latest_at=now))
                self._insert_version(tx, saved, 1, kind="import", changes=change_summary(None, saved),
                                     base_version=None, saved_at=now, geoms=geoms)
                tx.audit(actor, "scenario.import", "scenario", saved.id,
                         msg("aud_scenario_imported", name=saved.name, file=label, source_id=source.id))
                done.append(ImportedScenario(source.id, saved.id, saved.name))
        return done

    # shared layers ----------------------------------------------------------------------------------------
    def publish_layer(self, layer_id: str, gdf: gpd.GeoDataFrame, *, actor: str, note: str = "",
                      restored_from: int | None = None) -> LayerVersion:
        """Publish ``gdf`` (EPSG:4326) as the next version of the shared layer ``layer_id``."""
        if not _LAYER_ID.fullmatch(str(layer_id)):
            raise StoreError("ws_layer_bad_id", layer=clip_text(str(layer_id), 40))
        if gdf.crs is None or gdf.crs.to_epsg() != 4326:
            raise StoreError("ws_layer_invalid", layer=layer_id,
                             reason=msg("ws_layer_reason_crs", crs=str(gdf.crs.to_string() if gdf.crs else "–")))
        if len(gdf) == 0:
            raise StoreError("ws_layer_invalid", layer=layer_id, reason=msg("ws_layer_reason_empty"))
        missing = int(gdf.geometry.isna().sum())
        if missing:
            raise StoreError("ws_layer_invalid", layer=layer_id, reason=msg("ws_layer_reason_geometry", count=missing))
        attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        columns = [[str(c), str(attrs[c].dtype)] for c in attrs.columns]
        records = _json_records(attrs)
        lv = self.t.layer_versions
        with self._write(msg("act_publish"), lock_chain_first=True) as tx:
            latest = tx.conn.execute(select(func.max(lv.c.version)).where(lv.c.layer_id == layer_id)).scalar() or 0
            version = latest + 1
            now = utc_now_iso()
            tx.conn.execute(insert(lv).values(layer_id=layer_id, version=version, published_by=actor, published_at=now,
                                              n_features=len(gdf), columns=json.dumps(columns), note=note[:500],
                                              restored_from=restored_from))
            geoms = gdf.geometry.to_numpy()
            rows = [{"geom": g, "layer_id": layer_id, "version": version, "feature_index": i, "properties": p}
                    for i, (g, p) in enumerate(zip(geoms, records))]
            for start in range(0, len(rows), 5000):
                tx.conn.execute(insert(self.t.layer_features), rows[start:start + 5000])
            if restored_from is None:
                tx.audit(actor, "layer.publish", "layer", layer_id,
                         msg("aud_layer_published", layer=layer_id, version=version, features=len(gdf)))
            else:
                tx.audit(actor, "layer.restore", "layer", layer_id,
                         msg("aud_layer_restored", layer=layer_id, version=version, from_version=restored_from))
        return LayerVersion(layer_id, version, actor, now, len(gdf), restored_from, note[:500])

    def restore_layer(self, layer_id: str, version: int, *, actor: str) -> LayerVersion:
        """Publish an old version of a layer again as the newest one (audited as a restore)."""
        old = self.load_layer(layer_id, version=version)
        return self.publish_layer(layer_id, old, actor=actor, restored_from=version)

    def layer_versions(self, layer_id: str | None = None) -> list[LayerVersion]:
        """Published versions (of one layer, or of all), newest first per layer."""
        lv = self.t.layer_versions
        query = select(lv).order_by(lv.c.layer_id, lv.c.version.desc())
        if layer_id is not None:
            query = query.where(lv.c.layer_id == layer_id)
        with self._read() as conn:
            return [LayerVersion(r.layer_id, r.version, r.published_by, r.published_at, r.n_features,
                                 r.restored_from, r.note) for r in conn.execute(query)]

    def load_layer(self, layer_id: str, *, version: int | None = None) -> gpd.GeoDataFrame:
        """One published version (default: the current one) of a shared layer, in EPSG:4326."""
        lv, lf = self.t.layer_versions, self.t.layer_features
        with self._read() as conn:
            latest = conn.execute(select(func.max(lv.c.version)).where(lv.c.layer_id == layer_id)).scalar()
            if latest is None:
                raise StoreError("ws_no_layer", layer=layer_id)
            number = latest if version is None else version
            meta = conn.execute(select(lv.c.columns).where(and_(lv.c.layer_id == layer_id, lv.c.version == number))
                                ).scalar()
            if meta is None:
                raise StoreError("ws_no_layer_version", layer=layer_id, version=number, latest=latest)
            rows = conn.execute(select(lf.c.geom, lf.c.properties).where(
                and_(lf.c.layer_id == layer_id, lf.c.version == number)).order_by(lf.c.feature_index)).fetchall()
        return _frame(json.loads(meta), rows)

    def layers_etag(self) -> str:
        """A short text that changes whenever any layer is published (for cache keys)."""
        lv = self.t.layer_versions
        with self._read() as conn:
            rows = conn.execute(select(lv.c.layer_id, func.max(lv.c.version)).group_by(lv.c.layer_id)
                                .order_by(lv.c.layer_id)).fetchall()
        return ";".join(f"{lid}={v}" for lid, v in rows) or "none"

    def current_layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The current published version of every shared layer, by layer id (EPSG:4326)."""
        ids = [part.split("=")[0] for part in self.layers_etag().split(";") if "=" in part]
        return {lid: self.load_layer(lid) for lid in ids}

    # field mappings and settings ---------------------------------------------------------------------------
    def save_mapping(self, signature: str, layer_kind: str, mapping: Mapping[str, Any], *, actor: str) -> None:
        """Remember how the columns of a kind of file map to a layer's schema (a settings change, audited)."""
        fm = self.t.field_mappings
        text = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)
        with self._write(msg("act_settings"), lock_chain_first=True) as tx:
            old = tx.conn.execute(select(fm.c.mapping).where(fm.c.signature == signature)).scalar()
            if old == text:
                return
            values = {"layer_kind": layer_kind, "mapping": text, "saved_at": utc_now_iso()}
            if old is None:
                tx.conn.execute(insert(fm).values(signature=signature, **values))
            else:
                tx.conn.execute(update(fm).where(fm.c.signature == signature).values(**values))
            tx.audit(actor, "settings.mapping", "mapping", signature[:64], msg("aud_mapping_saved", kind=layer_kind))

    def load_mapping(self, signature: str) -> dict | None:
        """The remembered mapping for a file signature, if any."""
        fm = self.t.field_mappings
        with self._read() as conn:
            text = conn.execute(select(fm.c.mapping).where(fm.c.signature == signature)).scalar()
        return json.loads(text) if text else None

    def set_setting(self, key: str, value: Any, *, actor: str) -> None:
        """Set a workspace-wide setting (JSON value); audited with its value before and after."""
        st = self.t.settings
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self._write(msg("act_settings"), lock_chain_first=True) as tx:
            old = tx.conn.execute(select(st.c.value).where(st.c.key == key)).scalar()
            if old == text:
                return
            values = {"value": text, "updated_at": utc_now_iso(), "updated_by": actor}
            if old is None:
                tx.conn.execute(insert(st).values(key=key, **values))
            else:
                tx.conn.execute(update(st).where(st.c.key == key).values(**values))
            tx.audit(actor, "settings.change", "setting", key,
                     msg("aud_setting_changed", key=_setting_name(key), before=_setting_value(key, old),
                         after=_setting_value(key, text)))

    def setting(self, key: str, default: Any = None) -> Any:
        """A workspace-wide setting, or ``default``."""
        st = self.t.settings
        with self._read() as conn:
            text = conn.execute(select(st.c.value).where(st.c.key == key)).scalar()
        return json.loads(text) if text is not None else default

    # accounts and sessions --------------------------------------------------------------------------------
    @staticmethod
    def _account(row: Any) -> Account:
        return Account(name=row.name, role=row.role, disabled=bool(row.disabled), external_id=row.external_id,
                       created_at=row.created_at, created_by=row.created_by, has_password=bool(row.password_hash),
                       failed_count=row.failed_count, locked_until=row.locked_until)

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self._read() as conn:
            return [self._account(r) for r in conn.execute(select(self.t.accounts).order_by(self.t.accounts.c.name))]

    def account(self, name: str) -> Account | None:
        """One account by name, or None."""
        with self._read() as conn:
            row = conn.execute(select(self.t.accounts).where(self.t.accounts.c.name == name)).first()
        return self._account(row) if row else None

    def account_by_external_id(self, external_id: str) -> Account | None:
        """The account linked to a single-sign-on subject, or None."""
        with self._read() as conn:
            row = conn.execute(select(self.t.accounts).where(self.t.accounts.c.external_id == external_id)).first()
        return self._account(row) if row else None

    def password_hash(self, name: str) -> str | None:
        """The stored argon2 hash of an account (for :mod:`store.accounts` only)."""
        with self._read() as conn:
            return conn.execute(select(self.t.accounts.c.password_hash)
                                .where(self.t.accounts.c.name == name)).scalar()

    def add_account(self, name: str, role: str, *, actor: str, password_hash: str | None,
                    external_id: str | None = None) -> Account:
        """Create an account (audited). ``password_hash`` None: single sign-on only."""
        a = self.t.accounts
        with self._write(msg("act_accounts"), lock_chain_first=True) as tx:
            if tx.conn.execute(select(a.c.name).where(a.c.name == name)).first():
                raise StoreError("acct_exists", name=name)
            tx.conn.execute(insert(a).values(name=name, role=role, password_hash=password_hash,
                                             external_id=external_id, created_at=utc_now_iso(), created_by=actor))
            tx.audit(actor, "account.add", "account", name,
                     msg("aud_account_added", name=name, role=msg(f"role_{role}")))
            row = tx.conn.execute(select(a).where(a.c.name == name)).one()
        return self._account(row)

    def update_account(self, name: str, *, actor: str, role: str | None = None, disabled: bool | None = None,
                       password_hash: str | None = None) -> Account:
        """Change an account's role, enabled state or password (each audited; never the last enabled admin)."""
        a = self.t.accounts
        with self._write(msg("act_accounts"), lock_chain_first=True) as tx:
            row = tx.conn.execute(select(a).where(a.c.name == name)).first()
            if row is None:
                raise StoreError("acct_missing", name=name)
            loses_admin = row.role == "admin" and not row.disabled and (
                (role is not None and role != "admin") or disabled is True)
            if loses_admin:
                admins = tx.conn.execute(select(func.count()).select_from(a).where(
                    and_(a.c.role == "admin", a.c.disabled == 0))).scalar() or 0
                if admins <= 1:
                    raise StoreError("acct_last_admin", name=name)
            values: dict[str, Any] = {}
            if role is not None and role != row.role:
                values["role"] = role
                tx.audit(actor, "account.role", "account", name,
                         msg("aud_account_role", name=name, before=msg(f"role_{row.role}"), after=msg(f"role_{role}")))
            if disabled is not None and bool(disabled) != bool(row.disabled):
                values["disabled"] = int(disabled)
                tx.audit(actor, "account.disable" if disabled else "account.enable", "account", name,
                         msg("aud_account_disabled" if disabled else "aud_account_enabled", name=name))
                if disabled:
                    tx.conn.execute(update(self.t.sessions).where(and_(
                        self.t.sessions.c.account == name, self.t.sessions.c.revoked_at.is_(None)))
                        .values(revoked_at=utc_now_iso()))
            if password_hash is not None:
                values.update(password_hash=password_hash, failed_count=0, failed_since=None, locked_until=None)
                tx.audit(actor, "account.password", "account", name, msg("aud_password_changed", name=name))
            if values:
                tx.conn.execute(update(a).where(a.c.name == name).values(**values))
            row = tx.conn.execute(select(a).where(a.c.name == name)).one()
        return self._account(row)

    def record_login_failure(self, name: str, *, max_failures: int, window: timedelta,
                             lock_for: timedelta, count: bool = True) -> str | None:
        """Record a failed sign-in as ``name`` (audited, also for unknown names). When ``count``, lock the
        account for ``lock_for`` once ``max_failures`` failures fall within ``window``. Returns the lock end
        (UTC) if this failure locked it."""
        a = self.t.accounts
        now = utc_now()
        name = name[:64]
        with self._write(msg("act_login"), lock_chain_first=True) as tx:
            tx.audit(name, "auth.login_failed", "account", name, msg("aud_login_failed", name=name))
            row = tx.conn.execute(select(a).where(a.c.name == name)).first()
            if row is None or not count:
                return None
            fresh = row.failed_since is None or parse_iso(row.failed_since) < now - window
            failures = 1 if fresh else row.failed_count + 1
            values: dict[str, Any] = {"failed_count": failures,
                                      "failed_since": to_iso(now) if fresh else row.failed_since}
            locked = None
            if failures >= max_failures:
                locked = to_iso(now + lock_for)
                values.update(locked_until=locked, failed_count=0, failed_since=None)
                tx.audit("system", "auth.locked", "account", name,
                         msg("aud_login_locked", name=name, until=beijing_time(locked)))
            tx.conn.execute(update(a).where(a.c.name == name).values(**values))
        return locked

    def open_session(self, name: str, token_hash: str, *, via: str, ttl: timedelta) -> SessionInfo:
        """Record a successful sign-in: a session (its token's hash), failures reset, audited."""
        now = utc_now()
        info = SessionInfo(name, via, to_iso(now), to_iso(now + ttl), None)
        with self._write(msg("act_login")) as tx:
            tx.conn.execute(insert(self.t.sessions).values(token_hash=token_hash, account=name, via=via,
                                                           created_at=info.created_at, expires_at=info.expires_at))
            tx.conn.execute(update(self.t.accounts).where(self.t.accounts.c.name == name)
                            .values(failed_count=0, failed_since=None, locked_until=None))
            tx.audit(name, "auth.login", "account", name, msg("aud_login", via=msg(f"via_{via}")))
        return info

    def session(self, token_hash: str) -> SessionInfo | None:
        """The session of a token hash, or None."""
        se = self.t.sessions
        with self._read() as conn:
            row = conn.execute(select(se).where(se.c.token_hash == token_hash)).first()
        return SessionInfo(row.account, row.via, row.created_at, row.expires_at, row.revoked_at) if row else None

    def close_session(self, token_hash: str, *, actor: str) -> None:
        """Sign out: the session is revoked (audited)."""
        se = self.t.sessions
        with self._write(msg("act_login")) as tx:
            done = tx.conn.execute(update(se).where(and_(se.c.token_hash == token_hash, se.c.revoked_at.is_(None)))
                                   .values(revoked_at=utc_now_iso())).rowcount
            if done:
                tx.audit(actor, "auth.logout", "account", actor, msg("aud_logout"))

    # audit ------------------------------------------------------------------------------------------------
    def audit_entries(self, *, actor: str | None = None, object_id: str | None = None,
                      object_type: str | None = None, action_prefix: str | None = None, since_utc: str | None = None,
                      until_utc: str | None = None, limit: int = 1000, newest_first: bool = True) -> list[AuditEntry]:
        """Audit entries matching every given filter (times: UTC ISO text, ``until`` exclusive)."""
        al = self.t.audit_log
        query = select(al)
        if actor is not None:
            query = query.where(al.c.actor == actor)
        if object_id is not None:
            query = query.where(al.c.object_id == object_id)
        if object_type is not None:
            query = query.where(al.c.object_type == object_type)
        if since_utc is not None:
            query = query.where(al.c.at_utc >= since_utc)
        if until_utc is not None:
            query = query.where(al.c.at_utc < until_utc)
        if action_prefix:
            query = query.where(al.c.action.startswith(action_prefix, autoescape=True))
        query = query.order_by(al.c.seq.desc() if newest_first else al.c.seq).limit(max(1, min(int(limit), 100_000)))
        with self._read() as conn:
            return [AuditEntry(r.seq, r.at_utc, r.actor, r.action, r.object_type, r.object_id,
                               message_from_json(r.summary), r.prev_hash, r.row_hash) for r in conn.execute(query)]

    def verify_audit(self) -> AuditCheck:
        """Walk the whole hash chain; the first broken entry (edited, removed, inserted) is named."""
        al = self.t.audit_log
        with self._read() as conn:
            head = conn.execute(select(self.t.audit_head.c.seq, self.t.audit_head.c.hash)).one()
            rows = conn.execute(select(al.c.seq, al.c.at_utc, al.c.actor, al.c.action, al.c.object_type,
                                       al.c.object_id, al.c.summary, al.c.prev_hash, al.c.row_hash)
                                .order_by(al.c.seq).execution_options(yield_per=2000))
            return audit_mod.verify_chain((tuple(r) for r in rows), (head[0], head[1]))


def _json_records(attrs: pd.DataFrame) -> list[str]:
    """Each row's attributes as JSON text (NaN/NaT -> null, numpy scalars -> numbers, times -> ISO text)."""
    def plain(v: Any) -> Any:
        if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NaT:
            return None
        if isinstance(v, (pd.Timestamp,)):
            return v.isoformat()
        if hasattr(v, "item") and callable(v.item):
            return plain(v.item())
        if isinstance(v, (list, tuple, dict, str, int, float, bool)):
            return v
        return str(v)
    cols = [str(c) for c in attrs.columns]
    values = attrs.astype(object).where(attrs.notna(), None).to_numpy()
    return [json.dumps(dict(zip(cols, (plain(v) for v in row))), ensure_ascii=False) for row in values]


def _frame(columns: list[list[str]], rows: Sequence[Any]) -> gpd.GeoDataFrame:
    names = [c for c, _ in columns]
    records = [json.loads(p) for _, p in rows]
    df = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
    for name, dtype in columns:
        if dtype != "object":
            with suppress(TypeError, ValueError):
                df[name] = df[name].astype(pd.api.types.pandas_dtype(dtype))
    return gpd.GeoDataFrame(df, geometry=[g for g, _ in rows], crs="EPSG:4326")


_OPEN: dict[tuple, Workspace] = {}


def open_workspace(*, url: str | None = None, path: str | os.PathLike | None = None,
                   env: Mapping[str, str] | None = None, cached: bool = True) -> Workspace:
    """The workspace to use: ``url`` (PostgreSQL), else ``path`` (GeoPackage), else from the environment —
    PUTUO_DATABASE_URL (postgresql://…) selects the team engine, else PUTUO_WORKSPACE or the default file.

    Opening upgrades an older workspace (a GeoPackage is backed up first), checks a file with
    ``PRAGMA quick_check``, and falls back to read-only when writing is impossible. One Workspace per
    location and process is kept (``cached``); a file replaced on disk is opened anew.

    Raises
    ------
    StoreError
        Corrupt (:class:`WorkspaceCorruptError`), unreachable, not a workspace, or needing an upgrade that
        cannot be made; every message says how to recover.
    """
    from gis.settings import SETTINGS

    env = os.environ if env is None else env
    if url is None and path is None:
        url = env.get("PUTUO_DATABASE_URL") or None
        path = None if url else (env.get("PUTUO_WORKSPACE") or SETTINGS.workspace_path)
    if url is not None:
        key: tuple = ("pg", url)
    else:
        p = Path(path).expanduser().absolute()  # type: ignore[arg-type]
        try:
            st = p.stat()
            key = ("gpkg", str(p), st.st_ino, os.access(p, os.W_OK) and os.access(p.parent, os.W_OK))
        except OSError:
            key = ("gpkg", str(p), None, None)
    if cached and key in _OPEN:
        return _OPEN[key]
    backend: Backend = PostgisBackend(url) if url is not None else GpkgBackend(key[1])
    try:
        ws = Workspace(backend)
    except BaseException:
        backend.dispose()
        raise
    if cached:
        if url is None and key[2] is None:  # a new file: key it by the inode it got
            st = Path(key[1]).stat()
            key = ("gpkg", key[1], st.st_ino, not ws.readonly)
        _OPEN[key] = ws
    return ws


def forget_open_workspaces() -> None:
    """Close every cached workspace (tests; after restoring a backup)."""
    for ws in _OPEN.values():
        ws.close()
    _OPEN.clear()


def role_rank(role: str) -> int:
    """0 viewer, 1 editor, 2 admin; -1 for an unknown role."""
    return ROLES.index(role) if role in ROLES else -1


__all__ = ["Workspace", "change_summary", "forget_open_workspaces", "open_workspace", "role_rank"]
