"""Every message gis/ can give a user (errors, notes, rule results) in Chinese and English, by code."""

from __future__ import annotations

import json
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
    "list_semicolon": ("；", "; "),
    "list_sep_join": ("{items}", "{items}"),
    "list_semicolon_join": ("{items}", "{items}"),
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
    # --- domain vocabulary (clusters, layout zones, criteria, rules, industries) ------------------------
    "cluster_north": ("北区块", "North cluster"),
    "cluster_south": ("南区块", "South cluster"),
    "zone_belt": ("苏河水岸（一带）", "Suzhou Creek belt"),
    "zone_core": ("真如副中心（一心）", "Zhenru sub-centre (core)"),
    "zone_city": ("桃浦智创城（一城）", "Taopu Smart City (city)"),
    "crit_adjacency": ("邻近园区", "Adjacency to the park"),
    "crit_shared_edge": ("共享边界", "Shared edge"),
    "crit_layout": ("布局契合（一带一心一城）", "Layout fit (belt/core/city)"),
    "crit_transit": ("轨交可达", "Transit access"),
    "crit_size": ("规模适宜", "Size fit"),
    "crit_compactness": ("形状紧凑度", "Compactness"),
    "crit_industry": ("产业契合（4+X）", "Industry fit (4+X)"),
    "rule_valid": ("几何有效", "Valid geometry"),
    "rule_inside_district": ("位于普陀区内", "Inside the district"),
    "rule_no_overlap": ("不与现有子园重叠", "No overlap with a sub-park"),
    "rule_min_area": ("满足最小面积", "Minimum area"),
    "industry_intelligent_software": ("智能软件", "intelligent software"),
    "industry_rd_services": ("研发服务", "R&D services"),
    "industry_sci_tech_finance": ("科技金融", "sci-tech finance"),
    "industry_life_health": ("生命健康", "life & health"),
    "industry_digital_economy": ("数字经济", "digital economy"),
    "industry_new_infrastructure": ("新型基础设施", "new infrastructure"),
    "industry_online_economy": ("在线经济", "online economy"),
    "industry_industrial_internet": ("工业互联网", "industrial internet"),
    "industry_residential": ("住宅（非产业）", "residential (not an industry)"),
    "industry_none": ("未填写", "not given"),
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
    "inv_outside_shanghai": ("图层 {layer} 的范围 {extent} 不在上海；坐标系声明是否正确，或经纬度是否颠倒？",
                             "Layer {layer}: its extent {extent} lies outside Shanghai; is the CRS declared "
                             "correctly, or are the axes swapped?"),
    "inv_invalid_geometry": ("图层 {layer} 的要素 {id} 几何无效：{reason}", "Layer {layer}, feature {id}: invalid geometry ({reason})"),
    "inv_bad_cluster": ("子园 {ids} 的区块为 {cluster}，应为北区块（north）或南区块（south）。",
                        "Sub-parks {ids}: cluster {cluster}, expected north or south."),
    "inv_subpark_count": ("子园共 {count} 个，应为 {expected} 个。", "{count} sub-parks, expected {expected}."),
    "inv_cluster_count": ("{cluster}有 {count} 个子园，应为 {expected} 个。", "{cluster}: {count} sub-parks, expected {expected}."),
    "inv_overlap": ("子园 {a} 与 {b} 重叠 {m2:,.1f} m²。", "Sub-parks {a} and {b} overlap by {m2:,.1f} m²."),
    "inv_outside_district": ("子园 {id} 有 {m2:,.1f} m² 位于普陀区外。", "Sub-park {id}: {m2:,.1f} m² lie outside the district."),
    "inv_total_area": ("子园总面积 {total:.3f} km²（EPSG:4549），应为 {expected} km² ± {tol:.0%}。",
                       "Total sub-park area {total:.3f} km² (EPSG:4549), expected {expected} km² ± {tol:.0%}."),
    "inv_building_subpark": ("载体 {id} 的所在子园 {subpark} 不是子园编号。", "Carrier {id}: sub-park {subpark} is not a sub-park id."),
    "schema_missing_column": ("图层 {layer} 缺少字段 {column}（必需字段：{required}）。",
                              "Layer {layer}: missing column {column} (required: {required})."),
    "schema_missing_ids": ("图层 {layer} 有 {count} 个要素没有编号。", "Layer {layer}: {count} feature(s) without an id."),
    "schema_duplicate_id": ("图层 {layer} 的编号 {id} 重复使用。", "Layer {layer}: id {id} is used more than once."),
    "schema_empty_field": ("图层 {layer} 的要素 {id} 的 {column} 为空。", "Layer {layer}, feature {id}: empty {column}."),
    "schema_empty_geometry": ("图层 {layer} 的要素 {id} 几何为空。", "Layer {layer}, feature {id}: empty geometry."),
    "schema_geometry_type": ("图层 {layer} 的要素 {id} 为 {found}，应为 {expected}。",
                             "Layer {layer}, feature {id}: geometry type {found}, expected {expected}."),
    "schema_layer_failed": ("图层 {layer}：{detail}", "Layer {layer}: {detail}"),
    "unknown_layer": ("未知图层 {layer}。应为以下之一：{expected}。",
                      "Unknown layer {layer}. Expected one of: {expected}."),
    "unknown_subpark": ("没有编号为 {id} 的子园。应为以下之一：{expected}。",
                        "No sub-park with id {id}. Expected one of: {expected}."),
    "unknown_feature": ("图层 {layer} 中没有编号为 {id} 的要素。",
                        "No feature with id {id} in the layer {layer}."),
    "belt_width_invalid": ("苏河水岸带宽度必须是正的米数；收到 {width_m}。",
                           "The belt width must be a positive number of metres; received {width_m}."),
    # --- scoring and raster (gis/scoring.py, gis/raster.py) ----------------------------------------------
    "raw_dist_m": ("{m:,.0f} 米", "{m:,.0f} m"),
    "raw_beyond_m": ("超过 {m:,.0f} 米", "beyond {m:,.0f} m"),
    "raw_length_m": ("{m:,.0f} 米", "{m:,.0f} m"),
    "raw_area": ("{m2:,.0f} m²（{ha:,.2f} 公顷）", "{m2:,.0f} m² ({ha:,.2f} ha)"),
    "raw_number": ("{value:.3f}", "{value:.3f}"),
    "raw_zone_share": ("{zone} {share:.0%}", "{zone} {share:.0%}"),
    "raw_outside_zones": ("不在“一带一心一城”内", "outside the belt, core and city"),
    "raw_no_station": ("无地铁站数据", "no station data"),
    "raw_industry_match": ("{industry}（邻近子园 {subpark} 的定位）", "{industry} (positioning of the nearby {subpark})"),
    "rule_m_valid": ("几何有效", "valid"),
    "rule_m_invalid": ("几何无效：{reason}", "invalid geometry: {reason}"),
    "rule_m_inside": ("位于普陀区内", "inside the district"),
    "rule_m_inside_tolerated": ("超出普陀区 {share:.1%}（在 {tol:.0%} 容差内）",
                                "{share:.1%} outside the district (within the {tol:.0%} tolerance)"),
    "rule_m_outside": ("超出普陀区 {share:.0%}", "{share:.0%} outside the district"),
    "rule_m_no_overlap": ("不与子园重叠", "no overlap with a sub-park"),
    "rule_m_overlap": ("与子园重叠 {m2:,.0f} m²", "overlaps a sub-park by {m2:,.0f} m²"),
    "rule_m_area_ok": ("面积 {m2:,.0f} m²", "area {m2:,.0f} m²"),
    "rule_m_area_small": ("面积 {m2:,.0f} m²，小于最小值 {min:,.0f} m²", "area {m2:,.0f} m², below the minimum {min:,.0f} m²"),
    "geom_self_intersection": ("边界自相交", "the boundary crosses itself"),
    "geom_ring_self_intersection": ("环自相交", "a ring touches itself"),
    "geom_too_few_points": ("顶点过少", "too few points"),
    "geom_hole_outside_shell": ("内环位于外环之外", "a hole lies outside its shell"),
    "geom_nested_holes": ("内环相互嵌套", "holes are nested"),
    "geom_disconnected_interior": ("内部不连通", "the interior is disconnected"),
    "geom_nested_shells": ("外环相互嵌套", "shells are nested"),
    "geom_duplicate_rings": ("环重复", "duplicate rings"),
    "geom_invalid_coordinate": ("坐标无效", "an invalid coordinate"),
    "geom_ring_not_closed": ("环未闭合", "a ring is not closed"),
    "geom_invalid_other": ("几何无效（{detail}）", "invalid ({detail})"),
    "scoring_params_invalid": ("评分参数无效：{detail}。", "Invalid scoring parameters: {detail}."),
    "scoring_no_crs": ("地块图层没有坐标系。应为声明了坐标系的图层（如 EPSG:4326）。请声明其坐标所用的坐标系。",
                       "The parcels have no CRS. Expected a layer with a declared CRS (e.g. EPSG:4326). "
                       "Fix: declare the system the coordinates are in."),
    "weights_unknown": ("权重中有未知准则：{unknown}。应为以下之一：{expected}。",
                        "Unknown criteria in the weights: {unknown}. Expected some of: {expected}."),
    "weights_invalid": ("权重必须是不小于 0 的有限数。", "Weights must be finite numbers >= 0."),
    "weights_all_zero": ("所有权重均为 0：请至少为一个准则设置大于 0 的权重。",
                         "All weights are 0: give at least one criterion a weight above 0."),
    "sens_spread_invalid": ("扰动幅度必须在 [0, 1) 之间；收到 {spread}。", "The spread must lie in [0, 1); received {spread}."),
    "sens_counts_invalid": ("抽样次数和前 N 名都必须不小于 1；收到 {draws} 和 {top_n}。",
                            "draws and top_n must be >= 1; received {draws} and {top_n}."),
    "raster_unreadable": ("无法读取栅格：{reason}。应为带坐标系的 GeoTIFF。", "Cannot read the raster: {reason}. Expected a GeoTIFF with a CRS."),
    "raster_no_crs": ("栅格没有坐标系。应为声明了坐标系的 GeoTIFF。请在 GIS 软件中为其指定坐标系后再上传。",
                      "The raster has no CRS. Expected a GeoTIFF with its coordinate system. Fix: assign its CRS in your GIS software and upload it again."),
    "raster_band_missing": ("栅格有 {count} 个波段，但请求的是第 {band} 波段。", "The raster has {count} band(s); band {band} was asked for."),
    "surface_cell_small": ("网格尺寸至少为 5 米；收到 {cell_m}。", "The grid cell must be at least 5 m; received {cell_m}."),
    "surface_no_weight": ("邻近园区、布局契合和轨交可达的权重都为 0：适宜性面将为空。请至少为其中一项设置权重。",
                          "None of adjacency, layout or transit has a weight: the surface would be empty. Give one of them a weight."),
    # --- scenarios (gis/scenario.py) ---------------------------------------------------------------------
    "cmp_total_km2": ("园区总面积（km²）", "Park total (km²)"),
    "cmp_added_km2": ("新增面积（km²）", "Added (km²)"),
    "cmp_change_km2": ("较规划 10.08 km² 的变化（km²）", "Change vs plan 10.08 km² (km²)"),
    "cmp_north_km2": ("北区块面积（km²）", "North cluster (km²)"),
    "cmp_south_km2": ("南区块面积（km²）", "South cluster (km²)"),
    "cmp_north_compactness": ("北区块紧凑度", "North cluster compactness"),
    "cmp_south_compactness": ("南区块紧凑度", "South cluster compactness"),
    "cmp_added_belt_km2": ("苏河水岸新增（km²）", "Added in the creek belt (km²)"),
    "cmp_added_core_km2": ("真如副中心新增（km²）", "Added in the Zhenru core (km²)"),
    "cmp_added_city_km2": ("桃浦智创城新增（km²）", "Added in Taopu city (km²)"),
    "cmp_pieces": ("连续片区数", "Contiguous pieces"),
    "cmp_gap_m": ("最大间隔（米）", "Largest gap (m)"),
    "cmp_buildings": ("覆盖重点载体数", "Carriers covered"),
    "cmp_stations": ("覆盖地铁站数", "Stations covered"),
    "cmp_mean_score": ("新增用地平均得分", "Mean score of added land"),
    "cmp_flagged": ("违反硬性规则的地块数", "Parcels breaking a hard rule"),
    "chg_created": ("新建：{parcels} 个地块、{drawn} 个手绘范围", "created with {parcels} parcel(s), {drawn} drawn area(s)"),
    "chg_parcels_added": ("纳入地块 {ids}", "parcels added: {ids}"),
    "chg_parcels_removed": ("移出地块 {ids}", "parcels removed: {ids}"),
    "chg_drawn": ("手绘范围有变化", "drawn areas changed"),
    "chg_assign": ("归属有变化", "assignments changed"),
    "chg_weights": ("权重有变化", "weights changed"),
    "chg_name": ("名称有变化", "name changed"),
    "chg_notes": ("备注有变化", "notes changed"),
    "chg_none": ("无变化", "no change"),
    "scen_drawn_not_polygon": ("绘制的范围必须是多边形；收到的是 {found}。", "A drawn area must be a polygon; received {found}."),
    "scen_unknown_parcels": ("方案“{name}”包含当前地块图层中没有的地块：{ids}。请移除它们，或导入包含它们的地块图层。",
                             "Scenario '{name}' includes parcels that are not in the current parcel layer: {ids}. "
                             "Fix: remove them, or load the parcel layer that has them."),
    "scen_bad_target": ("新子园归属 {target} 需要指定北区块或南区块。", "New sub-park target {target} needs the north or south cluster."),
    "cmp_count": ("一次可比较 1–4 个方案；收到 {count} 个。", "Compare 1 to 4 scenarios at a time; received {count}."),
    "sug_budget_invalid": ("面积上限必须大于 0 km²；收到 {budget}。", "The area budget must be above 0 km²; received {budget}."),
    "sug_objective_invalid": ("未知目标 {objective}。", "Unknown objective {objective}."),
    "sug_no_candidates": ("没有通过全部硬性规则的候选地块。", "No candidate parcel passes every hard rule."),
    "sug_zone_unreachable": ("园区 {tol:,.0f} 米范围内可连通的{zone}用地只有 {have:.3f} km²，少于要求的 {asked:.3f} km²。"
                             "请降低该最低要求，或增大合并容差。",
                             "{zone} land reachable within {tol:,.0f} m of the park: {have:.3f} km² < {asked:.3f} km² asked. "
                             "Relax: lower that minimum, or raise the merge tolerance."),
    "sug_zone_over_budget": ("{zone}最低要求 {asked:.3f} km² 超过了面积上限 {budget:.3f} km²。请提高上限或降低最低要求。",
                             "The {zone} minimum of {asked:.3f} km² exceeds the area budget of {budget:.3f} km². "
                             "Relax: raise the budget or lower the minimum."),
    "sug_mins_over_budget": ("各布局区最低要求合计 {total:.3f} km²，超过了面积上限 {budget:.3f} km²（同一地块可同时计入多个区时仍可能满足）。",
                             "The zone minimums add up to {total:.3f} km², above the area budget of {budget:.3f} km² "
                             "(only land that lies in several zones at once could meet them)."),
    "sug_infeasible_combined": ("在 {budget:.3f} km² 上限内、且与园区连续（容差 {tol:,.0f} 米）的地块组合无法同时满足所有最低要求。"
                                "请降低某一最低要求，或提高面积上限。",
                                "No parcel set within the {budget:.3f} km² budget and contiguous with the park (tolerance "
                                "{tol:,.0f} m) meets every minimum at once. Relax: lower a minimum or raise the budget."),
    "sug_time_limit": ("求解在 {seconds:.0f} 秒内未找到可行解。请缩小问题（降低最低要求或减少候选地块）后重试。",
                       "The solver found no solution within {seconds:.0f} s. Make the problem smaller (lower the minimums "
                       "or fewer candidates) and try again."),
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


