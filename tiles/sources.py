"""Local raster tile packages (MBTiles or a z/x/y folder): metadata, tiles by (z, x, y), mosaics for print maps.

One module for both users of a local basemap: the app's tile endpoint (``TileSource.tile``) and the
print maps (:func:`mosaic`, reprojected to EPSG:4549 under the vector layers). Nothing leaves the
machine. Only PNG and JPEG tiles are served.

Security: tile coordinates are integers checked against the zoom (:func:`parse_tile_key` turns request
strings into them); a folder is read only at ``{root}/{z}/{x}/{y}.{ext}`` built from those integers,
resolved, and refused unless it stays inside the root (a symlink pointing out is refused too). The
MBTiles file is opened read-only.
"""

from __future__ import annotations

import io
import json
import math
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import rasterio.warp
from PIL import Image
from rasterio.transform import Affine, from_bounds

from gis.crs import METRIC_CRS
from gis.errors import TileError
from gis.worker_guard import require_worker

#: Highest zoom accepted in a request.
MAX_ZOOM = 24
#: Largest tile read (bytes); larger ones are treated as missing.
MAX_TILE_BYTES = 4 * 1024 * 1024
#: Most tiles a print mosaic may read.
MAX_MOSAIC_TILES = 400
#: The GDAL drivers a basemap image is opened with (never a VRT, which reads other files, or a WMS description).
BASEMAP_RASTER_DRIVERS = "GTiff"
#: GDAL settings for a basemap image: no network file systems, no sidecar look-ups.
BASEMAP_GDAL = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none-allowed",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_HTTP_MAX_RETRY": "0",
}
#: Half the width of the Web Mercator world (m).
_HALF = 20037508.342789244
_DIGITS = re.compile(r"[0-9]{1,9}", flags=re.ASCII)
_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg"}
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


@dataclass(frozen=True)
class TileMetadata:
    """What a tile package says about itself.

    Attributes
    ----------
    format : {"png", "jpg"}
    bounds : (west, south, east, north) in lon/lat degrees, or None when the package does not say
    min_zoom, max_zoom : int
    attribution : str
        Plain text to credit on maps (HTML tags removed).
    name : str
    """

    format: str
    bounds: tuple[float, float, float, float] | None
    min_zoom: int
    max_zoom: int
    attribution: str
    name: str


def check_tile_key(z: object, x: object, y: object) -> tuple[int, int, int]:
    """(z, x, y) as plain ints, or :class:`TileError` unless 0 <= z <= MAX_ZOOM and 0 <= x, y < 2**z.

    Only ``int`` values are accepted (not bool, float or str): use :func:`parse_tile_key` for text.
    """
    if not all(type(v) is int for v in (z, x, y)):
        raise TileError("tile_bad_key", max_zoom=MAX_ZOOM)
    zi, xi, yi = int(z), int(x), int(y)  # type: ignore[call-overload]
    if not (0 <= zi <= MAX_ZOOM and 0 <= xi < (1 << zi) and 0 <= yi < (1 << zi)):
        raise TileError("tile_bad_key", max_zoom=MAX_ZOOM)
    return zi, xi, yi


def parse_tile_key(z: str, x: str, y: str) -> tuple[int, int, int]:
    """Tile coordinates from request text: ASCII digits only (no sign, space, dot or other digit forms).

    A trailing ``.png``/``.jpg`` on ``y`` is accepted and dropped. Raises :class:`TileError` otherwise.
    """
    if isinstance(y, str):
        stem, dot, ext = y.partition(".")
        if dot and ext.lower() in _FORMATS:
            y = stem
    values = []
    for v in (z, x, y):
        if not isinstance(v, str) or not _DIGITS.fullmatch(v):
            raise TileError("tile_bad_key", max_zoom=MAX_ZOOM)
        values.append(int(v))
    return check_tile_key(*values)


