"""Scenarios (``ws.scenarios``): every save is a new numbered version (its author, time and what changed); a save
that started from an older version is refused with who saved since and what changed (a conflict), and is then
saved over after review or as a branch (a new scenario whose parent is the old one); archived, never deleted;
exported to and imported from scenario GeoPackage files (:mod:`store.transfer`). Each version's full extent (its
parcels and drawn areas as one geometry) is kept in ``scenario_extents``, a layer GIS software opens."""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from sqlalchemy import Connection, and_, insert, select, update

from gis.crs import area_m2, to_metric
from gis.datasets import LAYER_FILES
from gis.errors import ConflictError, StoreError
from gis.scenario import PAYLOAD_LIMITS, Scenario
from gis.settings import SETTINGS
from store.records import ImportedScenario, SavedVersion, ScenarioHead, VersionInfo
from store.transfer import read_scenario_file, write_scenario_file
from text.clip import clip_text
from text.clock import beijing_time, utc_now_iso
from text.messages import Message, message_from_json, message_to_json, msg

if TYPE_CHECKING:
    from store.workspace import Workspace, _Tx

_SCENARIO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: Longest archive reason (characters).
MAX_REASON = 500
#: Parcel geometries read from a data folder's parcel file, by (path, size, mtime).
_parcel_cache: dict[tuple[str, int, int], dict[str, shapely.Geometry]] = {}
_parcel_lock = threading.Lock()


