"""Scenario GeoPackage files for exchange: write the latest versions of some scenarios; read and validate a file.

An exported file is a small GeoPackage (``scenario_versions`` with each scenario's JSON payload, and the
drawn areas as the ``scenario_geometries`` feature layer, EPSG:4326) that GIS software can open. Reading
one never trusts it: it is opened read-only, checked with ``PRAGMA quick_check``, limited in size, and every
payload is validated (:meth:`gis.scenario.Scenario.from_json`); any problem is a :class:`ScenarioFileError`
naming the file and the record, never a JSONDecodeError or GEOSException.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import shapely

from gis.errors import ScenarioError, ScenarioFileError
from gis.scenario import Scenario
from gis.worker_guard import require_worker, worker_kind
from store.schema import GPKG_CORE_DDL, gpkg_blob
from text.messages import Message, msg

#: At most this many scenarios are read from one file.
MAX_SCENARIOS = 500
#: At most this many rows of scenario_versions are looked at.
MAX_ROWS = 20_000
#: At most this many tables in a scenario file (an exported one has about ten).
MAX_TABLES = 100
#: SQLite's own memory while reading a file (bytes): a query over a generated column or a huge record runs out of
#: it and fails cleanly long before the reading worker's memory limit.
SQLITE_HEAP_LIMIT = 256 * 1024 * 1024
#: Largest text or blob SQLite builds while reading a file (bytes): a payload is a few kB to a few MB.
SQLITE_MAX_LENGTH = 64 * 1024 * 1024


def write_scenario_file(path: str | os.PathLike, scenarios: list[Scenario]) -> None:
    """Write ``scenarios`` (one version each) to a new GeoPackage at ``path`` (replaced if it exists)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN")
        for statement in GPKG_CORE_DDL:
            con.execute(statement)
        con.execute("""CREATE TABLE scenario_versions (fid INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id TEXT NOT NULL,
            version INTEGER NOT NULL, name TEXT NOT NULL, author TEXT NOT NULL, saved_at TEXT NOT NULL,
            changes TEXT NOT NULL, payload TEXT NOT NULL, UNIQUE (scenario_id, version))""")
        con.execute("""CREATE TABLE scenario_geometries (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY,
            scenario_id TEXT NOT NULL, version INTEGER NOT NULL, piece_id TEXT NOT NULL, kind TEXT NOT NULL,
            name TEXT NOT NULL)""")
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('scenario_geometries', 'features', 'scenario_geometries', 4326)"
        )
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier) "
            "VALUES ('scenario_versions', 'attributes', 'scenario_versions')"
        )
        con.execute("INSERT INTO gpkg_geometry_columns VALUES ('scenario_geometries', 'geom', 'GEOMETRY', 4326, 0, 0)")
        for s in scenarios:
            con.execute(
                "INSERT INTO scenario_versions (scenario_id, version, name, author, saved_at, changes, "
                "payload) VALUES (?, 1, ?, ?, ?, 'exported', ?)",
                (s.id, s.name, s.author, s.updated, s.to_json()),
            )
            for did, (name, wkt) in s.drawn.items():
                con.execute(
                    "INSERT INTO scenario_geometries (geom, scenario_id, version, piece_id, kind, name) "
                    "VALUES (?, ?, 1, ?, 'drawn', ?)",
                    (gpkg_blob(shapely.from_wkt(wkt)), s.id, did, name),
                )
        con.execute("COMMIT")
    finally:
        con.close()


def _check_plain_tables(con: sqlite3.Connection, label: str) -> None:
    """Refuse a file whose tables would run the file's own expressions when read or checked: a virtual table or a
    generated column (``printf('%.*c', 500000000, …)`` costs a minute of CPU and half a GB per row), or more
    tables than a scenario file has (each is checked)."""
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' LIMIT ?", (MAX_TABLES + 1,)).fetchall()
    if len(rows) > MAX_TABLES:
        raise ScenarioFileError("ws_file_not_plain", file=label)
    for name, sql in rows:
        head = str(sql or "").upper().split("(", 1)[0]
        virtual = "VIRTUAL" in head and "USING RTREE" not in " ".join(head.split())  # a GIS's spatial index is fine
        hidden = (
            [] if "VIRTUAL" in head else [r[6] for r in con.execute("SELECT * FROM pragma_table_xinfo(?)", (name,))]
        )
        if virtual or any(h != 0 for h in hidden):
            raise ScenarioFileError("ws_file_not_plain", file=label)


