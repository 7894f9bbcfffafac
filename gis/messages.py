"""Every message gis/ can give a user (errors, notes, rule results) in Chinese and English, by code."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGS = ("zh", "en")

#: code -> (Chinese, English). Placeholders are named (``{file}``, ``{share:.0%}``) and identical in both.
#: A parameter that is itself a :class:`Message` is rendered in the same language first. Sections keep
#: the work of different issues apart; add new codes in the section of the module that raises them.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- generic -----------------------------------------------------------------------------------------
    "unexpected": ("出现意外错误（编号 {error_id}）。请把编号告诉管理员；服务器日志中有详细信息。",
                   "Something went wrong (error id {error_id}). Give this id to your administrator; the "
                   "server log has the details."),
    "list_sep": ("、", ", "),
    # Kept only so that a caller passing English text instead of a code never shows a raw code; a test
    # fails on any use of it.
    "legacy_text": ("{text}", "{text}"),
    "err_title_generic": ("无法完成", "Could not be done"),
    "err_title_crs": ("坐标系问题", "Coordinate system problem"),
    "err_title_data": ("数据问题", "Data problem"),
    "err_title_scoring": ("评分无法计算", "Scores cannot be computed"),
    "err_title_raster": ("栅格无法使用", "The raster cannot be used"),
    "err_title_scenario": ("方案问题", "Scenario problem"),
    "err_title_print": ("地图无法出图", "The map cannot be printed"),
    "err_title_import": ("文件无法导入", "The file cannot be imported"),
    "err_title_export": ("无法导出", "Cannot export"),
    "err_title_workspace": ("工作空间问题", "Workspace problem"),
    # --- crs (gis/crs.py) --------------------------------------------------------------------------------
    "crs_missing": ("图层没有坐标系。应为带坐标系的图层（如 EPSG:4326 或 EPSG:4549）。请先声明坐标系。",
                    "The layer has no coordinate reference system. Expected a layer with a CRS such as "
                    "EPSG:4326 or EPSG:4549. Fix: declare the system its coordinates are really in."),
    "crs_geographic_metric": ("无法在地理坐标系 {crs}（单位为度）中计算{operation}。应使用以米为单位的投影坐标系。"
                              "请先投影到 EPSG:4549（CGCS2000 / 3度带高斯-克吕格 中央经线120°E）。",
                              "Cannot compute {operation} in a geographic CRS ({crs}, units of degrees). "
                              "Expected a projected CRS in metres. Fix: reproject to EPSG:4549 (CGCS2000 / "
                              "3-degree GK CM 120E) first."),
    "crs_unknown_datum": ("未知的基准 {datum}。应为 WGS84、GCJ-02 或 BD-09 之一。",
                          "Unknown datum {datum}. Expected WGS84, GCJ-02 or BD-09."),
    "crs_shift_needs_lonlat": ("GCJ-02/BD-09 偏移只适用于经纬度，但图层坐标系为 {crs}。请先转换到 EPSG:4326。",
                               "GCJ-02/BD-09 shifts work on lon/lat degrees, but the layer is in {crs}. "
                               "Fix: reproject to EPSG:4326 first."),
    "op_area": ("面积", "area"),
    "op_length": ("长度", "length"),
    "op_buffer": ("缓冲区", "a buffer"),
    "op_distance": ("距离", "distances"),
    # --- data folder (gis/datasets.py, gis/io.py, gis/validate.py) ----------------------------------------
    "data_file_missing": ("缺少图层文件 {file}。应为 GeoJSON 文件。请从 git 恢复，或放入自己的图层（见 README“替换演示数据”）。",
                          "Layer file not found: {file}. Expected a GeoJSON file there. Fix: restore it from git "
                          "or put your own layer there (see README, 'Replacing the demonstration data')."),
    "data_file_unreadable": ("无法读取图层文件 {file}：{reason}。应为有效的 GeoJSON 文件。",
                             "Cannot read the layer file {file}: {reason}. Expected a valid GeoJSON file."),
    "data_schema": ("数据文件夹不符合要求（{count} 个问题）。请修正所列要素后运行 python -m gis validate DATA_DIR。",
                    "The data folder does not meet the schema ({count} problem(s)). Fix the listed features, "
                    "then run `python -m gis validate DATA_DIR`."),
    "unknown_layer": ("未知图层 {layer}。应为以下之一：{expected}。",
                      "Unknown layer {layer}. Expected one of: {expected}."),
    "unknown_subpark": ("没有编号为 {id} 的子园。应为以下之一：{expected}。",
                        "No sub-park with id {id}. Expected one of: {expected}."),
    "unknown_feature": ("图层 {layer} 中没有编号为 {id} 的要素。",
                        "No feature with id {id} in the layer {layer}."),
    # --- scoring and raster (gis/scoring.py, gis/raster.py) ----------------------------------------------
    # --- scenarios (gis/scenario.py) ---------------------------------------------------------------------
    # --- importers and the check/convert command (gis/importers.py, issue 10) ---------------------------
    # --- exporters (gis/exporters.py, issues 10 and 12) --------------------------------------------------
    # --- workspace, accounts, audit (gis/workspace, issue 11) --------------------------------------------
    # --- context data, datum check (issue 12) ------------------------------------------------------------
    "err_title_tiles": ("底图瓦片问题", "Basemap tile problem"),
    "tile_package_missing": ("找不到底图瓦片包 {path}。应为 .mbtiles 文件或 z/x/y 瓦片文件夹。"
                             "请检查 PUTUO_BASEMAP_TILES 的设置。",
                             "Basemap tile package not found: {path}. Expected an .mbtiles file or a folder of "
                             "z/x/y tiles. Fix: check the PUTUO_BASEMAP_TILES setting."),
    "tile_package_unreadable": ("无法读取底图瓦片包 {name}：{reason}。应为有效的 MBTiles 文件或 z/x/y 瓦片文件夹。",
                                "Cannot read the basemap tile package {name}: {reason}. Expected a valid MBTiles "
                                "file or a folder of z/x/y tiles."),
    "tile_format_unsupported": ("底图瓦片包 {name} 的瓦片格式为 {format}。应为 PNG 或 JPEG 栅格瓦片。",
                                "The tiles of the basemap package {name} are {format}. Expected PNG or JPEG "
                                "raster tiles."),
    "tile_bad_key": ("瓦片编号无效。应为整数 z/x/y，0 ≤ z ≤ {max_zoom}，0 ≤ x、y < 2^z。",
                     "Invalid tile address. Expected integers z/x/y with 0 ≤ z ≤ {max_zoom} and 0 ≤ x, y < 2^z."),
    "tile_bad_size": ("底图尺寸 {width} × {height} 像素无效。应为正整数。",
                      "Invalid basemap size {width} × {height} pixels. Expected positive integers."),
    "tile_too_many": ("打印底图需要 {count} 张瓦片，超过上限 {limit} 张。请选择较低的缩放级别或较小的范围。",
                      "The print basemap needs {count} tiles, more than the limit of {limit}. Fix: choose a "
                      "lower zoom or a smaller extent."),
    # print maps (layers/cartography.py raises these as CartographyError)
    "print_no_cjk_font": ("未安装中文字体 {family}（matplotlib 找到的是 {found}）。请运行 apt-get install fonts-noto-cjk"
                          "（scripts/setup.sh 会安装）。",
                          "The Chinese font {family} is not installed (matplotlib found {found}). Fix: apt-get "
                          "install fonts-noto-cjk (scripts/setup.sh does it)."),
    "print_bad_paper": ("纸张 {paper} 未知。应为 A4 或 A3。", "Unknown paper {paper}. Expected A4 or A3."),
    "print_bad_scale": ("比例尺 1:{scale} 不在标准系列中。应为以下之一：{series}。",
                        "The scale 1:{scale} is not in the standard series. Expected one of: {series}."),
    "print_extent_too_large": ("范围太大：需要约 1:{need} 的比例尺，超过最小比例尺 1:{largest}。请选择较小的范围。",
                               "The extent is too large: it needs about 1:{need}, smaller than the smallest "
                               "scale 1:{largest}. Fix: choose a smaller extent."),
    "print_empty_extent": ("地图范围为空。应为有宽度和高度的范围，请另选范围。",
                           "Empty map extent. Expected an area with a width and a height; choose another extent."),
    "print_bad_format": ("图片格式 {format} 未知。应为 png、pdf 或 svg。",
                         "Unknown image format {format}. Expected png, pdf or svg."),
    "print_nothing_to_frame": ("没有可框定的内容：所选范围为空。请选择其他范围。",
                               "Nothing to frame: the chosen extent is empty. Choose another extent."),
    "datum_wgs84": ("WGS84（或 CGCS2000）", "WGS84 (or CGCS2000)"),
    "datum_gcj02": ("GCJ-02（高德、腾讯坐标）", "GCJ-02 (AMap, Tencent)"),
    "datum_bd09": ("BD-09（百度坐标）", "BD-09 (Baidu)"),
    "datum_suspected": ("按声明的坐标系读取时，该图层与 OpenStreetMap 道路和地铁站相差约 {declared_m} 米；"
                        "若按 {datum} 读取，只差约 {shifted_m} 米（比对依据：{basis}）。这些坐标很可能是 {datum}。"
                        "请把坐标系改为 {datum}，导入时会转换为 WGS84。",
                        "Read as declared, the layer lies about {declared_m} m from the OpenStreetMap roads and "
                        "metro stations; read as {datum}, only about {shifted_m} m (compared: {basis}). The "
                        "coordinates are most likely {datum}. Fix: set the coordinate system to {datum}; the "
                        "import converts it to WGS84."),
    "datum_basis_names": ("{count} 个同名地铁站", "{count} metro stations matched by name"),
    "datum_basis_roads": ("沿道路约 {length_km:.1f} 千米", "about {length_km:.1f} km along the roads"),
    "datum_note_empty": ("图层没有几何，无法核对坐标基准。", "The layer has no geometry; its datum cannot be checked."),
    "datum_note_no_names": ("点图层中与地铁站同名的要素少于 {min} 个，无法用站名核对坐标基准。",
                            "Fewer than {min} points are named like a metro station, so the datum cannot be "
                            "checked by station names."),
    "datum_note_off_roads": ("图层中没有沿道路延伸的线（{along_m:.0f} 米以内、连续 {run_m:.0f} 米以上），"
                             "无法用道路核对坐标基准。",
                             "No line of the layer runs along a road (within {along_m:.0f} m for at least "
                             "{run_m:.0f} m), so the datum cannot be checked against the roads."),
    "datum_note_far": ("图层离道路和地铁站太远（超过 {cap_m:.0f} 米），无法核对坐标基准；请确认坐标是否在上海。",
                       "The layer lies too far from the roads and metro stations (over {cap_m:.0f} m) to check "
                       "its datum; check that the coordinates are in Shanghai."),
    "datum_note_unclear": ("三种读法都不够吻合（需在 {good_m:.0f} 米以内且比其他读法近 {ratio:g} 倍），"
                           "无法判断坐标基准。",
                           "No reading fits clearly (within {good_m:.0f} m and {ratio:g} times closer than "
                           "the others), so the datum cannot be told."),
    # --- tiles (issue 13) --------------------------------------------------------------------------------
}


class _Formatter(string.Formatter):
    """str.format without attribute or index lookups in field names (templates stay data, not code)."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return self.get_value(field_name, args, kwargs), field_name