def _param_text(value: Any, lang: str, *, sep_code: str = "list_sep") -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, Message)) for v in value):
        return template(sep_code, lang).join(_param_text(v, lang) for v in value)
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
    sep = "list_semicolon" if code == "list_semicolon_join" else "list_sep"
    values = {k: _param_text(v, lang, sep_code=sep) for k, v in (params or {}).items()}
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


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"$msg": value.code, "params": {k: _encode(v) for k, v in value.params.items()}}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$msg" in value:
        code = str(value["$msg"])
        if code not in CATALOGUE:
            return Message("legacy_text", {"text": code})
        return Message(code, {str(k): _decode(v) for k, v in dict(value.get("params") or {}).items()})
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def message_to_json(message: Message) -> str:
    """A message as JSON text (to store it and show it later in either language)."""
    return json.dumps(_encode(message), ensure_ascii=False, sort_keys=True)


def message_from_json(text: str) -> Message:
    """A message stored with :func:`message_to_json`; plain text from older files becomes a text message."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return Message("legacy_text", {"text": str(text)})
    decoded = _decode(value)
    return decoded if isinstance(decoded, Message) else Message("legacy_text", {"text": str(text)})


def msg(code: str, /, **params: Any) -> Message:
    """Shorthand for ``Message(code, params)``."""
    return Message(code, params)


def placeholders(code: str) -> dict[str, set[str]]:
    """The placeholder names of ``code`` per language (for the catalogue test)."""
    return {lang: {name for _, name, _, _ in string.Formatter().parse(template(code, lang)) if name}
            for lang in LANGS}