def media_type(data: bytes) -> str | None:
    """The media type of tile bytes by their signature (PNG or JPEG), None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return None


def _plain(text: object) -> str:
    return re.sub(r"<[^>]*>", "", str(text or "")).replace("&copy;", "©").replace("&amp;", "&").strip()[:300]


def _bounds(text: object) -> tuple[float, float, float, float] | None:
    try:
        w, s, e, n = (float(v) for v in str(text).split(","))
    except (TypeError, ValueError):
        return None
    if all(map(math.isfinite, (w, s, e, n))) and -180 <= w < e <= 180 and -90 <= s < n <= 90:
        return w, s, e, n
    return None


def _zoom(text: object, default: int) -> int:
    value = str(text).strip() if text is not None else ""
    return min(int(value), MAX_ZOOM) if _DIGITS.fullmatch(value) else default


class TileSource:
    """A local tile package opened read-only: an ``.mbtiles`` file or a folder of ``z/x/y.png|jpg``.

    Use :meth:`open`; thread-safe (one lock around the MBTiles connection). Close it, or use ``with``.
    """

    def __init__(
        self, path: Path, *, kind: str, metadata: TileMetadata, conn: sqlite3.Connection | None = None
    ) -> None:
        self.path = path
        self.kind = kind
        self.metadata = metadata
        self._conn = conn
        self._lock = threading.Lock()

    # --- opening -------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path) -> TileSource:
        """Open an MBTiles file or a tile folder.

        Raises
        ------
        TileError
            When the path does not exist, cannot be read, or holds tiles that are not PNG/JPEG.
        """
        p = Path(path).expanduser()
        if p.is_dir():
            return cls._open_folder(p.resolve())
        if p.is_file():
            return cls._open_mbtiles(p.resolve())
        raise TileError("tile_package_missing", path=str(path))

    @classmethod
    def _open_mbtiles(cls, path: Path) -> TileSource:
        try:
            conn = _connect_mbtiles(path)
            meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
            zooms = conn.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
            sample = conn.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise TileError("tile_package_unreadable", name=path.name, reason=str(exc).splitlines()[0][:120]) from exc
        declared = str(meta.get("format", "")).lower()
        fmt = _FORMATS.get(declared)
        if fmt is None and not declared and sample is not None:  # no format given: by the tiles' signature
            fmt = {"image/png": "png", "image/jpeg": "jpg"}.get(media_type(bytes(sample[0])) or "")
        if fmt is None:
            conn.close()
            raise TileError("tile_format_unsupported", name=path.name, format=str(meta.get("format", "?"))[:20])
        lo = zooms[0] if zooms and zooms[0] is not None else 0
        hi = zooms[1] if zooms and zooms[1] is not None else lo
        metadata = TileMetadata(
            format=fmt,
            bounds=_bounds(meta.get("bounds")),
            min_zoom=_zoom(meta.get("minzoom"), int(lo)),
            max_zoom=_zoom(meta.get("maxzoom"), int(hi)),
            attribution=_plain(meta.get("attribution")),
            name=_plain(meta.get("name")) or path.stem,
        )
        return cls(path, kind="mbtiles", metadata=metadata, conn=conn)

    @classmethod
    def _open_folder(cls, root: Path) -> TileSource:
        meta: dict = {}
        meta_file = root / "metadata.json"
        if meta_file.is_file() and meta_file.stat().st_size <= 64 * 1024:
            try:
                loaded = json.loads(meta_file.read_text(encoding="utf-8"))
                meta = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                meta = {}
        zooms = sorted(
            int(d.name) for d in root.iterdir() if d.is_dir() and _DIGITS.fullmatch(d.name) and int(d.name) <= MAX_ZOOM
        )
        if not zooms:
            raise TileError("tile_package_unreadable", name=root.name, reason="no z/x/y folders")
        fmt = _FORMATS.get(str(meta.get("format", "")).lower())
        x_dirs = [d for d in (root / str(zooms[0])).iterdir() if d.is_dir() and _DIGITS.fullmatch(d.name)]
        xs, ys = [int(d.name) for d in x_dirs], []
        for d in x_dirs:
            for f in d.iterdir():
                stem, _, ext = f.name.partition(".")
                if _DIGITS.fullmatch(stem) and ext.lower() in _FORMATS:
                    fmt = fmt or _FORMATS[ext.lower()]
                    ys.append(int(stem))
        if fmt is None:
            raise TileError("tile_format_unsupported", name=root.name, format="?")
        bounds = _bounds(meta.get("bounds"))
        if bounds is None and xs and ys:  # the tiles of the lowest zoom, as lon/lat
            w, n = _tile_lonlat(min(xs), min(ys), zooms[0])
            e, s = _tile_lonlat(max(xs) + 1, max(ys) + 1, zooms[0])
            bounds = (w, s, e, n)
        metadata = TileMetadata(
            format=fmt,
            bounds=bounds,
            min_zoom=_zoom(meta.get("minzoom"), zooms[0]),
            max_zoom=_zoom(meta.get("maxzoom"), zooms[-1]),
            attribution=_plain(meta.get("attribution")),
            name=_plain(meta.get("name")) or root.name,
        )
        return cls(root, kind="folder", metadata=metadata)

    # --- tiles ---------------------------------------------------------------------------------------
    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The bytes of tile (z, x, y) in the XYZ scheme (y = 0 at the top), or None when absent.

        Raises :class:`TileError` for coordinates that are not valid integers for the zoom.
        """
        z, x, y = check_tile_key(z, x, y)
        data = self._mbtiles_tile(z, x, y) if self.kind == "mbtiles" else self._folder_tile(z, x, y)
        if data is None or len(data) > MAX_TILE_BYTES or media_type(data) is None:
            return None
        return data

    def _mbtiles_tile(self, z: int, x: int, y: int) -> bytes | None:
        tms_row = (1 << z) - 1 - y  # MBTiles rows count from the bottom (TMS)
        assert self._conn is not None
        with self._lock:
            row = self._conn.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?", (z, x, tms_row)
            ).fetchone()
        return bytes(row[0]) if row is not None and row[0] is not None else None

    def _folder_tile(self, z: int, x: int, y: int) -> bytes | None:
        exts = ("png",) if self.metadata.format == "png" else ("jpg", "jpeg")
        for ext in exts:
            candidate = self.path / f"{z}/{x}/{y}.{ext}"  # built from checked ints only
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not real.is_relative_to(self.path) or not real.is_file():
                return None  # a link leaving the package
            if real.stat().st_size > MAX_TILE_BYTES:
                return None
            return real.read_bytes()
        return None

    def close(self) -> None:
        if self._conn is not None:
            with self._lock:
                self._conn.close()
            self._conn = None

    def __enter__(self) -> TileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_mbtiles(path: Path) -> sqlite3.Connection:
    """An MBTiles file opened read-only and immutable (SQLite never writes, locks or looks for a journal)."""
    conn = sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024)  # per connection: a tile is never near this
    return conn