def default_parcel_geometries(data_dir: str | os.PathLike | None = None) -> dict[str, shapely.Geometry]:
    """Parcel id -> geometry (EPSG:4326) of the data folder's parcel layer (default: the app's data folder), read
    once per file version; an unreadable or missing file gives no parcels (a version's extent then counts its
    parcels as missing rather than failing the save)."""
    import pyogrio

    path = Path(data_dir if data_dir is not None else SETTINGS.data_dir) / LAYER_FILES["parcels"][0]
    try:
        info = path.stat()
    except OSError:
        return {}
    key = (str(path), info.st_size, info.st_mtime_ns)
    with _parcel_lock:
        if key not in _parcel_cache:
            try:
                gdf = pyogrio.read_dataframe(path, columns=["id"])
                gdf = gdf.to_crs(4326) if gdf.crs is not None else gdf.set_crs(4326)
                found = {str(i): g for i, g in zip(gdf["id"], gdf.geometry) if g is not None and not g.is_empty}
            except (OSError, ValueError, KeyError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
                found = {}
            _parcel_cache.clear()
            _parcel_cache[key] = found
        return _parcel_cache[key]


def extent_row(
    *,
    scenario_id: str,
    version: int,
    name: str,
    author: str,
    saved_at: str,
    parcel_ids: Iterable[str],
    drawn_wkt: Mapping[str, str],
    parcel_geometries: Mapping[str, shapely.Geometry],
) -> dict[str, Any]:
    """One ``scenario_extents`` row: the union of the version's parcels (looked up in ``parcel_geometries``,
    EPSG:4326) and drawn areas (WKT, EPSG:4326), the counts, and the area in m² (EPSG:4549); geometry None when
    the version has nothing to show."""
    ids = list(dict.fromkeys(parcel_ids))
    found = [parcel_geometries[p] for p in ids if p in parcel_geometries]
    drawn = []
    for wkt in drawn_wkt.values():
        try:
            drawn.append(shapely.from_wkt(wkt))
        except shapely.errors.GEOSException:
            continue
    parts = [g for g in (*found, *drawn) if g is not None and not g.is_empty]
    geom = shapely.make_valid(shapely.union_all(shapely.make_valid(parts))) if parts else None
    area = None
    if geom is not None:
        import geopandas as gpd

        area = round(float(area_m2(to_metric(gpd.GeoSeries([geom], crs=4326))).iloc[0]), 1)
    return {
        "geom": geom,
        "scenario_id": scenario_id,
        "version": version,
        "name": name,
        "author": author,
        "saved_at": saved_at,
        "parcels": len(ids),
        "parcels_missing": len(ids) - len(found),
        "drawn": len(drawn_wkt),
        "area_m2": area,
    }


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
    for code, a, b in (
        ("ws_chg_drawn", old.drawn, new.drawn),
        ("ws_chg_assign", old.assign, new.assign),
        ("ws_chg_weights", old.weights, new.weights),
    ):
        if dict(a) != dict(b):
            items.append(msg(code))
    if old.name != new.name:
        items.append(msg("ws_chg_name", before=old.name, after=new.name))
    if old.notes != new.notes:
        items.append(msg("ws_chg_notes"))
    return msg("list_semicolon_join", items=items) if items else msg("ws_chg_none")


def distinct_name(name: str, taken: set[str], *, max_chars: int = PAYLOAD_LIMITS["text"]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` … the first that is not in ``taken`` (cut to ``max_chars``)."""
    base = name[:max_chars]
    n = 1
    candidate = base
    while candidate in taken:
        n += 1
        tail = f" ({n})"
        candidate = f"{base[: max_chars - len(tail)]}{tail}"
    return candidate


class ScenarioRepository:
    """The scenarios of one workspace and all their versions (``ws.scenarios``)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws, self.t = ws, ws.t

    @staticmethod
    def _from_row(row: Any) -> ScenarioHead:
        return ScenarioHead(
            id=row.scenario_id,
            name=row.name,
            version=row.latest_version,
            saved_at=row.latest_at,
            saved_by=row.latest_by,
            created_by=row.created_by,
            created_at=row.created_at,
            parent_id=row.parent_id,
            parent_version=row.parent_version,
            archived=bool(row.archived),
            archived_at=row.archived_at,
            archived_by=row.archived_by,
            archive_reason=row.archive_reason,
        )

    def heads(self, *, include_archived: bool = False) -> list[ScenarioHead]:
        """Every scenario's head (latest version), newest save first; archived ones only when asked."""
        s = self.t.scenarios
        query = select(s).order_by(s.c.latest_at.desc(), s.c.scenario_id)
        if not include_archived:
            query = query.where(s.c.archived == 0)
        with self._ws.read() as conn:
            return [self._from_row(r) for r in conn.execute(query)]

    def head(self, scenario_id: str) -> ScenarioHead | None:
        """One scenario's head (archived or not), or None."""
        with self._ws.read() as conn:
            row = conn.execute(select(self.t.scenarios).where(self.t.scenarios.c.scenario_id == scenario_id)).first()
        return self._from_row(row) if row else None

    def load(self, scenario_id: str, *, version: int | None = None) -> tuple[Scenario, int]:
        """One version (default: the latest) of a scenario and its number. Raises StoreError when missing."""
        v, s = self.t.scenario_versions, self.t.scenarios
        with self._ws.read() as conn:
            latest = conn.execute(select(s.c.latest_version).where(s.c.scenario_id == scenario_id)).scalar()
            if latest is None:
                raise StoreError("ws_no_scenario", id=scenario_id)
            number = latest if version is None else version
            payload = conn.execute(
                select(v.c.payload).where(and_(v.c.scenario_id == scenario_id, v.c.version == number))
            ).scalar()
        if payload is None:
            raise StoreError("ws_no_version", id=scenario_id, version=number, latest=latest)
        return Scenario.from_json(payload), number

    def history(self, scenario_id: str) -> list[VersionInfo]:
        """Every saved version of one scenario, oldest first."""
        v = self.t.scenario_versions
        with self._ws.read() as conn:
            rows = conn.execute(
                select(v.c.version, v.c.saved_at, v.c.author, v.c.changes, v.c.kind, v.c.base_version)
                .where(v.c.scenario_id == scenario_id)
                .order_by(v.c.version)
            ).fetchall()
        return [
            VersionInfo(r.version, r.saved_at, r.author, message_from_json(r.changes), r.kind, r.base_version)
            for r in rows
        ]

    def drawn_geometries(self, scenario_id: str, version: int) -> dict[str, shapely.Geometry]:
        """The drawn areas of one version, read back from the geometry layer (EPSG:4326)."""
        g = self.t.scenario_geometries
        with self._ws.read() as conn:
            rows = conn.execute(
                select(g.c.piece_id, g.c.geom).where(and_(g.c.scenario_id == scenario_id, g.c.version == version))
            ).fetchall()
        return {pid: geom for pid, geom in rows}

    def _payload(self, conn: Connection, scenario_id: str, version: int) -> Scenario | None:
        """A stored version for comparing (validated when it was written, so parsed without the WKT checks)."""
        v = self.t.scenario_versions
        text = conn.execute(
            select(v.c.payload).where(and_(v.c.scenario_id == scenario_id, v.c.version == version))
        ).scalar()
        if not text:
            return None
        d = json.loads(text)
        return Scenario(
            name=d["name"],
            author=d.get("author", ""),
            notes=d.get("notes", ""),
            parcels=tuple(d.get("parcels", ())),
            drawn={k: tuple(x) for k, x in d.get("drawn", {}).items()},
            assign=dict(d.get("assign", {})),
            weights=dict(d.get("weights", {})),
            id=d["id"],
            created=d["created"],
            updated=d["updated"],
        )

    def _conflict(self, conn: Connection, head: Any, base_version: int | None) -> ConflictError:
        v = self.t.scenario_versions
        since = (
            conn.execute(
                select(v.c.author)
                .where(and_(v.c.scenario_id == head.scenario_id, v.c.version > (base_version or 0)))
                .order_by(v.c.version)
            )
            .scalars()
            .all()
        )
        base = self._payload(conn, head.scenario_id, base_version) if base_version else None
        latest = self._payload(conn, head.scenario_id, head.latest_version)
        changes = msg(
            "ws_chg_versions",
            count=len(since),
            authors=list(dict.fromkeys(since)),
            items=change_summary(base, latest) if latest else msg("ws_chg_none"),
        )
        return ConflictError(
            "ws_conflict",
            scenario_id=head.scenario_id,
            base_version=base_version,
            latest_version=head.latest_version,
            saved_by=head.latest_by,
            saved_at=head.latest_at,
            changes=changes,
            name=head.name,
        )

    def _insert_head(
        self,
        tx: Any,
        saved: Scenario,
        *,
        actor: str,
        now: str,
        parent_id: str | None = None,
        parent_version: int | None = None,
    ) -> None:
        """The head row of a new scenario at version 1 (saved, branched or imported by ``actor`` at ``now``)."""
        tx.conn.execute(
            insert(self.t.scenarios).values(
                scenario_id=saved.id,
                name=saved.name,
                created_by=actor,
                created_at=now,
                latest_version=1,
                latest_by=actor,
                latest_at=now,
                parent_id=parent_id,
                parent_version=parent_version,
            )
        )

    def _insert_version(
        self,
        tx: _Tx,
        scenario: Scenario,
        version: int,
        *,
        kind: str,
        changes: Message,
        base_version: int | None,
        saved_at: str,
        geoms: dict[str, shapely.Geometry],
        parcel_geometries: Mapping[str, shapely.Geometry] | None = None,
    ) -> None:
        tx.conn.execute(
            insert(self.t.scenario_extents).values(
                extent_row(
                    scenario_id=scenario.id,
                    version=version,
                    name=scenario.name,
                    author=scenario.author,
                    saved_at=saved_at,
                    parcel_ids=scenario.parcels,
                    drawn_wkt={did: wkt for did, (_, wkt) in scenario.drawn.items()},
                    parcel_geometries=default_parcel_geometries() if parcel_geometries is None else parcel_geometries,
                )
            )
        )
        tx.conn.execute(
            insert(self.t.scenario_versions).values(
                scenario_id=scenario.id,
                version=version,
                name=scenario.name,
                author=scenario.author,
                saved_at=saved_at,
                changes=message_to_json(changes),
                payload=scenario.to_json(),
                kind=kind,
                base_version=base_version,
            )
        )
        rows = [
            {
                "geom": geoms[did],
                "scenario_id": scenario.id,
                "version": version,
                "piece_id": did,
                "kind": "drawn",
                "name": name,
            }
            for did, (name, _) in scenario.drawn.items()
        ]
        if rows:
            tx.conn.execute(insert(self.t.scenario_geometries), rows)

    @staticmethod
    def _checked(scenario: Scenario, *, actor: str, **changes: Any) -> tuple[Scenario, dict[str, shapely.Geometry]]:
        """The scenario as it will be stored (author = the acting user), validated against the payload schema, and
        its drawn areas as geometries — done before the write lock is taken."""
        checked = Scenario.from_json(replace(scenario, author=actor, **changes).to_json())
        return checked, {did: shapely.from_wkt(wkt) for did, (_, wkt) in checked.drawn.items()}

    def save(
        self,
        scenario: Scenario,
        *,
        actor: str,
        base_version: int | None,
        overwrite_from: int | None = None,
        parcel_geometries: Mapping[str, shapely.Geometry] | None = None,
    ) -> SavedVersion:
        """Append a version of ``scenario``, by ``actor`` (its author), starting from ``base_version``.

        Parameters
        ----------
        base_version : int or None
            The version the edit started from; None for a scenario never saved.
        overwrite_from : int, optional
            Save over after review: the latest version the user has seen (after a ConflictError). Audited as
            an overwrite. Refused (ConflictError) if someone saved again since.
        parcel_geometries : mapping, optional
            Parcel id -> geometry (EPSG:4326) of the data set the scenario was made on, for the version's extent
            in ``scenario_extents``; default the app's data folder (:func:`default_parcel_geometries`).

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
        if parcel_geometries is None:  # read before the lock is taken
            parcel_geometries = default_parcel_geometries()
        with self._ws.write(msg("act_save")) as tx:  # the scenario's row lock serialises its saves
            head = tx.conn.execute(select(s).where(s.c.scenario_id == scenario.id).with_for_update()).first()
            now = utc_now_iso()
            if head is None:
                if base_version:
                    raise StoreError("ws_no_scenario", id=scenario.id)
                saved = replace(checked, created=utc_now_iso(), updated=utc_now_iso())
                version, kind, previous = 1, "save", None
                self._insert_head(tx, saved, actor=actor, now=now)
            else:
                if head.archived:
                    raise StoreError(
                        "ws_archived",
                        name=head.name,
                        who=head.archived_by or "–",
                        when=beijing_time(head.archived_at) if head.archived_at else "–",
                    )
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
                tx.conn.execute(
                    update(s)
                    .where(s.c.scenario_id == saved.id)
                    .values(name=saved.name, latest_version=version, latest_by=actor, latest_at=now)
                )
            changes = change_summary(previous, saved)
            self._insert_version(
                tx,
                saved,
                version,
                kind=kind,
                changes=changes,
                base_version=base_version,
                saved_at=now,
                geoms=geoms,
                parcel_geometries=parcel_geometries,
            )
            if kind == "overwrite":
                tx.audit(
                    actor,
                    "scenario.overwrite",
                    "scenario",
                    saved.id,
                    msg(
                        "aud_scenario_overwrite",
                        name=saved.name,
                        version=version,
                        overwritten=overwrite_from,
                        changes=changes,
                    ),
                )
            else:
                tx.audit(
                    actor,
                    "scenario.save",
                    "scenario",
                    saved.id,
                    msg("aud_scenario_saved", name=saved.name, version=version, changes=changes),
                )
        return SavedVersion(saved, version, kind)

    def save_branch(
        self,
        scenario: Scenario,
        *,
        actor: str,
        parent_id: str,
        parent_version: int | None,
        name: str | None = None,
        parcel_geometries: Mapping[str, shapely.Geometry] | None = None,
    ) -> SavedVersion:
        """Save ``scenario`` as a new scenario (new id, version 1) whose parent is ``parent_id``/``parent_version``
        (the way out of a conflict that supersedes nothing)."""
        s = self.t.scenarios
        saved, geoms = self._checked(
            scenario,
            actor=actor,
            id=uuid.uuid4().hex[:12],
            created=utc_now_iso(),
            updated=utc_now_iso(),
            name=name or scenario.name,
        )
        if parcel_geometries is None:  # read before the lock is taken
            parcel_geometries = default_parcel_geometries()
        with self._ws.write(msg("act_save")) as tx:
            parent = tx.conn.execute(select(s.c.scenario_id).where(s.c.scenario_id == parent_id)).first()
            if parent is None:
                raise StoreError("ws_no_scenario", id=parent_id)
            now = utc_now_iso()
            self._insert_head(tx, saved, actor=actor, now=now, parent_id=parent_id, parent_version=parent_version)
            self._insert_version(
                tx,
                saved,
                1,
                kind="branch",
                changes=change_summary(None, saved),
                base_version=None,
                saved_at=now,
                geoms=geoms,
                parcel_geometries=parcel_geometries,
            )
            tx.audit(
                actor,
                "scenario.branch",
                "scenario",
                saved.id,
                msg("aud_scenario_branched", name=saved.name, parent=parent_id, parent_version=parent_version or 0),
            )
        return SavedVersion(saved, 1, "branch", parent_id, parent_version)

    def set_archived(self, scenario_id: str, *, actor: str, archived: bool, reason: str = "") -> ScenarioHead:
        """Archive (with a reason, 1-500 characters) or restore a scenario; nothing is deleted."""
        reason = reason.strip()
        if archived and not 0 < len(reason) <= MAX_REASON:
            raise StoreError("ws_archive_reason", limit=MAX_REASON, length=len(reason))
        s = self.t.scenarios
        with self._ws.write(msg("act_archive")) as tx:
            head = tx.conn.execute(select(s).where(s.c.scenario_id == scenario_id).with_for_update()).first()
            if head is None:
                raise StoreError("ws_no_scenario", id=scenario_id)
            if not archived and not head.archived:
                raise StoreError("ws_not_archived", name=head.name)
            now = utc_now_iso()
            values = (
                {"archived": 1, "archived_at": now, "archived_by": actor, "archive_reason": reason}
                if archived
                else {"archived": 0, "archived_at": None, "archived_by": None, "archive_reason": None}
            )
            tx.conn.execute(update(s).where(s.c.scenario_id == scenario_id).values(**values))
            if archived:
                tx.audit(
                    actor,
                    "scenario.archive",
                    "scenario",
                    scenario_id,
                    msg("aud_scenario_archived", name=head.name, reason=reason),
                )
            else:
                tx.audit(
                    actor, "scenario.unarchive", "scenario", scenario_id, msg("aud_scenario_unarchived", name=head.name)
                )
            row = tx.conn.execute(select(s).where(s.c.scenario_id == scenario_id)).one()
        return self._from_row(row)

    def export(self, path: str | os.PathLike, scenario_ids: list[str]) -> None:
        """Write the latest version of these scenarios to a scenario GeoPackage at ``path``."""
        write_scenario_file(path, [self.load(sid)[0] for sid in scenario_ids])

    def import_file(
        self,
        path: str | os.PathLike,
        *,
        actor: str,
        label: str,
        name_suffix: str = "",
        parcel_geometries: Mapping[str, shapely.Geometry] | None = None,
    ) -> list[ImportedScenario]:
        """Add every scenario of a scenario GeoPackage as a NEW scenario (see :meth:`import_scenarios`); the file is
        validated first (:func:`store.transfer.read_scenario_file`)."""
        found = read_scenario_file(path, label=label)
        return self.import_scenarios(
            found, actor=actor, label=label, name_suffix=name_suffix, parcel_geometries=parcel_geometries
        )

    def import_scenarios(
        self,
        found: list[Scenario],
        *,
        actor: str,
        label: str,
        name_suffix: str = "",
        parcel_geometries: Mapping[str, shapely.Geometry] | None = None,
    ) -> list[ImportedScenario]:
        """Add scenarios already read from a file (:func:`store.transfer.read_scenario_file`, in a worker) as NEW
        scenarios (new id, author ``actor``, version 1), all in one transaction or none; ``label`` names the file.
        Each copy is named ``name + name_suffix`` (e.g. "（导入 2026-12-07）"), numbered when that name is taken,
        so a copy is never mistaken for its original or for an earlier copy. ``parcel_geometries``: the parcel
        outlines the saved extents are built from (default: the app's data folder)."""
        if parcel_geometries is None:  # read before the lock is taken
            parcel_geometries = default_parcel_geometries()
        stamp = utc_now_iso()
        taken = {h.name for h in self.heads(include_archived=True)}
        prepared = []
        for source in found:
            name = distinct_name(f"{source.name}{name_suffix}", taken)
            taken.add(name)
            checked = self._checked(
                source, actor=actor, id=uuid.uuid4().hex[:12], name=name, created=stamp, updated=stamp
            )
            prepared.append((source, *checked))
        done = []
        with self._ws.write(msg("act_import")) as tx:
            for source, saved, geoms in prepared:
                now = utc_now_iso()
                self._insert_head(tx, saved, actor=actor, now=now)
                self._insert_version(
                    tx,
                    saved,
                    1,
                    kind="import",
                    changes=change_summary(None, saved),
                    base_version=None,
                    saved_at=now,
                    geoms=geoms,
                    parcel_geometries=parcel_geometries,
                )
                tx.audit(
                    actor,
                    "scenario.import",
                    "scenario",
                    saved.id,
                    msg("aud_scenario_imported", name=saved.name, file=label, source_id=source.id),
                )
                done.append(ImportedScenario(source.id, saved.id, saved.name))
        return done
