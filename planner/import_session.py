"""An import session: the uploaded file kept, read in a worker, checked against the roads, mapped and combined.

The page keeps one :class:`Upload` (the bytes, until the user replaces or removes it, so no rerun loses it),
asks :func:`preview` for what the file holds (cached by file and options) and :func:`plan` for exactly what
applying it would add, remove and change — before anything is applied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

import geopandas as gpd

from gis.crs import Datum, shift_geometries
from gis.datasets import ParkData
from gis.datum_check import DatumFit, datum_fit, evidence
from gis.validate import invariant_problems
from ingest.combine import Combined, combine_layers
from ingest.crs_guess import normalise_crs_choice
from ingest.mapping import TARGET_FIELDS, apply_mapping, file_signature, guess_mapping, missing_fields
from ingest.model import ImportResult, TableInfo
from ingest.readers import read_upload_isolated
from ingest.tables import inspect_table_isolated
from ingest.wording import display_name
from layers.registry import Category, LayerSpec, get_spec
from layers.webmap import MapJson, MapSpec, bounds_of, layer_document, layer_ref, legend_entries, map_spec
from planner import tiles
from planner.data import DataSet
from planner.maps import context_legend, context_refs, data_credits, park_refs
from text.messages import CATALOGUE, Message, msg, t
from tiles.cache import BoundedCache

#: What each target layer accepts.
KINDS = {"subparks": "polygon", "parcels": "polygon", "buildings": "any"}
#: The coordinate systems offered (besides a typed one); "auto" reads the file's own or guesses.
CRS_CHOICES = (
    "auto",
    "EPSG:4326",
    "EPSG:4490",
    "GCJ-02",
    "BD-09",
    "EPSG:4549",
    "EPSG:4550",
    "EPSG:4528",
    "EPSG:4529",
    "EPSG:4499",
    "SWAP",
    "custom",
)
CACHE = BoundedCache(256 * 1024 * 1024)

#: How the preview map draws the layer as declared and as the two shifted readings.
READINGS = LayerSpec(
    "import_readings",
    "imp_layer_readings",
    "polygon",
    {"color": "#2b6cb0", "weight": 2, "fillOpacity": 0.25},
    tooltip=(("name", "f_name"),),
    popup=(),
    category_field="reading",
    categories=(
        Category("declared", "imp_reading_declared", {"color": "#2b6cb0", "fillColor": "#63b3ed"}),
        Category(
            "gcj02",
            "imp_reading_gcj02",
            {"color": "#dd6b20", "fillColor": "#f6ad55", "dashArray": "5 4", "fillOpacity": 0.15},
        ),
        Category(
            "bd09",
            "imp_reading_bd09",
            {"color": "#38a169", "fillColor": "#68d391", "dashArray": "2 4", "fillOpacity": 0.15},
        ),
    ),
)


@dataclass(frozen=True)
class Upload:
    """A file the user uploaded: its name (shown, never used as a path), bytes and content digest."""

    name: str
    data: bytes
    digest: str

    @classmethod
    def of(cls, name: str, data: bytes) -> Upload:
        # the digest covers the name: results cached by it never show one user's file name to another
        shown = display_name(name)
        digest = hashlib.sha1(shown.encode("utf-8") + b"\0" + bytes(data)).hexdigest()[:16]
        return cls(name=shown, data=bytes(data), digest=digest)

    @property
    def is_table(self) -> bool:
        return self.name.lower().endswith((".csv", ".xlsx"))


@dataclass(frozen=True, eq=False)
class Preview:
    """What a file holds, read as asked: the layer (EPSG:4326), what was detected, the datum check."""

    result: ImportResult
    datum: DatumFit | None
    crs_choice: str | None
    digest: str


def table_info(upload: Upload) -> TableInfo:
    """The columns of a CSV/XLSX (read in a worker; cached by content)."""
    return CACHE.get(("table", upload.digest), lambda: inspect_table_isolated(upload.name, upload.data))


def crs_choice(choice: str, custom: str, *, file: str) -> str | None:
    """The coordinate system to read with: None (the file's own, or a guess), a listed one, or a typed EPSG
    code / WKT / PROJ string (checked: nothing that reads a file on the server). Raises CRSUnknownError."""
    if choice == "auto":
        return None
    if choice == "custom":
        return normalise_crs_choice(custom, file=file) if custom.strip() else None
    return choice


def preview(
    ds: DataSet,
    upload: Upload,
    *,
    kind: str,
    crs: str | None,
    layer: str | None = None,
    xy: tuple[str, str] | None = None,
) -> Preview:
    """Read the upload in a worker (limits on memory, CPU and time) as a ``kind`` layer, and check a lon/lat
    layer against the OpenStreetMap roads and stations: is it really WGS84, or GCJ-02/BD-09?"""
    key = ("preview", upload.digest, kind, crs, layer, xy, ds.version)

    def build() -> Preview:
        result = read_upload_isolated(upload.name, upload.data, layer=layer, crs=crs, xy=xy, expect=KINDS[kind])
        if result.crs_how == "guessed":
            return Preview(result=settle_guess(result, park=ds.park), datum=None, crs_choice=crs, digest=upload.digest)
        check = None
        lonlat = crs is None and result.crs_how == "file" and result.source_crs in ("EPSG:4326", "EPSG:4490")
        if (lonlat or crs in ("EPSG:4326", "EPSG:4490")) and len(ds.park.roads):
            check = datum_fit(result.gdf, roads=ds.park.roads, stations=ds.park.stations)
        return Preview(result=result, datum=check, crs_choice=crs, digest=upload.digest)

    return CACHE.get(key, build)


#: A guess from lon/lat in Shanghai: the readings the datum check compares, as the importer names them.
GUESS_READINGS = {"wgs84": "EPSG:4326", "gcj02": "GCJ-02", "bd09": "BD-09"}


def settle_guess(result: ImportResult, *, park: ParkData) -> ImportResult:
    """A guessed lon/lat coordinate system settled by evidence: the layer read as WGS84, GCJ-02 and BD-09 is
    compared with the metro stations (by name) and the roads of ``park``; the reading that fits clearly best is
    the guess (the layer shifted to WGS84 from it) and every reading's fit is the reason given
    ("按 BD-09 与 35 个同名地铁站相差 3 米；按 WGS84 相差 1.2 公里…"). Other guesses are returned unchanged.

    The user still confirms the guess; the result is what applying it imports.
    """
    if result.crs_how != "guessed" or result.source_crs not in ("EPSG:4326", "EPSG:4490") or not len(park.roads):
        return result
    fit = datum_fit(result.gdf, roads=park.roads, stations=park.stations)
    why = evidence(fit)
    reading = fit.recommendation if fit.shifted else "wgs84"
    code = GUESS_READINGS[reading] if fit.shifted else result.source_crs
    notes = [n for n in result.notes if n.code != "imp_note_crs_guessed"]
    if why is None:
        notes.append(msg("imp_note_crs_guessed", crs=code, why=result.crs_candidates[0][1]))
        notes += [fit.note] if fit.note is not None else []
        return replace(result, notes=notes)
    notes.append(msg("imp_note_crs_guessed_evidence", crs=msg(f"datum_short_{reading}"), why=why))
    candidates = [(code, why), *[(c, w) for c, w in result.crs_candidates if c != code]]
    return replace(result, gdf=fit.corrected(result.gdf), source_crs=code, notes=notes, crs_candidates=candidates)


def mapping_defaults(columns: list[str], kind: str, remembered: Mapping[str, str] | None) -> dict[str, str | None]:
    """The field mapping to start from: what was remembered for this kind of file, else a guess."""
    guessed = guess_mapping(columns, kind)
    return {f: (remembered or {}).get(f, guessed.get(f)) for f in TARGET_FIELDS[kind]}


def signature(columns: list[str], kind: str) -> str:
    """The key a mapping is remembered under (this kind of file, for this layer)."""
    return file_signature(columns, kind)


@dataclass(frozen=True, eq=False)
class Plan:
    """Exactly what applying the import does, before it is applied."""

    mapped: gpd.GeoDataFrame
    combined: Combined
    problems: tuple[Message, ...]


def plan(ds: DataSet, upload: Upload, pv: Preview, *, kind: str, mapping: Mapping[str, str | None], mode: str) -> Plan:
    """Map the fields, combine with the current layer (``replace``, ``append`` or ``merge`` by id) and check
    the park's invariants when sub-parks change. Raises SchemaError when a required field is not mapped."""
    # the preview itself (compared by identity), not id(pv): the key holds it, so its id is never another's
    key = ("plan", upload.digest, kind, tuple(sorted(mapping.items(), key=lambda kv: kv[0])), mode, pv, ds.version)

    def build() -> Plan:
        current = ds.layer(kind)
        mapped = apply_mapping(
            pv.result,
            dict(mapping),
            layer_kind=kind,
            source_note=f"imported from {display_name(upload.name)}",
            taken_ids=() if mode == "replace" else set(current["id"].astype(str)),
        )
        combined = combine_layers(current, mapped, mode=mode)  # type: ignore[arg-type]
        problems: tuple[Message, ...] = ()
        if kind == "subparks":
            candidate = ParkData(**{**ds.park.__dict__, kind: combined.layer})
            problems = tuple(invariant_problems(candidate))
        return Plan(mapped=mapped, combined=combined, problems=problems)

    return CACHE.get(key, build)


_NAME_HINTS = ("name_zh", "name", "名称", "地块名称", "mc", "dkmc", "title")


def label_column(layer: gpd.GeoDataFrame) -> str | None:
    """The column to label an imported layer's features with: a text column with some text, one whose name
    says it is a name first (``name``, ``名称`` …); None if the layer has no text."""
    skip = {"id", layer.geometry.name}
    texts = [
        c
        for c in layer.columns
        if c not in skip
        and (gpd.pd.api.types.is_string_dtype(layer[c]) or gpd.pd.api.types.is_object_dtype(layer[c]))
        and layer[c].astype("string").str.strip().fillna("").ne("").any()
    ]
    named = [c for c in texts if str(c).lower() in _NAME_HINTS or "name" in str(c).lower() or "名" in str(c)]
    return (named or texts or [None])[0]


def preview_map(ds: DataSet, pv: Preview, *, kind: str, lang: str) -> MapJson:
    """The preview map: roads, stations and the park under the imported layer (a large one as vector tiles);
    for lon/lat data also the layer as it would lie if it were GCJ-02 or BD-09, to compare with the roads."""
    gdf = pv.result.gdf.reset_index(drop=True)
    layer = gdf.assign(id=[f"#{i + 1}" for i in range(len(gdf))])
    names = label_column(layer)
    if names is not None:  # the feature's own name where it has one, its number otherwise
        text = layer[names].astype("string").str.strip()
        layer = layer.assign(name_zh=text.where(text.fillna("") != "", layer["id"]).astype(str))
    else:
        layer = layer.assign(name_zh=layer["id"])
    layer = layer.assign(name_en=layer["name_zh"])
    refs = context_refs(ds, lang=lang) + park_refs(
        ds, ("district", "subparks", "stations"), lang=lang, labels=("subparks", "stations")
    )
    spec = get_spec("parcels" if KINDS[kind] == "polygon" else "buildings")
    legend = context_legend(ds, lang=lang) + legend_entries([get_spec("district"), get_spec("subparks")], lang=lang)
    if tiles.is_large(layer):
        version = "p" + pv.digest  # released with the upload's session
        eng = tiles.engine(version, "preview", layer)
        refs.append(tiles.tiled_ref(version, "preview", eng, spec, name=t("imp_preview_layer", lang), datum="wgs84"))
        legend += legend_entries([spec], lang=lang)
    elif pv.datum is not None and layer.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        readings = [layer.assign(reading="declared")]
        for datum in ("gcj02", "bd09"):
            readings.append(shift_geometries(layer, source=datum, target="wgs84").assign(reading=datum))
        both = gpd.GeoDataFrame(gpd.pd.concat(readings, ignore_index=True), geometry="geometry", crs="EPSG:4326")
        both["id"] = [f"{r}:{i}" for r, i in zip(both["reading"], both["id"])]
        refs.append(
            layer_ref(
                "import_preview", name=t("imp_preview_layer", lang), doc=layer_document(READINGS, both, lang=lang)
            )
        )
        legend += legend_entries([READINGS], lang=lang)
    else:
        refs.append(
            layer_ref("import_preview", name=t("imp_preview_layer", lang), doc=layer_document(spec, layer, lang=lang))
        )
        if pv.datum is not None:  # points or lines: the shifted readings as their own layers
            shifts: tuple[Datum, ...] = ("gcj02", "bd09")
            for datum in shifts:
                shifted = shift_geometries(layer, source=datum, target="wgs84")
                refs.append(
                    layer_ref(
                        f"import_{datum}",
                        name=t(f"imp_reading_{datum}", lang),
                        show=False,
                        doc=layer_document(spec, shifted, lang=lang),
                    )
                )
        legend += legend_entries([spec], lang=lang)
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap={"tiles": [], "datum": "wgs84"},
            fit=bounds_of(layer),
            legend_title=t("legend", lang),
            legend=legend,
            height=460,
            map_key="import",
        )
    )


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may be and cost: its size (MB), the reader's memory (MB) and CPU time (s)."""

    upload_mb: float
    memory_mb: float
    cpu_s: float