# --- a GeoTIFF (orthophoto, base image) as tiles ---------------------------------------------------------
class GeoTiffTiles:
    """A GeoTIFF (any CRS, e.g. an orthophoto in CGCS2000 GK) as Web Mercator PNG tiles, cut on demand.

    Same interface as :class:`TileSource` (``metadata``, ``tile``, ``close``), so the app's basemap route and
    the print mosaics use it the same way. Each tile is read through a warped view of the file (rasterio),
    resampled bilinearly; nodata and areas outside the image are transparent.
    """

    TILE_PX = 256

    def __init__(self, path: Path, *, metadata: TileMetadata) -> None:
        self.path = path
        self.kind = "geotiff"
        self.metadata = metadata
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> GeoTiffTiles:
        """Open a GeoTIFF with a coordinate system. Raises :class:`TileError` when it cannot be used."""
        import rasterio

        p = Path(path).expanduser()
        if not p.is_file():
            raise TileError("tile_package_missing", path=str(path))
        try:
            with rasterio.Env(**BASEMAP_GDAL), rasterio.open(p, driver=BASEMAP_RASTER_DRIVERS) as ds:
                if ds.crs is None:
                    raise TileError("tile_package_unreadable", name=p.name, reason="no coordinate system")
                w, s, e, n = rasterio.warp.transform_bounds(ds.crs, "EPSG:4326", *ds.bounds, densify_pts=21)
                res_m = abs(ds.transform.a) * (1.0 if ds.crs.is_projected else 111_320.0)
                # the zoom whose pixels match the image's own (Web Mercator m/px at Shanghai's latitude)
                native = int(np.clip(round(math.log2(156543.03 * math.cos(math.radians((s + n) / 2)) / res_m)), 0, 22))
                bands = ds.count
        except rasterio.errors.RasterioError as exc:
            raise TileError("tile_package_unreadable", name=p.name, reason=type(exc).__name__) from exc
        if bands not in (1, 3, 4):
            raise TileError("tile_package_unreadable", name=p.name, reason=f"{bands} bands")
        meta = TileMetadata(
            format="png", bounds=(w, s, e, n), min_zoom=max(native - 6, 0), max_zoom=native, attribution="", name=p.stem
        )
        return cls(p.resolve(), metadata=meta)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """A 256-pixel PNG of tile (z, x, y), or None when the image does not reach it."""
        import io

        import rasterio
        from PIL import Image
        from rasterio.enums import Resampling
        from rasterio.vrt import WarpedVRT
        from rasterio.windows import from_bounds

        z, x, y = check_tile_key(z, x, y)
        if self.metadata.bounds is not None:
            w, s, e, n = self.metadata.bounds
            (tw, tn), (te, ts) = _tile_lonlat(x, y, z), _tile_lonlat(x + 1, y + 1, z)
            if te < w or tw > e or tn < s or ts > n:
                return None
        size = 2 * _HALF / (1 << z)
        left, top = -_HALF + x * size, _HALF - y * size
        px = self.TILE_PX
        with (
            self._lock,
            rasterio.Env(**BASEMAP_GDAL),
            rasterio.open(self.path, driver=BASEMAP_RASTER_DRIVERS) as src,
            WarpedVRT(src, crs="EPSG:3857", resampling=Resampling.bilinear) as vrt,
        ):
            vl, vb, vr, vt = vrt.bounds
            il, ib, ir, it = max(left, vl), max(top - size, vb), min(left + size, vr), min(top, vt)
            if il >= ir or ib >= it:
                return None
            # the part of the tile the image covers, in tile pixels (at least one)
            c0, r0 = round((il - left) / size * px), round((top - it) / size * px)
            c1, r1 = max(round((ir - left) / size * px), c0 + 1), max(round((top - ib) / size * px), r0 + 1)
            part = vrt.read(
                window=from_bounds(il, ib, ir, it, transform=vrt.transform),
                out_shape=(vrt.count, r1 - r0, c1 - c0),
                masked=True,
                resampling=Resampling.bilinear,
            )
        mask = np.ones((px, px), dtype=bool)
        mask[r0:r1, c0:c1] = np.ma.getmaskarray(part).any(axis=0)
        if mask.all():
            return None
        bands = np.zeros((part.shape[0], px, px), dtype=part.dtype)
        bands[:, r0:r1, c0:c1] = np.ma.filled(part, 0)
        if bands.dtype != np.uint8:  # stretch other types to 0-255 over this tile's valid pixels
            valid = bands[:, ~mask]
            lo, hi = (float(valid.min()), float(valid.max())) if valid.size else (0.0, 1.0)
            bands = np.clip((bands - lo) / max(hi - lo, 1e-9) * 255, 0, 255).astype(np.uint8)
        rgb = np.repeat(bands[:1], 3, axis=0) if bands.shape[0] == 1 else bands[:3]
        alpha = np.where(mask, 0, bands[3] if bands.shape[0] == 4 else 255).astype(np.uint8)[None]
        buf = io.BytesIO()
        Image.fromarray(np.moveaxis(np.concatenate([rgb, alpha]), 0, -1), mode="RGBA").save(buf, format="PNG")
        return buf.getvalue()

    def close(self) -> None:
        """Nothing stays open between tiles."""

    def __enter__(self) -> GeoTiffTiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_basemap(path: str | Path, *, checked: PackageInfo | None = None) -> TileSource | GeoTiffTiles:
    """A local basemap: an MBTiles file, a z/x/y folder, or a GeoTIFF (``.tif``/``.tiff``).

    ``checked`` is what :func:`probe_package` found in a worker: the package is then not read again here, only
    connected to (an MBTiles file read-only and immutable) for its tiles.
    """
    if checked is not None:
        p = Path(checked.path)
        if checked.kind == "geotiff":
            return GeoTiffTiles(p, metadata=checked.metadata)
        if checked.kind == "mbtiles":
            try:
                conn = _connect_mbtiles(p)
            except sqlite3.Error as exc:
                raise TileError("tile_package_unreadable", name=p.name, reason=str(exc).splitlines()[0][:120]) from exc
            return TileSource(p, kind="mbtiles", metadata=checked.metadata, conn=conn)
        return TileSource(p, kind="folder", metadata=checked.metadata)
    if str(path).lower().endswith((".tif", ".tiff")):
        return GeoTiffTiles.open(path)
    return TileSource.open(path)


