"""The transformation PROJ uses from a file's foreign datum (Beijing 1954, Xian 1980…) to WGS 84, and its accuracy."""

from __future__ import annotations

import pyproj
from pyproj.transformer import TransformerGroup

from text.messages import Message, msg

#: Shanghai's centre (lon, lat): the place an operation's area of use must contain.
SHANGHAI_CENTRE = (121.45, 31.2)
#: Datums this app treats as WGS 84 (within decimetres): no note for them.
NATIVE_DATUMS = ("WGS 84", "World Geodetic System 1984", "China 2000", "China Geodetic Coordinate System 2000")
#: Notes that ask the user to confirm before the layer is used (see ImportResult.needs_confirmation).
CONFIRM_CODES = ("imp_note_datum_ballpark", "imp_note_datum_out_of_area")


def datum_note(crs: pyproj.CRS, *, at: tuple[float, float] = SHANGHAI_CENTRE) -> Message | None:
    """A note naming the operation PROJ would use from ``crs`` to WGS 84 at ``at`` (lon, lat °) and its accuracy.

    ``imp_note_datum_op`` for an operation with a stated accuracy whose area of use covers Shanghai;
    ``imp_note_datum_ballpark`` (a "ballpark" shift or no stated accuracy: metres to a hundred metres off) and
    ``imp_note_datum_out_of_area`` (PROJ's operation there is meant for somewhere else, e.g. offshore) ask the
    user to confirm. PROJ takes, for each point, the first operation of its list whose area of use contains it.
    None for WGS 84 and CGCS2000, or a CRS PROJ cannot relate to WGS 84.
    """
    try:
        geodetic = crs.geodetic_crs
        datum = geodetic.datum.name if geodetic is not None and geodetic.datum is not None else ""
        if not datum or any(datum.startswith(n) for n in NATIVE_DATUMS) or geodetic is None:
            return None
        group = TransformerGroup(geodetic, pyproj.CRS.from_epsg(4326), always_xy=True)
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError, AttributeError):
        return None
    ops = [t for t in group.transformers if t.description]
    if not ops:
        return None
    lon, lat = at

    def covers(t: pyproj.Transformer) -> bool:
        area = t.area_of_use
        return area is None or (area.west <= lon <= area.east and area.south <= lat <= area.north)

    here = [t for t in ops if covers(t)]
    best = here[0] if here else ops[0]
    steps = [p for p in " ".join(best.description.split()).split(" + ") if not p.startswith("axis order change")]
    name = " + ".join(steps)[:160]
    accuracy = "?" if best.accuracy is None or best.accuracy < 0 else f"{best.accuracy:g}"
    area = best.area_of_use.name if best.area_of_use is not None else "?"
    if not here or "offshore" in area.lower():
        return msg("imp_note_datum_out_of_area", datum=datum, op=name, accuracy=accuracy, area=area[:80])
    if "ballpark" in name.lower() or accuracy == "?":
        return msg("imp_note_datum_ballpark", datum=datum, op=name)
    return msg("imp_note_datum_op", datum=datum, op=name, accuracy=accuracy)
