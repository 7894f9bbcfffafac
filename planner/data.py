"""The data a session works on: the folder's layers (plus imported ones), with a content version for caches and URLs."""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import shapely

from gis.datasets import LAYER_FILES, ParkData, load_park_data
from gis.settings import SETTINGS

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class DataSet:
    """One consistent set of layers (EPSG:4326) and its version.

    ``version`` changes whenever any layer's content changes, so every cache key and every map URL that
    contains it is safe to keep forever. ``imported`` lists the layers replaced for this session.
    """

    version: str
    park: ParkData
    imported: tuple[str, ...] = field(default=())
    #: Results derived from this data set alone (its parcels measured, say), kept as long as it lives.
    derived: dict = field(default_factory=dict, repr=False)

    def layer(self, layer_id: str) -> gpd.GeoDataFrame:
        return self.park.layer(layer_id)

    def keep(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once for this data set (thread-safe enough: a race computes twice, keeps one)."""
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]


_lock = threading.Lock()
#: Folder data sets, one per (folder, file signature): kept for the life of the process.
_folders: dict[tuple[str, tuple], DataSet] = {}
#: Every data set some session holds, by version (weak: a data set goes when its last session drops it).
_live: weakref.WeakValueDictionary[str, DataSet] = weakref.WeakValueDictionary()


def data_dir() -> Path:
    """The data folder: PUTUO_DATA_DIR when set (official data), else the bundled demonstration data."""
    return Path(os.environ.get("PUTUO_DATA_DIR") or SETTINGS.data_dir)


def _signature(root: Path) -> tuple:
    sig = []
    for rel, _, _ in LAYER_FILES.values():
        try:
            st = (root / rel).stat()
            sig.append((rel, st.st_size, st.st_mtime_ns))
        except OSError:
            sig.append((rel, -1, -1))
    return tuple(sig)


def layers_digest(layers: Mapping[str, gpd.GeoDataFrame]) -> str:
    """A short content hash of some layers (attributes and exact geometry), order-independent by layer id."""
    h = hashlib.sha1()
    for lid in sorted(layers):
        gdf = layers[lid]
        h.update(lid.encode())
        h.update(gdf.drop(columns=gdf.geometry.name).to_json(force_ascii=False).encode())
        h.update(b"".join(shapely.to_wkb(gdf.geometry.to_numpy())))
    return h.hexdigest()[:16]


def folder_dataset(root: Path | None = None) -> DataSet:
    """The layers of a data folder (default :func:`data_dir`), loaded once per content signature.

    Raises
    ------
    DataValidationError
        When the folder does not meet the schema (every problem listed).
    """
    root = Path(root or data_dir()).resolve()
    key = (str(root), _signature(root))
    with _lock:
        found = _folders.get(key)
    if found is not None:
        return found
    park = load_park_data(root)
    layers = {lid: getattr(park, lid) for lid in LAYER_FILES}
    ds = DataSet(version="d" + layers_digest(layers), park=park)
    with _lock:
        _folders[key] = ds
    register(ds)
    return ds


def with_layers(base: DataSet, layers: Mapping[str, gpd.GeoDataFrame]) -> DataSet:
    """``base`` with some layers replaced (imported or published layers, EPSG:4326)."""
    if not layers:
        return base
    merged = {lid: getattr(base.park, lid) for lid in LAYER_FILES}
    merged.update(layers)
    ds = DataSet(
        version="d" + layers_digest(merged),
        park=ParkData(**merged),
        imported=tuple(sorted(set(base.imported) | set(layers))),
    )
    register(ds)
    return ds


#: The folder's data with the workspace's published layers, by (folder version, publication etag).
_published: dict[tuple[str, str], DataSet] = {}


def published_dataset(base: DataSet, load: Callable[[], Mapping[str, gpd.GeoDataFrame]], *, etag: str) -> DataSet:
    """``base`` with the workspace's published layers (``load()`` reads them), read once per publication."""
    key = (base.version, etag)
    with _lock:
        found = _published.get(key)
    if found is None:
        found = with_layers(base, load())
        with _lock:
            _published.clear()  # one publication state at a time: older ones are no longer current
            _published[key] = found
    return found


def register(ds: DataSet) -> None:
    """Make a data set findable by version (for the map's HTTP routes) while a session holds it.

    Data sets of the same content share a version: the one registered first stays registered, and each later
    one keeps it alive, so the version is findable as long as any of them lives.
    """
    with _lock:
        live = _live.get(ds.version)
        if live is None:
            _live[ds.version] = ds
        elif live is not ds:
            ds.derived.setdefault("_registered_twin", live)


def lookup(version: str) -> DataSet | None:
    """The data set of this version, if a session still holds it."""
    with _lock:
        return _live.get(version)


def live_versions() -> list[str]:
    with _lock:
        return list(_live.keys())