@dataclass(frozen=True)
class PackageInfo:
    """What :func:`probe_package` found: the resolved path, ``kind`` (mbtiles, folder, geotiff) and the metadata."""

    path: str
    kind: str
    metadata: TileMetadata


def probe_package(path: str | Path) -> PackageInfo:
    """Open a basemap package once and read what it says about itself (call it in a reading worker).

    Raises
    ------
    TileError
        Missing, unreadable, not PNG/JPEG tiles, or a GeoTIFF GDAL does not open with the GTiff driver.
    """
    require_worker("basemap")
    source = open_basemap(path)
    try:
        return PackageInfo(path=str(source.path), kind=source.kind, metadata=source.metadata)
    finally:
        source.close()


# --- print mosaics ---------------------------------------------------------------------------------------
def _tile_lonlat(x: float, y: float, z: int) -> tuple[float, float]:
    """Lon/lat of the top-left corner of XYZ tile (x, y) at zoom z."""
    n = 1 << z
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lon, lat


def _lonlat_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    lat = max(min(lat, 85.0511), -85.0511)
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


@dataclass(frozen=True)
class Mosaic:
    """Tiles reprojected to a map's grid: ``rgba`` (height x width x 4, uint8) covering ``extent_m``
    (x0, y0, x1, y1 in ``crs``), from zoom ``zoom``; credit ``attribution`` on the map."""

    rgba: np.ndarray
    extent_m: tuple[float, float, float, float]
    crs: str
    zoom: int
    attribution: str