_FORMATTER = _Formatter()


def _param_text(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, Message)) for v in value):
        return template("list_sep", lang).join(_param_text(v, lang) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if hasattr(value, "item") and callable(value.item):  # numpy scalar -> plain Python (no np.int64(...) reprs)
        return value.item()
    return value


def template(code: str, lang: str) -> str:
    """The raw template of ``code`` in ``lang`` ('zh' or 'en'). Raises KeyError for an unknown code."""
    zh, en = CATALOGUE[code]
    return en if lang == "en" else zh


def render(code: str, params: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """The text of message ``code`` with ``params`` in ``lang``; nested :class:`Message` params too.

    A missing placeholder value leaves the template's own text (never raises): the catalogue test
    checks that every raise passes every placeholder.
    """
    text = template(code, lang)
    values = {k: _param_text(v, lang) for k, v in (params or {}).items()}
    try:
        return _FORMATTER.vformat(text, (), values)
    except (KeyError, ValueError, IndexError):
        return text


@dataclass(frozen=True)
class Message:
    """A message for a user: a catalogue ``code`` and the values of its placeholders."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ('zh' or 'en')."""
        return render(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text("en")


def msg(code: str, /, **params: Any) -> Message:
    """Shorthand for ``Message(code, params)``."""
    return Message(code, params)


def placeholders(code: str) -> dict[str, set[str]]:
    """The placeholder names of ``code`` per language (for the catalogue test)."""
    return {lang: {name for _, name, _, _ in string.Formatter().parse(template(code, lang)) if name}
            for lang in LANGS}
