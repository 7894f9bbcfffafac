"""The workspace core: the engine (GeoPackage file or PostGIS database), the write transaction that chains the
audit entries, opening and closing, the read-only state, and one repository per concern as attributes —
``ws.scenarios`` (:mod:`store.scenarios`), ``ws.layers`` (:mod:`store.layers`), ``ws.settings``
(:mod:`store.settings`), ``ws.accounts`` (:mod:`store.accounts`) and ``ws.audit`` (:mod:`store.audit`).

Every change runs in one transaction (:meth:`Workspace.write`): it writes the change (a scenario's saves are
serialised by its row lock), then locks the audit chain's head row (``SELECT … FOR UPDATE`` on PostgreSQL; on
SQLite ``BEGIN IMMEDIATE`` has serialised the whole transaction), appends its audit entries, each holding the
previous entry's hash, and moves the head. The change and its audit entries are committed together or not at
all, and concurrent writers never fork the chain. The repositories trust their caller about *who* acts
(``actor``); role checks live in ``planner/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from gis.errors import PlannerError, StoreError, WorkspaceReadOnlyError
from store import audit as audit_mod
from store.accounts import AccountRepository
from store.engines import Backend, GpkgBackend, PostgisBackend, lock_migrations, revision_state, run_alembic
from store.layers import LayerRepository
from store.records import ROLES
from store.scenarios import ScenarioRepository
from store.schema import HEAD_REVISION, Tables, tables
from store.settings import SettingRepository
from text.messages import Message, message_to_json, msg


class _Tx:
    """One write transaction: the connection, the tables, and the audit entries it will append.

    The entries are chained when the transaction ends (:meth:`flush`), so the audit chain — the one thing every
    writer shares — is held for as short a time as possible. On SQLite, ``BEGIN IMMEDIATE`` has serialised the
    whole transaction already. On PostgreSQL the entries are appended by one statement that moves the chain's
    head row only if it is still where it was read (``UPDATE … WHERE seq = old``; the row lock then lasts until
    COMMIT); if another writer moved it first, the entries are chained again onto the new head. Operations that
    number things globally (layer versions, account checks) lock the head row first (:meth:`lock_chain`).
    """

    def __init__(self, conn: Connection, t: Tables, anchor: audit_mod.Anchor) -> None:
        self.conn, self.t, self.anchor = conn, t, anchor
        self.appended = False  # entries were appended: a checkpoint of the head is due after the commit
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
            rows = audit_mod.chain_entries((head[0], head[1]), self.pending, mac=self.anchor.mac())
            if not optimistic:
                self.conn.execute(insert(al), rows)
                self.conn.execute(update(ah).where(ah.c.id == 1).values(seq=rows[-1]["seq"], hash=rows[-1]["row_hash"]))
                break
            moved = self.conn.execute(
                audit_mod.append_statement(len(rows)),
                {
                    "old_seq": head[0],
                    "new_seq": rows[-1]["seq"],
                    "new_hash": rows[-1]["row_hash"],
                    **{f"{k}{i}": v for i, row in enumerate(rows) for k, v in row.items()},
                },
            ).rowcount
            if moved == len(rows):
                break
        self.pending, self.head, self.appended = [], (rows[-1]["seq"], rows[-1]["row_hash"]), True

    def checkpoint(self) -> None:
        """After the commit: the new head, signed, to the checkpoint file beside the server."""
        if self.appended and self.head is not None:
            self.anchor.write(self.head[0], self.head[1])


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
    backup_path : Path or None
        The backup made before an upgrade of this file, if any.
    scenarios : ScenarioRepository
        Scenario versions, branches, archive, import and export.
    layers : LayerRepository
        Published versions of the shared layers.
    settings : SettingRepository
        Workspace-wide settings and remembered field mappings.
    accounts : AccountRepository
        Accounts, sign-in failures and sessions.
    audit : AuditRepository
        The hash-chained audit trail: entries and verification.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.engine_name = "postgis" if backend.dialect == "postgresql" else "geopackage"
        self.where = backend.where
        self.t = tables(backend.dialect)
        self.backup_path: Path | None = None
        self.scenarios = ScenarioRepository(self)
        self.layers = LayerRepository(self)
        self.settings = SettingRepository(self)
        self.accounts = AccountRepository(self)
        self.audit = audit_mod.AuditRepository(self)
        #: The audit chain's key and checkpoint file, outside the database (store.audit.Anchor).
        self.anchor = audit_mod.Anchor(self.where)
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
            raise WorkspaceReadOnlyError(
                "ws_readonly",
                where=self.where,
                reason=msg("ws_ro_needs_upgrade", found=found or "–", expected=HEAD_REVISION),
            )
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
                tx = _Tx(conn, self.t, self.anchor)
                tx.audit(
                    "system",
                    "workspace.upgrade",
                    "workspace",
                    self.engine_name,
                    msg(
                        "aud_schema_upgraded",
                        before=found or "–",
                        after=HEAD_REVISION,
                        backup=self.backup_path.name if self.backup_path else msg("aud_none"),
                    ),
                )
                tx.flush()
            tx.checkpoint()
        except PlannerError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            fault = self.backend.fault(exc, action=msg("act_write"))
            if type(fault) is StoreError and fault.code == "ws_write_failed":
                raise StoreError(
                    "ws_migration_failed",
                    where=self.where,
                    reason=fault.params["reason"],
                    backup=str(self.backup_path) if self.backup_path else msg("aud_none"),
                ) from exc
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
    def write(self, action: Message, *, lock_chain_first: bool = False) -> Iterator[_Tx]:
        """A write transaction (for the repositories) whose audit entries are chained and committed with it;
        driver errors become precise StoreErrors. ``action`` names what is refused in a read-only workspace.
        ``lock_chain_first``: take the global lock at once (global numbering, checks)."""
        if self.readonly:
            raise WorkspaceReadOnlyError("ws_write_refused", action=action, reason=self.readonly_message())
        try:
            with self.backend.write_connection() as conn:
                tx = _Tx(conn, self.t, self.anchor)
                if lock_chain_first:
                    tx.lock_chain()
                yield tx
                tx.flush()
            tx.checkpoint()
        except (SQLAlchemyError, OSError) as exc:
            raise self.backend.fault(exc, action=action) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read connection (for the repositories); driver errors become precise StoreErrors."""
        try:
            with self.backend.read_connection() as conn:
                yield conn
        except (SQLAlchemyError, OSError) as exc:
            raise self.backend.fault(exc, action=msg("act_read")) from exc


_OPEN: dict[tuple, Workspace] = {}


def open_workspace(
    *,
    url: str | None = None,
    path: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    cached: bool = True,
) -> Workspace:
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


__all__ = ["Workspace", "forget_open_workspaces", "open_workspace", "role_rank"]