def upload_limits() -> UploadLimits:
    """The limits of an upload and of reading it (gis.settings), as the import page states them."""
    from gis.settings import SETTINGS

    return UploadLimits(SETTINGS.max_upload_mb, SETTINGS.parse_memory_mb, SETTINGS.parse_cpu_s)


def unmapped(kind: str, mapping: Mapping[str, str | None]) -> Message | None:
    """What the user still has to map before the import can be planned ("请为 中文名称 选择对应的列…"), or None."""
    missing = missing_fields(dict(mapping), layer_kind=kind)
    if not missing:
        return None
    return Message(
        "imp_map_required", {"fields": [Message(f"imp_field_{f}") for f in missing], "kind": Message(f"layer_{kind}")}
    )


def target_fields(kind: str) -> tuple[str, ...]:
    """The fields of a layer kind a user maps the file's columns to (label key ``imp_field_<field>``)."""
    from ingest.mapping import TARGET_FIELDS

    return tuple(TARGET_FIELDS[kind])


def crs_name(crs: str, lang: str) -> str:
    """A coordinate system as an official reads it: ``EPSG:4549`` -> "CGCS2000 / 3度带 中央经线 120°E（EPSG:4549）",
    ``GCJ-02`` -> "GCJ-02 火星坐标（高德、腾讯）"; another CRS by its own name (the text itself when unknown)."""
    key = f"crs_name_{crs}"
    if key in CATALOGUE:
        return t(key, lang)
    return crs