def auto_zoom(
    source: TileSource, *, extent_m: tuple[float, float, float, float], width_px: int, crs: str = METRIC_CRS
) -> int:
    """The zoom whose tile pixels are closest to (not coarser than needed for) ``width_px`` across the
    extent, within the package's zoom range."""
    x0, y0, x1, y1 = extent_m
    lon0, lat0, lon1, lat1 = rasterio.warp.transform_bounds(crs, "EPSG:4326", x0, y0, x1, y1, densify_pts=21)
    metres_per_px = (x1 - x0) / max(width_px, 1)
    lat = math.radians((lat0 + lat1) / 2)
    # ground metres per pixel of a 256-px tile at zoom z: 2πR cos(lat) / (256 · 2^z)
    z = math.log2(2 * _HALF * math.cos(lat) / (256 * metres_per_px))
    return int(min(max(math.ceil(z - 0.25), source.metadata.min_zoom), source.metadata.max_zoom))


def mosaic(
    source: TileSource,
    *,
    extent_m: tuple[float, float, float, float],
    width_px: int,
    height_px: int,
    zoom: int | None = None,
    crs: str = METRIC_CRS,
    max_tiles: int = MAX_MOSAIC_TILES,
) -> Mosaic | None:
    """The package's tiles covering ``extent_m`` (in ``crs``, default EPSG:4549), reprojected to a
    ``width_px`` x ``height_px`` grid over that extent (bilinear), for drawing under print-map layers.

    Parameters
    ----------
    zoom : int, optional
        Tile zoom; default :func:`auto_zoom`. An automatic zoom is lowered until at most ``max_tiles``
        tiles are needed; a chosen one that needs more raises :class:`TileError`.

    Returns
    -------
    Mosaic or None
        None when the package has no tile over the extent.
    """
    if width_px < 1 or height_px < 1:
        raise TileError("tile_bad_size", width=width_px, height=height_px)
    x0, y0, x1, y1 = extent_m
    lon0, lat0, lon1, lat1 = rasterio.warp.transform_bounds(crs, "EPSG:4326", x0, y0, x1, y1, densify_pts=21)
    if zoom is None:
        z = auto_zoom(source, extent_m=extent_m, width_px=width_px, crs=crs)
    else:
        z = check_tile_key(zoom, 0, 0)[0]
    while True:
        tx0, ty0 = _lonlat_tile(lon0, lat1, z)
        tx1, ty1 = _lonlat_tile(lon1, lat0, z)
        count = (tx1 - tx0 + 1) * (ty1 - ty0 + 1)
        if count <= max_tiles:
            break
        if zoom is not None or z <= source.metadata.min_zoom:
            raise TileError("tile_too_many", count=count, limit=max_tiles)
        z -= 1
    tiles = {}
    size = 0
    for tx in range(tx0, tx1 + 1):
        for ty in range(ty0, ty1 + 1):
            data = source.tile(z, tx, ty)
            if data is None:
                continue
            try:
                img = Image.open(io.BytesIO(data)).convert("RGBA")
            except (OSError, ValueError):
                continue  # a damaged tile stays empty
            size = size or img.size[0]
            if img.size != (size, size):
                img = img.resize((size, size))
            tiles[(tx, ty)] = np.asarray(img)
    if not tiles:
        return None
    src = np.zeros(((ty1 - ty0 + 1) * size, (tx1 - tx0 + 1) * size, 4), dtype=np.uint8)
    for (tx, ty), arr in tiles.items():
        src[(ty - ty0) * size : (ty - ty0 + 1) * size, (tx - tx0) * size : (tx - tx0 + 1) * size] = arr
    res = 2 * _HALF / (1 << z) / size
    src_transform = Affine(res, 0.0, -_HALF + tx0 * size * res, 0.0, -res, _HALF - ty0 * size * res)
    dst = np.zeros((4, height_px, width_px), dtype=np.uint8)
    dst_transform = from_bounds(x0, y0, x1, y1, width_px, height_px)
    rasterio.warp.reproject(
        np.moveaxis(src, 2, 0),
        dst,
        src_transform=src_transform,
        src_crs="EPSG:3857",
        dst_transform=dst_transform,
        dst_crs=pyproj.CRS(crs).to_wkt(),
        resampling=rasterio.warp.Resampling.bilinear,
        src_nodata=None,
        dst_nodata=None,
    )
    return Mosaic(
        rgba=np.moveaxis(dst, 0, 2),
        extent_m=(x0, y0, x1, y1),
        crs=str(crs),
        zoom=z,
        attribution=source.metadata.attribution,
    )
