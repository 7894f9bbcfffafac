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
    # --- tiles (issue 13) --------------------------------------------------------------------------------
    "err_title_tiles": ("地图瓦片请求无效", "Invalid map tile request"),
    "tiles_bad_part": ("瓦片地址中的 {part} 无效（收到 {value}）。应为不带符号、空格或前导零的十进制整数，"
                       "例如 …/15/27411/13378。",
                       "The {part} of the tile address is invalid (received {value}). Expected a plain decimal "
                       "integer without sign, spaces or leading zeros, e.g. …/15/27411/13378."),
    "tiles_value_long": ("{count} 个字符的文本", "a text of {count} characters"),
    "tiles_out_of_range": ("瓦片 {z}/{x}/{y} 不存在。缩放级别应在 0 到 {max_zoom} 之间，x 和 y 应在 0 到 "
                           "{max_index} 之间（2 的 z 次方减 1）。",
                           "There is no tile {z}/{x}/{y}. Expected a zoom from 0 to {max_zoom}, and x and y from "
                           "0 to {max_index} (2 to the power z, minus 1)."),
    "tiles_bad_point": ("点击位置无效（经度 {lon}，纬度 {lat}，缩放级别 {zoom}）。应为有限的经纬度"
                        "（纬度在 ±85° 以内）和 0 到 {max_zoom} 之间的缩放级别。",
                        "Invalid click position (longitude {lon}, latitude {lat}, zoom {zoom}). Expected a finite "
                        "longitude/latitude (latitude within ±85°) and a zoom from 0 to {max_zoom}."),
    "tiles_bad_datum": ("未知的底图基准 {datum}。应为以下之一：{expected}。",
                        "Unknown basemap datum {datum}. Expected one of: {expected}."),
    "tiles_crs": ("矢量瓦片需要经纬度图层（EPSG:4326），但图层坐标系为 {crs}。请先用 gis.crs.to_storage 转换。",
                  "Vector tiles need a longitude/latitude layer (EPSG:4326), but the layer is in {crs}. "
                  "Fix: reproject it with gis.crs.to_storage first."),
    "tiles_not_polygons": ("矢量瓦片只支持面图层，但图层含有 {kinds}。请只传入面（Polygon/MultiPolygon）要素。",
                           "Vector tiles support polygon layers only, but the layer holds {kinds}. Fix: pass "
                           "Polygon/MultiPolygon features only."),
    "tiles_no_id_field": ("图层没有编号字段 {field}。现有字段：{columns}。请指定每个要素唯一编号所在的字段。",
                          "The layer has no id field {field}. Its fields: {columns}. Fix: name the field that "
                          "holds each feature's unique id."),
    "tiles_values_shape": ("分类数组应为每个要素一个 0 到 255 的整数（{expected} 个），但收到 {received}。",
                           "The class array must hold one integer from 0 to 255 per feature ({expected}), but "
                           "received {received}."),
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
