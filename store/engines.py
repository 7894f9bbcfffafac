"""The two storage engines behind one SQLAlchemy code path: the GeoPackage file (SQLite) and PostgreSQL/PostGIS.

An engine knows how to connect (read-only when writing is impossible), how to check the store on open
(``PRAGMA quick_check`` for a file), how to back it up before a schema change, and how to turn a driver
error into a precise :class:`gis.errors.StoreError` (disk full, permission, corrupt, busy, unreachable).
Everything else (tables, queries, audit) is shared by :mod:`store.workspace` and its repositories.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from gis.errors import (
    StoreError,
    WorkspaceCorruptError,
    WorkspaceFullError,
    WorkspaceReadOnlyError,
    WorkspaceUnavailableError,
)
from store.schema import HEAD_REVISION, KNOWN_REVISIONS, OWN_TABLES
from text.clip import clip_text
from text.clock import beijing_time
from text.messages import Message, msg

#: How long a writer waits for another writer's transaction before giving up (s).
BUSY_TIMEOUT_S = 60.0
#: PostgreSQL advisory lock key serialising schema migrations of one database (any 64-bit number).
MIGRATION_LOCK_KEY = 0x50555455  # 'PUTU'

_checked: set[tuple[int, int, int, int]] = set()  # (dev, inode, size, mtime) of files quick-checked here


def _stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def short_reason(exc: BaseException) -> str:
    """A one-line reason from a driver error: no SQL, no parameters, no traceback, no password."""
    orig = getattr(exc, "orig", None) or exc
    text_ = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    text_ = re.sub(r"postgresql(\+\w+)?://[^@\s]*@", "postgresql://…@", text_)
    return clip_text(text_, 200)


class Backend:
    """Base class of the two engines: ``engine`` (SQLAlchemy), ``dialect``, ``where`` (for messages),
    ``readonly`` and ``readonly_reason`` (a Message, when read-only)."""

    dialect: str
    where: str
    engine: Engine
    readonly: bool = False
    readonly_reason: Message | None = None
    notes: list[Message]

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A connection inside a write transaction (committed on success, rolled back on error)."""
        with self.engine.connect() as conn:
            conn.execution_options(putuo_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A connection for reading (one consistent snapshot per block on SQLite)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def fault(self, exc: BaseException, *, action: Message) -> StoreError:
        """The precise StoreError for a driver error raised while doing ``action``."""
        raise NotImplementedError

    def revision(self, conn: Connection) -> str | None:
        """The schema revision recorded in the store ('legacy' for a first-version file; None when empty)."""
        raise NotImplementedError

    def dispose(self) -> None:
        self.engine.dispose()


# --- GeoPackage (SQLite) -----------------------------------------------------------------------------------
def backups_of(path: Path) -> list[Path]:
    """Automatic backups of a workspace file, oldest first (``NAME.backup-<UTC time>-<revision>.gpkg``)."""
    return sorted(path.parent.glob(f"{path.stem}.backup-*.gpkg"))


def recovery_message(path: Path) -> Message:
    """How to recover a damaged workspace: the newest automatic backup, or what to do without one."""
    found = backups_of(path)
    if not found:
        return msg("ws_recover_no_backup")
    newest = found[-1]
    stamp = newest.name[len(path.stem) + len(".backup-") :][:16]
    try:
        when = beijing_time(datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat())
    except ValueError:
        when = stamp
    return msg("ws_recover_backup", backup=str(newest), when=when, where=str(path))


class GpkgBackend(Backend):
    """The embedded workspace: one GeoPackage file, opened read-write when possible, else read-only."""

    dialect = "sqlite"

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        self.notes = []
        if self.path.exists():
            self._check_existing()
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise self._os_fault(exc, action=msg("act_write")) from exc
            if not os.access(self.path.parent, os.W_OK):
                raise WorkspaceReadOnlyError("ws_readonly", where=self.where, reason=self._ro_reason(self.path.parent))
        self.engine = self._make_engine()

    # opening ------------------------------------------------------------------------------------------------
    def _ro_reason(self, where: Path) -> Message:
        try:
            if os.statvfs(where).f_flag & os.ST_RDONLY:
                return msg("ws_ro_filesystem")
        except OSError:
            pass
        return msg("ws_ro_permission")

    def _check_existing(self) -> None:
        """Readable? writable? a SQLite file that passes quick_check? Raise or set ``readonly``; never write —
        except rolling back the hot journal of a writer that was killed, which is what SQLite itself does."""
        if not self.path.is_file():
            raise WorkspaceCorruptError(
                "ws_corrupt", where=self.where, reason="not a file", recovery=recovery_message(self.path)
            )
        if not os.access(self.path, os.R_OK):
            raise StoreError("ws_permission", action=msg("act_read"), where=self.where, reason="no read permission")
        writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        if not writable:
            self.readonly, self.readonly_reason = True, self._ro_reason(self.path)
        journal = self.path.with_name(self.path.name + "-journal")
        if writable and journal.is_file():
            self._roll_back_hot_journal()
        stat = self.path.stat()
        try:
            con = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
            try:
                if _stat_key(stat) not in _checked:
                    problems = [r[0] for r in con.execute("PRAGMA quick_check(3)").fetchall()]
                    if problems != ["ok"]:
                        raise WorkspaceCorruptError(
                            "ws_corrupt",
                            where=self.where,
                            reason=clip_text("; ".join(problems), 200),
                            recovery=recovery_message(self.path),
                        )
                names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")}
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code == sqlite3.SQLITE_BUSY:
                raise StoreError("ws_busy", action=msg("act_write"), where=self.where) from exc
            raise WorkspaceCorruptError(
                "ws_corrupt", where=self.where, reason=short_reason(exc), recovery=recovery_message(self.path)
            ) from exc
        _checked.add(_stat_key(stat))
        foreign = sorted(
            n for n in names if not n.startswith(("gpkg", "sqlite_", "rtree_", "layer_")) and n not in OWN_TABLES
        )
        if foreign and not names & {"scenario_versions", "alembic_version"}:
            raise StoreError("ws_not_workspace", where=self.where, tables=", ".join(foreign[:5]))

    def _roll_back_hot_journal(self) -> None:
        """A writer killed mid-transaction leaves a hot ``-journal`` beside the file: the first read by a
        connection that may write rolls it back (SQLite does it), and the file is whole again. A read-only open
        cannot, and would find the file "damaged" — so this comes before the check."""
        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            try:
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                con.close()
        except sqlite3.DatabaseError:
            pass  # the check that follows says what is wrong

    def _make_engine(self) -> Engine:
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"

        def connect() -> sqlite3.Connection:
            if self.readonly:
                con = sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
                )
            else:
                con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
                con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file (no -wal beside it)
                con.execute("PRAGMA synchronous=FULL")
            return con

        engine = create_engine("sqlite+pysqlite://", creator=connect, poolclass=QueuePool, pool_size=4, max_overflow=8)

        @event.listens_for(engine, "begin")
        def begin(conn: Connection) -> None:  # BEGIN IMMEDIATE serialises writers (the audit chain's lock)
            immediate = conn.get_execution_options().get("putuo_write", False) and not self.readonly
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    def revision(self, conn: Connection) -> str | None:
        """The recorded schema revision; 'legacy' for a workspace of the first version; None for an empty file."""
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" in names:
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            return row[0] if row else None
        return "legacy" if "scenario_versions" in names else None

    def backup(self, revision: str) -> Path:
        """Copy the file (a consistent snapshot, SQLite's backup API) to ``NAME.backup-<UTC>-<revision>.gpkg``."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.stem}.backup-{stamp}-{revision}.gpkg")
        partial = target.with_name(target.name + ".partial")
        try:
            src = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            with open(partial, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            raise StoreError("ws_backup_failed", where=self.where, reason=short_reason(exc)) from exc
        return target

    # faults -------------------------------------------------------------------------------------------------
    def _os_fault(self, exc: OSError, *, action: Message) -> StoreError:
        if exc.errno == errno.ENOSPC:
            return WorkspaceFullError("ws_disk_full", action=action, where=self.where)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return WorkspaceReadOnlyError(
                "ws_write_refused",
                action=action,
                reason=msg("ws_readonly", where=self.where, reason=self._ro_reason(self.path.parent)),
            )
        return StoreError("ws_write_failed", action=action, where=self.where, reason=short_reason(exc))

    def fault(self, exc: BaseException, *, action: Message) -> StoreError:
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, OSError):
            return self._os_fault(orig, action=action)
        code = getattr(orig, "sqlite_errorcode", 0) & 0xFF
        if code == sqlite3.SQLITE_FULL or "disk is full" in str(orig):
            return WorkspaceFullError("ws_disk_full", action=action, where=self.where)
        if code == sqlite3.SQLITE_READONLY:
            reason = msg("ws_readonly", where=self.where, reason=self._ro_reason(self.path))
            return WorkspaceReadOnlyError("ws_write_refused", action=action, reason=reason)
        if code == sqlite3.SQLITE_BUSY or code == sqlite3.SQLITE_LOCKED:
            return StoreError("ws_busy", action=action, where=self.where)
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return WorkspaceCorruptError(
                "ws_corrupt", where=self.where, reason=short_reason(exc), recovery=recovery_message(self.path)
            )
        if code in (sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH):
            return StoreError("ws_permission", action=action, where=self.where, reason=short_reason(exc))
        return StoreError("ws_write_failed", action=action, where=self.where, reason=short_reason(exc))


# --- PostgreSQL / PostGIS ----------------------------------------------------------------------------------
def display_url(url: str) -> str:
    """The database address without its password (for messages and logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True).replace("+psycopg", "")
    except Exception:  # an unparsable address: show only its scheme
        return url.split(":", 1)[0] + "://…"