def _reason(exc: sqlite3.Error | UnicodeDecodeError) -> Message:
    """Why SQLite could not read the file, in the user's words (SQLite's own English stays in the log)."""
    text = str(exc).lower()
    return msg(
        "ws_reason_not_sqlite" if "not a database" in text or "file is encrypted" in text else "ws_reason_damaged"
    )


def _text(raw: bytes) -> str:
    """SQLite text as Python text: bytes that are not UTF-8 replaced (a damaged file's text is refused later, as
    JSON that does not parse or a name that does not fit, never as a UnicodeDecodeError)."""
    return raw.decode("utf-8", errors="replace")


def read_scenario_file(path: str | os.PathLike, *, label: str) -> list[Scenario]:
    """The latest version of every scenario in a scenario GeoPackage, each payload validated.

    Parameters
    ----------
    path : path-like
        The file (e.g. an upload written to a temporary folder); opened read-only and immutable.
    label : str
        The name to show in messages (the uploaded file's name, never the temporary path).

    Raises
    ------
    ScenarioFileError
        Not a GeoPackage/SQLite file, damaged, no ``scenario_versions`` table, too many scenarios, or a record
        that is not valid JSON / fails the payload schema / holds a bad geometry (the record is named).
    """
    require_worker("scenario")
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ScenarioFileError("ws_file_unreadable", file=label, reason=_reason(exc)) from exc
    con.text_factory = _text
    try:
        try:
            con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_MAX_LENGTH)
            if worker_kind() is not None:  # SQLite's heap limit holds for the whole process (and can only go down)
                con.execute(f"PRAGMA hard_heap_limit = {SQLITE_HEAP_LIMIT}")
            con.execute("PRAGMA trusted_schema = OFF")  # no function of the file's schema runs unasked
            _check_plain_tables(con, label)  # before quick_check, which computes generated columns
            check = [r[0] for r in con.execute("PRAGMA quick_check(3)").fetchall()]
            if check != ["ok"]:
                raise ScenarioFileError("ws_file_unreadable", file=label, reason=msg("ws_reason_damaged"))
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "scenario_versions" not in tables:
                raise ScenarioFileError("ws_file_unreadable", file=label, reason=msg("ws_reason_no_table"))
            rows = con.execute(
                "SELECT scenario_id, version, payload FROM scenario_versions ORDER BY fid LIMIT ?", (MAX_ROWS + 1,)
            ).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # SQLite's message about a damaged file may not be UTF-8
            raise ScenarioFileError("ws_file_unreadable", file=label, reason=_reason(exc)) from exc
    finally:
        con.close()
    if len(rows) > MAX_ROWS:
        raise ScenarioFileError("ws_file_too_many_rows", file=label, limit=MAX_ROWS)
    latest: dict[object, tuple[int, int, object]] = {}
    for row_number, (sid, version, payload) in enumerate(rows, start=1):
        key = sid if isinstance(sid, (str, int)) else repr(sid)
        v = version if isinstance(version, int) else -1
        if key not in latest or v >= latest[key][0]:
            latest[key] = (v, row_number, payload)
    if not latest:
        raise ScenarioFileError("ws_file_no_scenarios", file=label)
    if len(latest) > MAX_SCENARIOS:
        raise ScenarioFileError("ws_file_too_many", file=label, count=len(latest), limit=MAX_SCENARIOS)
    scenarios = []
    for _, row_number, payload in sorted(latest.values(), key=lambda t: t[1]):
        if not isinstance(payload, (str, bytes)):
            raise ScenarioFileError(
                "ws_file_record",
                file=label,
                row=row_number,
                reason=ScenarioError("ws_payload_not_json", reason=type(payload).__name__).message,
            )
        try:
            scenarios.append(Scenario.from_json(payload))
        except ScenarioError as exc:
            raise ScenarioFileError("ws_file_record", file=label, row=row_number, reason=exc.message) from exc
    return scenarios


def read_scenario_bytes(data: bytes, *, label: str) -> list[Scenario]:
    """:func:`read_scenario_file` of an upload's bytes, written to a private temporary file (call it in a worker)."""
    import tempfile

    require_worker("scenario")
    with tempfile.TemporaryDirectory(prefix="putuo-scenarios-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        return read_scenario_file(path, label=label)
