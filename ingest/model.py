"""What the importer works with: the limits of one upload, a layer laid out for GDAL, what a read returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np

from gis.settings import SETTINGS
from ingest.archives import MB, ZipLimits
from text.messages import Message

Expect = Literal["polygon", "point", "line", "any"]


@dataclass(frozen=True)
class Limits:
    """What one upload may make the reader do (defaults: ``SETTINGS``)."""

    max_mb: float = SETTINGS.max_upload_mb
    max_unzipped_mb: float = SETTINGS.max_unzipped_mb
    max_features: int = SETTINGS.max_import_features
    max_members: int = SETTINGS.max_zip_members
    max_ratio: float = SETTINGS.max_zip_ratio
    max_xlsx_ratio: float = SETTINGS.max_xlsx_ratio
    max_rows: int = SETTINGS.max_table_rows
    max_cells: int = SETTINGS.max_table_cells
    max_columns: int = SETTINGS.max_table_columns

    def zip_limits(self, *, ratio: float | None = None) -> ZipLimits:
        return ZipLimits(
            max_members=self.max_members,
            max_total_bytes=int(self.max_unzipped_mb * MB),
            max_ratio=self.max_ratio if ratio is None else ratio,
        )


#: The limits of ``SETTINGS``: what every reader allows unless told otherwise.
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ImportResult:
    """A layer read from a file, in EPSG:4326, with what was detected and every repair made.

    ``crs_how`` is ``"file"`` (declared by the file), ``"guessed"`` (from the coordinates: the user must
    confirm it, see :attr:`needs_confirmation`) or ``"chosen"`` (given by the user). ``layer`` and
    ``layers`` are the names the user knows (file name, shapefile name, GeoPackage layer), never an
    internal name. ``notes`` says what was repaired or assumed.
    """

    gdf: gpd.GeoDataFrame
    source_crs: str
    crs_how: str
    encoding: str
    layer: str
    layers: list[str]
    notes: list[Message] = field(default_factory=list)
    crs_candidates: list[tuple[str, Message]] = field(default_factory=list)
    #: Planar area (m²) of each feature of ``gdf`` in the measuring CRS (EPSG:4549), when the file was already
    #: in it: measured on the file's own coordinates before they were reprojected, so
    #: :func:`~ingest.mapping.apply_mapping` need not reproject the layer back (a million parcels: 3 s). None
    #: otherwise. A copy of the result with another ``gdf`` must leave it out.
    metric_area_m2: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def geometry_types(self) -> dict[str, int]:
        """Geometry type -> number of features (plain ints)."""
        return {str(k): int(v) for k, v in self.gdf.geometry.geom_type.value_counts().items()}

    @property
    def needs_confirmation(self) -> bool:
        """True when the CRS was guessed, or a foreign datum's only transformation here is approximate or meant for
        another area (a note says which): ask the user before using the layer."""
        from ingest.datum_ops import CONFIRM_CODES

        return self.crs_how == "guessed" or any(getattr(n, "code", "") in CONFIRM_CODES for n in self.notes)

    @property
    def columns(self) -> list[str]:
        """The attribute columns (geometry left out)."""
        return [str(c) for c in self.gdf.columns if c != self.gdf.geometry.name]


@dataclass(frozen=True)
class TableInfo:
    """The header of a CSV/XLSX table, for the page's column pickers (see :func:`~ingest.tables.inspect_table`).

    Attributes
    ----------
    columns : tuple of str
        Column names as text (a numeric or empty header becomes text, e.g. ``2024`` or ``column_3``).
    encoding : str
        ``UTF-8``, ``GB18030`` (GBK), ``UTF-16`` or ``xlsx``.
    x_guess, y_guess : str or None
        The columns recognised as lon/x and lat/y (经度/纬度, 东经/北纬, x/y …).
    wkt_column : str or None
        A column of WKT geometries, when there is one.
    sample_rows : int
        Rows read to build this (at most 20).
    """

    columns: tuple[str, ...]
    encoding: str
    x_guess: str | None
    y_guess: str | None
    wkt_column: str | None
    sample_rows: int


@dataclass
class _Layer:
    """One layer as GDAL will read it: a file the importer wrote, and what it knows about it."""

    display: str
    path: Path
    fmt: str
    gdal_layer: str | None = None
    encoding: str | None = None
    encoding_label: str | None = None  # the encoding as the file names it, when that is what was used
    declared_crs: str | None = None
    assumed_crs: bool = False  # the format's default CRS (GeoJSON: WGS84), not a declaration
    rename: dict[str, str] = field(default_factory=dict)
    notes: list[Message] = field(default_factory=list)


@dataclass
class _Prepared:
    layers: list[_Layer] = field(default_factory=list)
    table: tuple[str, bytes] | None = None  # (format, bytes) of a CSV/XLSX
    encoding: str = "UTF-8"