class PostgisBackend(Backend):
    """The team workspace: a PostgreSQL database with PostGIS, through SQLAlchemy + psycopg 3."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.notes = []
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise StoreError("ws_bad_url", url=url.split(":", 1)[0] + "://…") from exc
        if parsed.get_backend_name() != "postgresql":
            raise StoreError("ws_bad_url", url=display_url(url))
        parsed = parsed.set(drivername="postgresql+psycopg")
        self.where = display_url(url)
        self.engine = create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=4,
            max_overflow=8,
            connect_args={"connect_timeout": 10, "application_name": "putuo-planner"},
        )
        try:
            with self.engine.connect() as conn:
                ro = conn.exec_driver_sql("SELECT current_setting('transaction_read_only'), pg_is_in_recovery()").one()
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise self.fault(exc, action=msg("act_write")) from exc
        if ro[0] == "on" or ro[1]:
            self.readonly, self.readonly_reason = True, msg("ws_ro_role")

    def revision(self, conn: Connection) -> str | None:
        has = conn.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL").scalar()
        if not has:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None

    def fault(self, exc: BaseException, *, action: Message) -> StoreError:
        orig = getattr(exc, "orig", exc)
        state = getattr(orig, "sqlstate", None) or ""
        reason = short_reason(exc)
        if state == "53100":
            return WorkspaceFullError("ws_disk_full", action=action, where=self.where)
        if state == "25006":
            return WorkspaceReadOnlyError(
                "ws_write_refused", action=action, reason=msg("ws_readonly", where=self.where, reason=msg("ws_ro_role"))
            )
        if state == "42501":
            return StoreError("ws_permission", action=action, where=self.where, reason=reason)
        if state in ("40P01", "55P03", "40001"):
            return StoreError("ws_busy", action=action, where=self.where)
        if state.startswith("XX"):
            return WorkspaceCorruptError(
                "ws_corrupt", where=self.where, reason=reason, recovery=msg("ws_recover_no_backup")
            )
        if state.startswith(("08", "57")) or (isinstance(exc, DBAPIError) and exc.connection_invalidated) or not state:
            return WorkspaceUnavailableError("ws_unavailable", where=self.where, reason=reason)
        return StoreError("ws_write_failed", action=action, where=self.where, reason=reason)


def revision_state(revision: str | None) -> str:
    """'current', 'upgrade' (older or legacy or empty) or 'newer' (written by a newer app)."""
    if revision == HEAD_REVISION:
        return "current"
    if revision is None or revision == "legacy" or revision in KNOWN_REVISIONS:
        return "upgrade"
    return "newer"


def lock_migrations(conn: Connection) -> None:
    """Serialise schema migrations between processes (PostgreSQL: a transaction-scoped advisory lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})


def run_alembic(conn: Connection) -> None:
    """Upgrade the schema to HEAD_REVISION on ``conn`` (inside the caller's transaction)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def describe(value: Any) -> str:
    """A short, safe rendering of a received value for a message (never a numpy repr, at most 60 chars)."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    text_ = (
        value
        if isinstance(value, str)
        else type(value).__name__
        if not isinstance(value, (int, float))
        else repr(value)
    )
    return clip_text(text_, 60)
