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
    "err_title_conflict": ("方案已被他人更新", "Someone saved this scenario meanwhile"),
    "err_title_auth": ("无法登录", "Cannot sign in"),
    "err_title_permission": ("没有权限", "Not allowed"),
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
    "basemap_bad_url": ("底图服务地址 {url} 无效。应为 http(s) 地址，包含 {{z}}、{{x}}、{{y}}（可含 {{s}}）。",
                        "The tile service address {url} cannot be used. Expected an http(s) address with {{z}}, {{x}} "
                        "and {{y}} (and optionally {{s}})."),
    "basemap_bad_datum": ("底图坐标基准 {datum} 无效。应为 WGS84/CGCS2000 或 GCJ-02。",
                          "Unknown tile datum {datum}. Expected WGS84/CGCS2000 or GCJ-02."),
    "raster_task": ("读取栅格“{name}”", "reading the raster '{name}'"),
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
    # --- importers and the check/convert command (ingest/readers.py and its modules, issue 10) ------------
    "imp_unsupported": ("{file}：不支持的文件类型 {suffix}。应为以下之一：{expected}。请另存为其中一种格式后再导入。",
                        "{file}: unsupported file type {suffix}. Expected one of: {expected}. Save it in one of "
                        "these formats and import again."),
    "imp_not_table": ("{file}：{suffix} 不是表格文件。应为 CSV 或 XLSX。",
                      "{file}: {suffix} is not a table. Expected a CSV or XLSX file."),
    "imp_too_large": ("{file}：文件大小 {size_mb} MB，超过 {limit_mb} MB 的上限。请拆分文件或只导出需要的要素。",
                      "{file}: {size_mb} MB is over the {limit_mb} MB limit. Split the file or export only the "
                      "features you need."),
    "imp_empty": ("{file}：文件是空的（0 字节）。请检查上传的是否为正确的文件。",
                  "{file}: the file is empty (0 bytes). Check that you uploaded the right file."),
    "imp_is_zip": ("{file}：文件内容是 zip 压缩包，而不是 {expected}。请把扩展名改为 .zip 后再上传。",
                   "{file}: the file is a zip archive, not {expected}. Rename it to .zip and upload it again."),
    "imp_wrong_format": ("{file}：无法按 {expected} 读取，内容与文件扩展名不符。请确认文件格式，或用 GIS 软件重新导出。",
                         "{file}: cannot be read as {expected}: the content does not match the file's name. "
                         "Check the format, or export the file again from your GIS."),
    "imp_wrong_driver": ("{file}：内容被识别为 {found}，而不是 {expected}。出于安全考虑不予读取。请以 {expected} 格式重新导出。",
                         "{file}: the content is {found}, not {expected}, and is not read for safety. Export "
                         "it again as {expected}."),
    "imp_xml_not_utf8": ("{file}：XML 不是 UTF-8 编码。请以 UTF-8 编码另存后再导入。",
                         "{file}: the XML is not UTF-8. Save it as UTF-8 and import again."),
    "imp_xml_entities": ("{file}：XML 中含有 DOCTYPE/ENTITY 声明（可能引用服务器上的文件或无限展开），已拒绝。"
                         "KML 和 Excel 文件不需要这些声明：请用 GIS 软件或 Excel 重新保存。",
                         "{file}: the XML declares a DOCTYPE/ENTITY (which can reach files on the server or "
                         "expand without end) and is refused. KML and Excel files never need one: save the file "
                         "again from your GIS or Excel."),
    "imp_read_failed": ("{file}：无法读取，文件可能已截断、损坏或与扩展名不符（GDAL 提示：{reason}）。",
                        "{file}: cannot be read; the file may be truncated, damaged or not what its name says "
                        "(GDAL: {reason})."),
    "imp_no_layer_in_file": ("{file}：文件中没有图层。请确认导出时选择了要素图层。",
                             "{file}: the file holds no layer. Check that a feature layer was exported."),
    "imp_gpkg_not_geopackage": ("{file}：这是 SQLite 数据库，但不是 GeoPackage（缺少 gpkg_spatial_ref_sys 表）。"
                                "请用 GIS 软件另存为 GeoPackage。",
                                "{file}: an SQLite database but not a GeoPackage (no gpkg_spatial_ref_sys table). "
                                "Save it as a GeoPackage from your GIS."),
    "imp_kmz_no_kml": ("{file}：KMZ 中应有一个 .kml 文件，实际内容为：{found}。",
                       "{file}: a KMZ must contain a .kml file; found: {found}."),
    "imp_zip_no_data": ("{file}：压缩包中应有一个 Shapefile（.shp 及其 .shx/.dbf），或一个 GeoPackage/GeoJSON/KML/"
                        "DXF/CSV/XLSX 文件；实际内容为：{found}。",
                        "{file}: expected a Shapefile (.shp with its .shx/.dbf), or one GeoPackage/GeoJSON/KML/"
                        "DXF/CSV/XLSX file in the zip; found: {found}."),
    "imp_zip_nested": ("{file}：压缩包里又套了压缩包，不予读取。请解压后只上传一层压缩包。",
                       "{file}: a zip inside a zip is not read. Unpack it and upload a single zip."),
    "imp_shp_missing_part": ("{file}：Shapefile {layer} 缺少 {part} 文件。请把 .shp、.shx、.dbf、.prj、.cpg 一起压缩。",
                             "{file}: the Shapefile {layer} has no {part} file. Zip the .shp, .shx, .dbf, .prj and "
                             ".cpg together."),
    "imp_zip_unreadable": ("{file}：不是可读的 zip 压缩包（已损坏或不是 zip）。请重新压缩后再上传。",
                           "{file}: not a readable zip archive (damaged, or not a zip). Zip the files again and "
                           "upload it."),
    "imp_zip_members": ("{file}：压缩包中有 {count} 个文件，最多接受 {limit} 个。请只压缩需要导入的图层。",
                        "{file}: {count} files in the archive; at most {limit} are accepted. Zip only the layers "
                        "to import."),
    "imp_zip_duplicate": ("{file}：压缩包中有重名的文件 {member}，已拒绝。",
                          "{file}: the archive holds {member} twice; refused."),
    "imp_zip_link": ("{file}：压缩包中的 {member} 是符号链接，不予读取。",
                     "{file}: {member} in the archive is a symbolic link; links are not read."),
    "imp_zip_encrypted": ("{file}：压缩包中的 {member} 已加密。请上传未加密的压缩包。",
                          "{file}: {member} in the archive is encrypted. Upload an archive without a password."),
    "imp_zip_path": ("{file}：压缩包成员 {member} 的路径指向压缩包之外（绝对路径或 ..），已拒绝。",
                     "{file}: member {member} points outside the archive (an absolute path or ..); refused."),
    "imp_zip_overlap": ("{file}：压缩包成员 {member} 与其他成员共用数据（一种 zip 炸弹），已拒绝。",
                        "{file}: member {member} shares its data with other members (a kind of zip bomb); "
                        "refused."),
    "imp_zip_total": ("{file}：解压后达到 {size_mb} MB，超过 {limit_mb} MB 的上限（按实际解压的字节计），已拒绝。",
                      "{file}: {size_mb} MB once unpacked, over the {limit_mb} MB limit (counted on the bytes "
                      "actually inflated); refused."),
    "imp_zip_ratio": ("{file}：成员 {member} 的压缩比为 {ratio}:1，超过 {limit}:1 的上限，疑似 zip 炸弹，已拒绝。",
                      "{file}: member {member} expands {ratio} times, over the limit of {limit}; refused as a "
                      "possible zip bomb."),
    "imp_zip_size_lie": ("{file}：成员 {member} 声明大小为 {declared:,} 字节，实际解压出的内容更多（已读 {actual:,} "
                         "字节），疑似 zip 炸弹，已拒绝。",
                         "{file}: member {member} declares {declared:,} bytes but inflates to more ({actual:,} "
                         "bytes read); refused as a possible zip bomb."),
    "imp_zip_member_total": ("{file}：成员 {member} 解压后超过 {limit_mb} MB 的上限，已拒绝。",
                             "{file}: member {member} inflates to more than the {limit_mb} MB limit; refused."),
    "imp_zip_member_damaged": ("{file}：压缩包中的 {member} 已损坏（校验失败或数据不完整）。请重新压缩后再上传。",
                               "{file}: {member} in the archive is damaged (checksum or data incomplete). Zip the "
                               "files again and upload it."),
    "imp_zip_method": ("{file}：压缩包中的 {member} 使用了不支持的压缩方法（{method}）。"
                       "请用标准（Deflate）压缩重新打包。",
                       "{file}: {member} uses an unsupported compression method ({method}). Zip it again with "
                       "standard (Deflate) compression."),
    "imp_too_many_features": ("{file}：图层有 {count} 个要素，最多接受 {limit} 个。请拆分图层或只导出需要的范围。",
                              "{file}: {count} features; at most {limit} are accepted. Split the layer or export "
                              "only the area you need."),
    "imp_no_layer": ("{file}：没有名为 {layer} 的图层。文件中的图层：{layers}。",
                     "{file}: no layer {layer}; the file has: {layers}."),
    "imp_no_features": ("{file}：图层 {layer} 中没有要素（no features）。请确认导出时包含了要素。",
                        "{file}: the layer {layer} has no features. Check that the export included them."),
    "imp_no_geometry": ("{file}：没有任何要素带有几何图形，文件可能已截断或损坏。",
                        "{file}: no feature has a geometry (the file may be truncated or damaged)."),
    "imp_coords_not_finite": ("{file}：{count} 个要素含有 NaN 或无穷大坐标（第 {rows} 个）。请在源文件中修正。",
                              "{file}: NaN or infinite coordinates in {count} feature(s) (numbers {rows}). Fix "
                              "them in the source file."),
    "imp_coords_not_numbers": ("{file}：坐标列 {columns} 中有 {count} 行不是数字（第 {rows} 行，不含表头）。"
                               "请修正或清空这些单元格。",
                               "{file}: {count} row(s) of the coordinate columns {columns} are not numbers (rows "
                               "{rows}, header not counted). Fix or empty those cells."),
    "imp_mixed_types": ("{file}：几何类型混杂（{types}）。一个图层只能有一种（面、点或线）。请拆分文件。",
                        "{file}: mixed geometry types ({types}); one layer must hold one kind (polygons, points "
                        "or lines). Split the file."),
    "imp_wrong_family": ("{file}：几何类型为 {types}，而该图层需要{expected}。请选择对应的目标图层或换一个文件。",
                         "{file}: geometry type {types}; this layer needs {expected}. Choose the matching target "
                         "layer or another file."),
    "imp_family_polygon": ("面", "polygons"),
    "imp_family_point": ("点", "points"),
    "imp_family_line": ("线", "lines"),
    "imp_family_any": ("任意几何", "any geometry"),
    "imp_crs_none_fits": ("{file}：文件没有坐标系，且坐标（x ≈ {x}，y ≈ {y}）不符合任何已知的上海坐标系。"
                          "请选择坐标系（EPSG 代码、WKT 或 PROJ 字符串）后重新导入。",
                          "{file}: no coordinate system in the file and none fits coordinates around x ≈ {x}, "
                          "y ≈ {y}. Choose one (EPSG code, WKT or PROJ string) and import again."),
    "imp_crs_transform_failed": ("{file}：无法从 {crs} 转换到 WGS84（{reason}）。请选择另一个坐标系。",
                                 "{file}: cannot transform from {crs} to WGS84 ({reason}). Choose another "
                                 "coordinate system."),
    "imp_outside_shanghai": ("{file}：按 {crs} 读取后，有 {count} 个要素位于上海以外（范围 {extent}）。坐标系是否正确？"
                             "经纬度是否颠倒（lat/lon swapped）？",
                             "{file}: {count} feature(s) lie outside Shanghai once read as {crs} (extent {extent}). "
                             "Is the CRS right, or are lat/lon swapped?"),
    "imp_unrepairable": ("{file}：{count} 个无效几何无法修复为{expected}（第 {rows} 个）。请在 GIS 软件中修正。",
                         "{file}: {count} invalid geometr(y/ies) cannot be repaired into {expected} (numbers "
                         "{rows}). Fix them in your GIS."),
    "imp_file_crs_link": ("{file}：文件声明的坐标系 {crs} 是一个链接，不会去获取。"
                          "请在文件中写明 EPSG 代码，或导入时选择坐标系。",
                          "{file}: the file declares its CRS as a link ({crs}), which is never fetched. Write an "
                          "EPSG code into the file, or choose the CRS when importing."),
    "imp_file_crs_bad": ("{file}：文件声明的坐标系 {crs} 无法使用：{reason}",
                         "{file}: the file declares the CRS {crs}, which cannot be used: {reason}"),
    "imp_file_crs_unsafe": ("{file}：文件声明的坐标系 {crs} 含有引用文件的参数（{param}），已拒绝。"
                            "请用 EPSG 代码或不引用文件的定义。",
                            "{file}: the file's CRS {crs} has a parameter that refers to files ({param}); "
                            "refused. Use an EPSG code or a definition without file references."),
    "imp_file_crs_unusable": ("{file}：文件声明的坐标系 {crs} 无法识别。请导入时选择正确的坐标系（EPSG 代码）。",
                              "{file}: the file declares the CRS {crs}, which cannot be understood. Choose the "
                              "right CRS (EPSG code) when importing."),
    "imp_text_encoding": ("{file}：文本既不是 UTF-8 也不是 GBK/GB18030。请以 UTF-8 另存后再导入。",
                          "{file}: the text is neither UTF-8 nor GBK/GB18030. Save it as UTF-8 and import again."),
    "imp_csv_unreadable": ("{file}：不是可读的 CSV 表格（{reason}）。请检查分隔符和引号。",
                           "{file}: not a readable CSV table ({reason}). Check the separators and quotes."),
    "imp_table_empty": ("{file}：表格没有数据行（no rows）。",
                        "{file}: the table has no rows."),
    "imp_table_rows": ("{file}：表格超过 {limit} 行的上限，已拒绝。请拆分表格。",
                       "{file}: the table has more than the limit of {limit} rows; refused. Split the table."),
    "imp_xlsx_rows": ("{file}：工作表超过 {limit} 行的上限（在解析前按压缩数据计数），已拒绝。请拆分表格。",
                      "{file}: the worksheet has more than the limit of {limit} rows (counted in the compressed "
                      "XML before it is parsed); refused. Split the table."),
    "imp_table_cells": ("{file}：表格超过 {limit} 个单元格的上限，已拒绝。请拆分表格或删去不需要的列。",
                        "{file}: the table has more than the limit of {limit} cells; refused. Split it or remove "
                        "columns you do not need."),
    "imp_table_columns": ("{file}：表格超过 {limit} 列的上限，已拒绝。请删去不需要的列。",
                          "{file}: the table has more than the limit of {limit} columns; refused. Remove columns "
                          "you do not need."),
    "imp_xls_old": ("{file}：这是旧版 Excel 97-2003（.xls）工作簿。请在 Excel 中另存为 .xlsx（Excel 工作簿）。",
                    "{file}: an old Excel 97-2003 (.xls) workbook. Save it as .xlsx (Excel Workbook) in Excel."),
    "imp_xlsx_not_workbook": ("{file}：不是 Excel 工作簿（缺少 xl/workbook.xml）。请在 Excel 中另存为 .xlsx。",
                              "{file}: not an Excel workbook (no xl/workbook.xml). Save it as .xlsx in Excel."),
    "imp_xlsx_unreadable": ("{file}：无法作为 Excel 工作簿读取（{reason}）。请在 Excel 中重新保存。",
                            "{file}: cannot be read as an Excel workbook ({reason}). Save it again in Excel."),
    "imp_wkt_invalid": ("{file}：{column} 列中有 {count} 个单元格不是有效的 WKT（第 {rows} 行，不含表头）。",
                        "{file}: {count} cell(s) of the column {column} are not valid WKT (rows {rows}, header "
                        "not counted)."),
    "imp_xy_missing": ("{file}：没有名为 {column} 的列。表格中的列：{columns}。",
                       "{file}: no column {column}; the table has: {columns}."),
    "imp_no_coordinates": ("{file}：没有找到坐标列。应为经度/纬度（或东经/北纬、lon/lat）、x/y 列，或一个 wkt 列；"
                           "表格中的列：{columns}。请在页面上选择坐标列。",
                           "{file}: no coordinate columns found. Expected lon/lat (经度/纬度, 东经/北纬) or x/y "
                           "columns, or a wkt column; the table has: {columns}. Pick the columns on the page."),
    "imp_map_required": ("请为 {fields} 选择对应的列：导入{kind}图层时这些字段是必需的（required）。",
                         "Map the column(s) for {fields}: they are required for the {kind} layer."),
    "imp_map_unknown_column": ("字段 {field} 对应的列 {column} 在文件中不存在。",
                               "The column {column} chosen for {field} is not in the file."),
    "imp_duplicate_ids": ("{column} 列中有重复的编号（Duplicate ids）：{ids}。每个要素需要唯一的编号。",
                          "Duplicate ids in the column {column}: {ids}. Each feature needs its own id."),
    "imp_bad_cluster": ("区块取值 {values} 不是 north/south（北/南）。",
                        "Cluster values {values} are not north/south (北/南)."),
    "imp_combine_mode": ("未知的合并方式 {mode}。应为 replace（替换）、append（追加）或 merge（按编号合并）。",
                         "Unknown way to combine {mode}. Expected replace, append or merge."),
    "imp_combine_no_id": ("图层没有 id 列，无法按编号比较。请先完成字段映射。",
                          "A layer has no id column, so features cannot be compared by id. Map the fields first."),
    "imp_combine_ids_exist": ("追加时有 {count} 个编号已在当前图层中：{ids}。请改用“按编号合并”，或修改这些编号。",
                              "{count} id(s) to append are already in the current layer: {ids}. Use merge by id, "
                              "or change those ids."),
    "imp_guess_lonlat": ("上海范围内的经纬度：WGS84（也可能是 CGCS2000、GCJ-02 或 BD-09，如知道请选择）",
                         "lon/lat in Shanghai: WGS84 (or CGCS2000, GCJ-02, BD-09 — choose if you know)"),
    "imp_guess_cgcs2000": ("CGCS2000 经纬度", "CGCS2000 lon/lat"),
    "imp_guess_gcj02": ("高德/腾讯（GCJ-02）经纬度", "AMap/Tencent (GCJ-02) lon/lat"),
    "imp_guess_bd09": ("百度（BD-09）经纬度", "Baidu (BD-09) lon/lat"),
    "imp_guess_swap": ("纬度/经度顺序：第一个坐标像纬度", "lat/lon order: the first coordinate looks like a latitude"),
    "imp_guess_projected": ("{name}：x ≈ {x}，y ≈ {y}", "{name}: x ≈ {x}, y ≈ {y}"),
    "crs_name_4549": ("CGCS2000 / 3度带高斯-克吕格 中央经线120°E", "CGCS2000 / 3-degree GK CM 120E"),
    "crs_name_4550": ("CGCS2000 / 3度带高斯-克吕格 中央经线123°E（= 6度带 中央经线123°E）",
                      "CGCS2000 / 3-degree GK CM 123E (= 6-degree CM 123E)"),
    "crs_name_4528": ("CGCS2000 / 3度带高斯-克吕格 第40带（带号前缀）", "CGCS2000 / 3-degree GK zone 40 (zone prefix)"),
    "crs_name_4529": ("CGCS2000 / 3度带高斯-克吕格 第41带（带号前缀）", "CGCS2000 / 3-degree GK zone 41 (zone prefix)"),
    "crs_name_4499": ("CGCS2000 / 6度带高斯-克吕格 第21带（带号前缀）", "CGCS2000 / 6-degree GK zone 21 (zone prefix)"),
    "imp_note_crs_guessed": ("文件没有坐标系：推测为 {crs}（{why}）。请确认或另选。",
                             "No CRS in the file: guessed {crs} ({why}). Confirm it or choose another."),
    "imp_note_no_geometry": ("{count} 个没有几何图形的要素已略去（第 {rows} 个）。",
                             "{count} feature(s) without geometry left out (numbers {rows})."),
    "imp_note_3d": ("已去掉三维（Z）坐标：本系统按二维处理。", "3D (Z) coordinates dropped: the app works in 2D."),
    "imp_note_repaired": ("{count} 个无效几何已用 make_valid 修复（第 {rows} 个）。",
                          "{count} invalid geometr(y/ies) repaired with make_valid (numbers {rows})."),
    "imp_note_dxf_kept": ("DXF 图形种类混杂：只保留了{kept}，略去其他 {count} 个图元（文字、线等）。",
                          "The DXF mixes kinds of entities: kept the {kept}, left out {count} other entities "
                          "(text, lines, …)."),
    "imp_note_dxf_encoding": ("DXF 声明的代码页为 {declared}，但文字实际是 {used}，已按 {used} 读取。",
                              "The DXF declares code page {declared} but its text is {used}; read as {used}."),
    "imp_note_no_cpg": ("压缩包中没有 .cpg 文件：属性文字按 {encoding} 解码（decoded as {encoding}）。",
                        "No .cpg in the archive: attribute text decoded as {encoding}."),
    "imp_note_cpg_wrong": (".cpg 声明编码为 {declared}，但文字实际是 {used}，已按 {used} 读取。",
                           "The .cpg says {declared} but the text is {used}; read as {used}."),
    "imp_note_cpg_unknown": (".cpg 中的编码 {value} 无法识别，已根据文字内容判断编码。",
                             "The .cpg names an unknown encoding ({value}); the encoding was detected from the text."),
    "imp_note_field_cut": ("字段名 {original} 被 dBASE 的 10 字节上限截断在半个字符处，已修复为 {field}。",
                           "The field name {original} was cut in the middle of a character by the 10-byte dBASE "
                           "limit; repaired as {field}."),
    "imp_note_fields_restored": ("已根据 fields.csv 恢复 {count} 个完整字段名。",
                                 "{count} full field name(s) restored from fields.csv."),
    "imp_note_shifted_datum": ("文件的坐标系为 {name}，按 {crs} 坐标读取并换算到 WGS84。",
                               "The file's CRS is {name}: read as {crs} coordinates and shifted to WGS84."),
    "imp_note_zip_member": ("读取的是压缩包中的 {member}。", "Read {member} from the zip."),
    "imp_task_read": ("读取 {file}", "Reading {file}"),
    # python -m gis check / convert (cli/files.py)
    "cli_no_such_file": ("找不到文件 {file}。请检查路径。", "No such file: {file}. Check the path."),
    "cli_cannot_open": ("无法打开 {file}（{reason}）。请检查权限。",
                        "Cannot open {file} ({reason}). Check the permissions."),
    "cli_not_a_file": ("{file} 不是普通文件（可能是文件夹或设备）。请给出一个文件。",
                       "{file} is not a regular file (a folder or a device?). Give a file."),
    "cli_output_format": ("无法从文件名 {file} 判断输出格式。应以以下之一结尾：{expected}。",
                          "Cannot tell the output format from {file}. Expected a name ending in one of: {expected}."),
    "cli_output_exists": ("{file} 已存在，未覆盖。要替换它请加 --force。",
                          "{file} exists and was not overwritten. Add --force to replace it."),
    "cli_output_dir_missing": ("输出文件夹 {folder} 不存在。请先创建它。",
                               "The output folder {folder} does not exist. Create it first."),
    "cli_output_is_input": ("输出文件 {file} 就是输入文件。请另选一个输出文件名。",
                            "The output {file} is the input file. Choose another output name."),
    "cli_guess_needs_confirmation": ("{file} 没有坐标系，按坐标推测为 {crs}。推测的坐标系不会自动使用：确认无误请加 "
                                     "--accept-guess，或用 --crs 指定。",
                                     "{file} has no coordinate system; the coordinates suggest {crs}. A guess is "
                                     "never used silently: add --accept-guess if it is right, or give --crs."),
    "cli_problem_guess": ("坐标系 {crs} 是按坐标推测的，使用前需要确认。", "The CRS {crs} is a guess from the "
                          "coordinates and needs confirmation before use."),
    "cli_wrote": ("已写入 {file}：{count} 个要素，坐标系 {crs}，{size_kb} KB。",
                  "Wrote {file}: {count} features, {crs}, {size_kb} KB."),
    "cli_gcj02_name_hint": ("注意：GCJ-02 坐标的文件名须写明 GCJ-02，已写入 {file}（以免被当作 WGS 84）。",
                            "Note: a file of GCJ-02 coordinates must say so in its name; written as {file} (so that nobody takes it for WGS 84)."),
    "cli_label_file": ("文件", "File"),
    "cli_label_layers": ("图层", "Layers"),
    "cli_label_features": ("要素", "Features"),
    "cli_label_crs": ("源坐标系", "Source CRS"),
    "cli_label_encoding": ("编码", "Encoding"),
    "cli_label_columns": ("字段", "Columns"),
    "cli_label_extent": ("范围", "Extent"),
    "cli_label_notes": ("说明", "Notes"),
    "cli_label_problems": ("问题", "Problems"),
    "cli_label_none": ("无", "none"),
    "cli_how_file": ("文件中声明", "declared in the file"),
    "cli_how_guessed": ("按坐标推测，需确认", "guessed from the coordinates: confirm it"),
    "cli_how_chosen": ("由用户指定", "chosen by the user"),
    # --- operator settings (gis/settings.py) ---------------------------------------------------------------
    "err_title_settings": ("服务器设置无效", "Invalid server setting"),
    "settings_bad_number": ("环境变量 {name} 的值 {value} 无效。应为 {low}–{high} 之间的数值；不设置则使用默认值。",
                            "{name}={value} is not valid. Expected a number from {low} to {high}; leave it unset "
                            "for the default."),
    "settings_bad_whole": ("环境变量 {name} 的值 {value} 无效。应为 {low}–{high} 之间的整数；不设置则使用默认值。",
                           "{name}={value} is not valid. Expected a whole number from {low} to {high}; leave it "
                           "unset for the default."),
    # --- upload workers (ingest/sandbox.py, issue 10) -----------------------------------------------------------
    "worker_task_generic": ("这项处理", "The task"),
    "limit_memory": ("{task} 已停止：所需内存超过了单个上传处理允许的 {limit_mb} MB（内存上限）。其他用户不受影响。"
                     "请拆分文件或简化图形后重试。",
                     "{task} was stopped: it needed more than the {limit_mb} MB of memory allowed for one upload "
                     "(memory limit). Other users were not affected. Split the file or simplify it and try again."),
    "limit_cpu": ("{task} 已停止：计算时间超过了允许的 {limit_s} 秒 CPU 时间（CPU 时间上限）。其他用户不受影响。"
                  "请拆分文件或简化图形后重试。",
                  "{task} was stopped: it used more than the {limit_s} s of CPU time allowed (CPU time limit). "
                  "Other users were not affected. Split the file or simplify it and try again."),
    "limit_wall": ("{task} 已停止：耗时超过了允许的 {limit_s} 秒（时间上限）。其他用户不受影响。请拆分文件后重试。",
                   "{task} was stopped: it took longer than the {limit_s} s allowed (time limit). Other users were "
                   "not affected. Split the file and try again."),
    "worker_crashed": ("{task} 意外中止（{signal}），文件可能已损坏。其他用户不受影响。请用 GIS 软件重新导出后再试。",
                       "{task} stopped unexpectedly ({signal}); the file may be damaged. Other users were not "
                       "affected. Export it again from your GIS and retry."),
    # --- a CRS typed by a user (gis/crs.py parse_user_crs, issue 10) -----------------------------------------
    "crs_user_empty": ("没有输入坐标系。应为 EPSG 代码（如 EPSG:4549）、WKT 或 PROJ 字符串。",
                       "No coordinate system given. Expected an EPSG code (such as EPSG:4549), WKT or a PROJ string."),
    "crs_user_too_long": ("坐标系定义 {crs} 太长（{length} 个字符，最多 {limit} 个）。请使用 EPSG 代码。",
                          "The CRS definition {crs} is too long ({length} characters; at most {limit}). Use an "
                          "EPSG code."),
    "crs_user_unsafe": ("坐标系 {crs} 含有引用文件或网络的参数（{param}），不予接受。请使用 EPSG 代码、WKT 或不含 "
                        "nadgrids/geoidgrids/init 等参数的 PROJ 字符串。",
                        "The CRS {crs} has a parameter that refers to files or the network ({param}) and is not "
                        "accepted. Use an EPSG code, WKT or a PROJ string without nadgrids, geoidgrids, init and "
                        "the like."),
    "crs_user_unknown": ("{crs} 不是可识别的坐标系（not a coordinate system）。应为 EPSG 代码（如 EPSG:4549）、WKT 或 "
                         "PROJ 字符串。",
                         "{crs} is not a coordinate system pyproj understands. Expected an EPSG code such as "
                         "EPSG:4549, WKT or a PROJ string."),
    "crs_user_not_horizontal": ("{crs} 不是平面或经纬度坐标系（例如地心坐标系或高程系统），无法用于地图数据。",
                                "{crs} is not a geographic or projected 2D system (e.g. geocentric or vertical) and "
                                "cannot be used for map data."),
    # --- exporters (export/formats.py, issues 10 and 12) --------------------------------------------------
    "exp_unknown_target": ("未知的目标坐标系 {target}。应为以下之一：{expected}。",
                           "Unknown target CRS {target}. Expected one of: {expected}."),
    "exp_unknown_format": ("未知的导出格式 {format}。应为以下之一：{expected}。",
                           "Unknown format {format}. Expected one of: {expected}."),
    "exp_no_layer": ("没有选择图层：请至少选择一个要导出的图层。", "No layer chosen: pick at least one layer to export."),
    "exp_bad_encoding": ("不支持的 Shapefile 编码 {encoding}。应为以下之一：{expected}。",
                         "Unsupported Shapefile encoding {encoding}. Expected one of: {expected}."),
    "exp_kml_lonlat": ("KML 只能是经纬度：请选择 wgs84 或 gcj02，而不是 {target}。",
                       "KML is lon/lat only; choose wgs84 or gcj02, not {target}."),
    "exp_csv_geometry": ("CSV 的几何列应为 wkt 或 xy，收到的是 {geometry}。",
                         "CSV geometry must be 'wkt' or 'xy'; received {geometry}."),
    # --- workspace, accounts, audit (store, issue 11) --------------------------------------------
    # --- workspace, accounts, audit (store, issue 11) --------------------------------------------
    # workspace faults: what happened, that nothing was lost, how to recover
    "ws_corrupt": ("工作空间 {where} 已损坏或不是本应用的工作空间（{reason}）。文件保持原样，未被改写。{recovery}",
                   "The workspace {where} is damaged or is not a workspace of this app ({reason}). The file was left "
                   "exactly as it is; nothing was overwritten. {recovery}"),
    "ws_not_workspace": ("{where} 是一个数据库文件，但不是本应用的工作空间（其中已有其他表：{tables}）。文件未被改动。"
                         "请另选一个工作空间文件名（PUTUO_WORKSPACE）。",
                         "{where} is a database file but not a workspace of this app (it already holds other tables: "
                         "{tables}). The file was not changed. Fix: choose another workspace file name "
                         "(PUTUO_WORKSPACE)."),
    "ws_recover_backup": ("恢复方法：停止应用，把受损文件移到别处保存，再把最近的自动备份 {backup}（{when} "
                          "北京时间）复制为 {where}。",
                          "To recover: stop the app, move the damaged file aside, then copy the latest automatic "
                          "backup {backup} (made {when} Beijing time) to {where}."),
    "ws_recover_no_backup": ("没有找到自动备份（应用只在升级工作空间结构前自动备份）。恢复方法：停止应用，"
                             "把受损文件移到别处，从您自己的备份恢复；或改用新的文件名（PUTUO_WORKSPACE），"
                             "已保存的方案需重新导入。",
                             "No automatic backup was found (the app makes one before every change of the workspace's "
                             "structure). To recover: stop the app, move the damaged file aside and restore it from "
                             "your own backup, or use a new file name (PUTUO_WORKSPACE) and import the scenarios "
                             "again."),
    "ws_readonly": ("工作空间 {where} 以只读方式打开：{reason}。可以查看和打开方案，但不能保存。",
                    "The workspace {where} is open read-only: {reason}. Scenarios can be listed and opened, but not "
                    "saved."),
    "ws_ro_permission": ("当前系统用户对该文件或其所在文件夹没有写权限（请管理员授予写权限，或把文件复制到可写的位置）",
                         "the system user running the app may not write to the file or its folder (ask an "
                         "administrator for write permission, or copy the file to a writable place)"),
    "ws_ro_filesystem": ("文件所在的文件系统是只读的（请把文件复制到可写的磁盘）",
                         "the file system holding it is read-only (copy the file to a writable disk)"),
    "ws_ro_role": ("数据库账号只有只读权限或连接的是只读备库（请数据库管理员提供可写的连接）",
                   "the database account may only read, or the server is a read-only standby (ask the database "
                   "administrator for a writable connection)"),
    "ws_ro_newer": ("它由更新版本的应用写入（结构版本 {found}，本应用认识 {expected}）；请升级应用",
                    "it was written by a newer version of the app (schema {found}; this app knows {expected}); "
                    "upgrade the app"),
    "ws_ro_needs_upgrade": ("它需要升级结构（版本 {found} → {expected}），但无法先做备份或写入；请授予写权限后重新打开",
                            "its structure needs an upgrade ({found} → {expected}) but no backup could be made or "
                            "written first; grant write permission and open it again"),
    "ws_write_refused": ("无法{action}：{reason}", "Cannot {action}: {reason}"),
    "ws_disk_full": ("无法{action}：保存工作空间 {where} 的磁盘（或数据库）已满。没有写入任何内容，"
                     "已保存的版本不受影响。请清理磁盘空间（或联系数据库管理员）后再保存一次。",
                     "Cannot {action}: the disk (or database) holding the workspace {where} is full. Nothing was "
                     "written; the saved versions are unchanged. Fix: free some disk space (or ask the database "
                     "administrator), then save again."),
    "ws_permission": ("无法{action}：没有访问工作空间 {where} 的权限（{reason}）。请管理员授予权限。",
                      "Cannot {action}: no permission to use the workspace {where} ({reason}). Fix: ask an "
                      "administrator for access."),
    "ws_unavailable": ("无法连接工作空间 {where}：{reason}。请检查数据库服务器是否运行、地址（PUTUO_DATABASE_URL）"
                       "与网络是否正确，然后重试。",
                       "Cannot reach the workspace {where}: {reason}. Fix: check that the database server is running "
                       "and that the address (PUTUO_DATABASE_URL) and network are right, then try again."),
    "ws_busy": ("无法{action}：工作空间 {where} 正被其他用户长时间占用。没有写入任何内容。请稍后再试。",
                "Cannot {action}: the workspace {where} stayed busy with other users' saves for too long. Nothing was "
                "written. Try again in a moment."),
    "ws_write_failed": ("无法{action}（工作空间 {where}）：{reason}。没有写入任何内容，已保存的版本不受影响。请重试。",
                        "Cannot {action} (workspace {where}): {reason}. Nothing was written; the saved versions are "
                        "unchanged. Try again."),
    "ws_migration_failed": ("升级工作空间 {where} 的结构失败：{reason}。没有改动任何内容。升级前的备份：{backup}。",
                            "Upgrading the structure of the workspace {where} failed: {reason}. Nothing was changed. "
                            "Backup made before the upgrade: {backup}."),
    "ws_backup_failed": ("升级工作空间 {where} 的结构前无法做备份：{reason}。没有升级，文件未被改动。"
                         "请确保所在文件夹可写且有空闲空间。",
                         "Could not back up the workspace {where} before upgrading its structure: {reason}. It was "
                         "not upgraded and the file was not changed. Fix: make sure its folder is writable and has "
                         "free space."),
    "ws_no_postgis": ("数据库 {where} 中没有 PostGIS 扩展，且当前账号无权创建。请数据库管理员执行：CREATE EXTENSION "
                      "postgis;",
                      "The database {where} has no PostGIS extension and this account may not create it. Fix: ask the "
                      "database administrator to run CREATE EXTENSION postgis;"),
    "ws_bad_url": ("无法使用数据库地址 {url}。应为 postgresql://用户@主机:端口/数据库 形式。",
                   "Cannot use the database address {url}. Expected postgresql://user@host:port/database."),
    "act_save": ("保存方案", "save the scenario"),
    "act_write": ("写入工作空间", "write to the workspace"),
    "act_read": ("读取工作空间", "read the workspace"),
    "act_archive": ("归档方案", "archive the scenario"),
    "act_publish": ("发布图层", "publish the layer"),
    "act_accounts": ("管理账号", "manage accounts"),
    "act_view_audit": ("查看审计记录", "read the audit trail"),
    "act_view_archived": ("查看已归档的方案", "see archived scenarios"),
    "act_import": ("导入方案", "import scenarios"),
    "act_settings": ("修改设置", "change settings"),
    "act_edit_others": ("修改他人创建的方案", "change a scenario someone else created"),
    "act_login": ("登录", "sign in"),
    # scenarios in the workspace
    "ws_no_scenario": ("工作空间中没有编号为 {id} 的方案。可能已被归档，或编号有误。",
                       "No scenario with id {id} in the workspace. It may have been archived, or the id is wrong."),
    "ws_no_version": ("方案 {id} 没有第 {version} 版。已有版本：1–{latest}。",
                      "Scenario {id} has no version {version}. Saved versions: 1–{latest}."),
    "ws_archived": ("方案“{name}”已于 {when}（北京时间）由 {who} 归档，不能再保存。请另存为新方案，或请管理员恢复。",
                    "The scenario '{name}' was archived by {who} on {when} (Beijing time) and cannot be saved. Fix: "
                    "save it as a new scenario, or ask an admin to restore it."),
    "ws_not_archived": ("方案“{name}”没有归档。", "The scenario '{name}' is not archived."),
    "ws_archive_reason": ("归档需要填写原因（1–{limit} 个字符）；收到 {length} 个字符。",
                          "Archiving needs a reason (1–{limit} characters); received {length}."),
    "ws_new_scenario_exists": ("方案 {id} 已存在（最新第 {latest} 版）。请从已保存的版本开始修改，或另存为新方案。",
                               "A scenario with id {id} already exists (latest version {latest}). Fix: start from its "
                               "saved version, or save as a new scenario."),
    "ws_conflict": ("方案“{name}”在您打开第 {base_version} 版之后已由 {saved_by} 于 {saved_at}（北京时间）保存为第 "
                    "{latest_version} 版，改动：{changes}。您的修改尚未保存。请选择：另存为新方案（分支），"
                    "或查看对方的改动后覆盖保存。",
                    "The scenario '{name}' was saved as version {latest_version} by {saved_by} at {saved_at} (Beijing "
                    "time) after you opened version {base_version}; they changed: {changes}. Your changes are not "
                    "saved yet. Choose: save as a new scenario (a branch), or review their changes and save "
                    "over them."),
    "ws_bad_scenario_id": ("方案编号 {id} 无效。应为 1–64 个字母、数字、- 或 _。",
                           "The scenario id {id} is not valid. Expected 1–64 letters, digits, - or _."),
    "ws_chg_created": ("新建，含 {parcels} 个地块、{drawn} 个绘制区域",
                       "created with {parcels} parcel(s), {drawn} drawn area(s)"),
    "ws_chg_parcels_added": ("加入地块 {ids}", "parcels added: {ids}"),
    "ws_chg_parcels_removed": ("移除地块 {ids}", "parcels removed: {ids}"),
    "ws_chg_drawn": ("绘制区域有改动", "drawn areas changed"),
    "ws_chg_assign": ("归属有改动", "assignments changed"),
    "ws_chg_weights": ("权重有改动", "weights changed"),
    "ws_chg_name": ("名称由“{before}”改为“{after}”", "name changed from '{before}' to '{after}'"),
    "ws_chg_notes": ("备注有改动", "notes changed"),
    "ws_chg_none": ("无改动", "no change"),
    "ws_chg_list": ("{items}", "{items}"),
    "ws_chg_legacy": ("{text}", "{text}"),
    "ws_chg_versions": ("{count} 个版本（{authors}）：{items}", "{count} version(s) by {authors}: {items}"),
    # scenario GeoPackage files (export/import; issue 10 items 6 and 7)
    "ws_file_unreadable": ("无法读取方案文件 {file}：{reason}。应为本应用导出的方案 GeoPackage（.gpkg）。",
                           "Cannot read the scenario file {file}: {reason}. Expected a scenario GeoPackage (.gpkg) "
                           "exported by this app."),
    "ws_file_no_scenarios": ("方案文件 {file} 中没有方案。", "The scenario file {file} holds no scenario."),
    "ws_file_too_many": ("方案文件 {file} 含 {count} 个方案，超过上限 {limit}。请分批导出。",
                         "The scenario file {file} holds {count} scenarios, more than the limit of {limit}. Fix: "
                         "export them in smaller batches."),
    "ws_file_record": ("方案文件 {file} 中的第 {row} 条记录无法使用：{reason}。文件中的方案均未导入。",
                       "Record {row} of the scenario file {file} cannot be used: {reason}. No scenario of the file "
                       "was imported."),
    "ws_payload_invalid": ("方案数据无效：字段 {field} 应为 {expected}，收到 {received}。",
                           "The scenario data is not valid: the field {field} should be {expected}; received "
                           "{received}."),
    "ws_payload_not_json": ("方案数据不是有效的 JSON（{reason}）。", "The scenario data is not valid JSON ({reason})."),
    "ws_payload_bad_wkt": ("绘制区域 {piece} 不是有效的面：{reason}。",
                           "The drawn area {piece} is not a valid polygon: {reason}."),
    # shared layers
    "ws_no_layer": ("工作空间中没有已发布的图层 {layer}。", "No published layer {layer} in the workspace."),
    "ws_no_layer_version": ("图层 {layer} 没有第 {version} 版。已有版本：1–{latest}。",
                            "The layer {layer} has no version {version}. Published versions: 1–{latest}."),
    "ws_layer_invalid": ("无法发布图层 {layer}：{reason}。", "Cannot publish the layer {layer}: {reason}."),
    "ws_layer_bad_id": ("图层编号 {layer} 无效。应为 1–40 个小写字母、数字或 _。",
                        "The layer id {layer} is not valid. Expected 1–40 lower-case letters, digits or _."),
    "ws_layer_reason_crs": ("坐标系应为 EPSG:4326，收到 {crs}", "its CRS should be EPSG:4326; received {crs}"),
    "ws_layer_reason_empty": ("没有要素", "it has no features"),
    "ws_layer_reason_geometry": ("有 {count} 个要素没有几何", "{count} feature(s) have no geometry"),
    # accounts
    "acct_bad_role": ("角色 {role} 无效。应为以下之一：{expected}。",
                      "The role {role} is not valid. Expected one of: {expected}."),
    "acct_exists": ("账号 {name} 已存在。", "The account {name} already exists."),
    "acct_missing": ("没有账号 {name}。", "There is no account {name}."),
    "acct_password_short": ("密码太短：至少 {min} 个字符。", "The password is too short: at least {min} characters."),
    "acct_password_long": ("密码太长：最多 {max} 个字符。", "The password is too long: at most {max} characters."),
    "acct_password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "acct_last_admin": ("不能停用或降级最后一个启用的管理员账号 {name}。请先添加另一个管理员。",
                        "Cannot disable or demote {name}: it is the last enabled admin account. Fix: add another "
                        "admin first."),
    "role_viewer": ("查看者", "viewer"),
    "role_editor": ("编辑者", "editor"),
    "role_admin": ("管理员", "admin"),
    # sign-in
    "auth_failed": ("账号名或密码错误。", "Wrong account name or password."),
    "auth_locked": ("登录失败次数过多，该账号已锁定至 {until}（北京时间）。请稍后再试，或请管理员重设密码。",
                    "Too many failed sign-ins: this account is locked until {until} (Beijing time). Try again later, "
                    "or ask an admin to reset the password."),
    "auth_no_accounts": ("工作空间中还没有账号。请先在服务器上创建第一个管理员："
                         "python -m gis users add 名称 --role admin",
                         "The workspace has no account yet. Create the first admin on the server: "
                         "python -m gis users add NAME --role admin"),
    "auth_session_expired": ("登录已过期，请重新登录。", "Your sign-in has expired. Please sign in again."),
    "auth_no_account": ("单点登录用户 {who} 在本应用中没有账号。请管理员添加：python -m gis users add {who} --role "
                        "viewer --sso",
                        "The single-sign-on user {who} has no account in this app. Fix: ask an admin to add it: "
                        "python -m gis users add {who} --role viewer --sso"),
    "auth_bad_mode": ("PUTUO_AUTH 的值 {mode} 无效。应为以下之一：{expected}。",
                      "PUTUO_AUTH={mode} is not valid. Expected one of: {expected}."),
    "auth_bad_proxy_config": ("可信代理设置无效：{reason}。需要 PUTUO_PROXY_HEADER（如 X-Remote-User）和 "
                              "PUTUO_TRUSTED_PROXIES（逗号分隔的 IP 或网段）。",
                              "The trusted-proxy settings are not valid: {reason}. Expected PUTUO_PROXY_HEADER (e.g. "
                              "X-Remote-User) and PUTUO_TRUSTED_PROXIES (comma-separated IPs or networks)."),
    "auth_bad_number": ("{name} 的值 {value} 无效。应为 {low}–{high} 之间的整数。",
                        "{name}={value} is not valid. Expected a whole number from {low} to {high}."),
    "perm_denied": ("{who}（{role}）无权{action}。需要的角色：{needed}。",
                    "{who} ({role}) may not {action}. Role needed: {needed}."),
    "perm_not_owner": ("{who} 不能修改 {owner} 创建的方案“{name}”。请另存为新方案。",
                       "{who} may not change the scenario '{name}' created by {owner}. Fix: save it as a new "
                       "scenario."),
    # audit trail: what each entry says (shown in either language)
    "aud_scenario_saved": ("保存方案“{name}”第 {version} 版：{changes}",
                           "saved scenario '{name}' version {version}: {changes}"),
    "aud_scenario_overwrite": ("审阅后覆盖保存方案“{name}”第 {version} 版（覆盖了第 {overwritten} "
                               "版之上的改动）：{changes}",
                               "saved scenario '{name}' version {version} over version {overwritten} after review: "
                               "{changes}"),
    "aud_scenario_branched": ("由方案 {parent} 第 {parent_version} 版另存为新方案“{name}”",
                              "saved '{name}' as a new scenario branched from {parent} version {parent_version}"),
    "aud_scenario_imported": ("从文件 {file} 导入方案“{name}”（文件中的编号 {source_id}）",
                              "imported scenario '{name}' from the file {file} (id in the file: {source_id})"),
    "aud_scenario_archived": ("归档方案“{name}”，原因：{reason}", "archived scenario '{name}'; reason: {reason}"),
    "aud_scenario_unarchived": ("恢复已归档的方案“{name}”", "restored the archived scenario '{name}'"),
    "aud_layer_published": ("发布图层 {layer} 第 {version} 版（{features} 个要素）",
                            "published layer {layer} version {version} ({features} features)"),
    "aud_layer_restored": ("恢复图层 {layer}：把第 {from_version} 版重新发布为第 {version} 版",
                           "restored layer {layer}: version {from_version} published again as version {version}"),
    "aud_account_added": ("添加账号 {name}，角色：{role}", "added account {name} with role {role}"),
    "aud_account_role": ("账号 {name} 的角色由 {before} 改为 {after}",
                         "account {name}: role changed from {before} to {after}"),
    "aud_account_disabled": ("停用账号 {name}", "disabled account {name}"),
    "aud_account_enabled": ("启用账号 {name}", "enabled account {name}"),
    "aud_password_changed": ("重设账号 {name} 的密码", "changed the password of account {name}"),
    "aud_login": ("登录（{via}）", "signed in ({via})"),
    "aud_login_failed": ("以账号名 {name} 登录失败", "failed sign-in as {name}"),
    "aud_login_locked": ("账号 {name} 因多次登录失败被锁定至 {until}（北京时间）",
                         "account {name} locked until {until} (Beijing time) after repeated failed sign-ins"),
    "aud_logout": ("退出登录", "signed out"),
    "aud_setting_changed": ("将“{key}”由“{before}”改为“{after}”", "setting {key} changed from {before} to {after}"),
    "aud_mapping_saved": ("记住 {kind} 文件的字段对应关系", "remembered the field mapping for {kind} files"),
    "aud_schema_upgraded": ("工作空间结构由 {before} 升级到 {after}；升级前备份：{backup}",
                            "workspace structure upgraded from {before} to {after}; backup made first: {backup}"),
    "aud_none": ("（无）", "(none)"),
    "setting_basemap_url": ("单位底图服务地址", "the bureau's tile service URL"),
    "setting_basemap_datum": ("单位底图坐标基准", "the bureau's tile service datum"),
    "setting_basemap_attribution": ("单位底图版权说明", "the bureau's tile service attribution"),
    "setting_basemap_subdomains": ("单位底图子域名", "the bureau's tile service subdomains"),
    "setting_basemap_max_zoom": ("单位底图最大原生级别", "the bureau's tile service maximum zoom"),
    "aud_verify_ok": ("审计记录完整：{count} 条记录，哈希链无断裂。",
                      "The audit trail is intact: {count} entries, hash chain unbroken."),
    "aud_verify_broken": ("审计记录在第 {seq} 条处被改动：{reason}",
                          "The audit trail was altered at entry {seq}: {reason}"),
    "aud_broken_gap": ("缺少条目（应为第 {expected} 条）", "an entry is missing (expected entry {expected})"),
    "aud_broken_link": ("它记录的前一条哈希与第 {previous} 条不符（前面的条目被删除或改动）",
                        "its previous-entry hash does not match entry {previous} (an earlier entry was removed or "
                        "changed)"),
    "aud_broken_hash": ("其内容与其哈希不符（该条目被改动）",
                        "its contents do not match its hash (the entry was edited)"),
    "aud_broken_head": ("最后一条记录与链头不符（末尾的条目被删除或改动）",
                        "the last entry does not match the chain head (entries at the end were removed or edited)"),
    "via_local": ("本地账号", "local account"),
    "via_oidc": ("单点登录", "single sign-on"),
    "via_proxy": ("可信代理", "trusted proxy"),
    "via_single_user": ("单用户模式", "single-user mode"),
    "via_cli": ("命令行", "command line"),
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
    "err_title_tile_request": ("地图瓦片请求无效", "Invalid map tile request"),
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
    # --- compliance review (合规审查): land-use tables, regulatory-plan layer, proposals -----------------------------
    "err_title_regulatory": ("合规审查无法进行", "The compliance review cannot be done"),
    "reg_table_missing": ("找不到用地分类表 {file}。请恢复 data/regulatory/ 下的表格。",
                          "The land-use table {file} is missing. Restore the tables under data/regulatory/."),
    "reg_table_columns": ("用地分类表 {file} 缺少列：{columns}。请按说明补齐表头。",
                          "The land-use table {file} lacks the columns {columns}. Add them as documented."),
    "reg_table_unknown_code": ("用地分类表 {file} 引用了代码表中没有的代码：{codes}。请先在 landuse_codes.csv 中加入这些代码。",
                               "The land-use table {file} names codes that are not in the code list: {codes}. Add them to landuse_codes.csv first."),
    "reg_layer_konggui": ("控规图层", "regulatory-plan layer"),
    "reg_layer_proposals": ("方案图层", "proposals layer"),
    "reg_empty": ("{layer}中没有要素。请选择含有地块的文件。", "The {layer} has no features. Choose a file that holds parcels."),
    "reg_missing_fields": ("{layer}缺少必需字段：{fields}（可识别的字段名：{known}）。请在字段对应中指定，或按此命名。",
                           "The {layer} lacks required fields: {fields} (recognised names: {known}). Map them in the field mapping, or name them so."),
    "reg_bad_number": ("{layer}中 {feature} 的“{field}”不是有效的非负数值（收到“{value}”）。请填写数字，单位 {unit}。",
                       "In the {layer}, '{field}' of {feature} is not a valid non-negative number (got '{value}'). Write a number, unit {unit}."),
    "reg_unknown_use": ("{layer}中 {feature} 的用地代码“{code}”不在《国土空间调查、规划、用途管制用地用海分类指南》（2023）代码表中。请使用如 0802、100101 的代码。",
                        "In the {layer}, the land-use code '{code}' of {feature} is not in the 2023 land and sea use classification. Use codes such as 0802 or 100101."),
    "reg_not_polygon": ("{layer}中 {feature} 不是面（收到{kind}）。地块和用地红线必须是面。",
                        "In the {layer}, {feature} is not a polygon (got {kind}). Parcels and sites must be polygons."),
    "reg_outside": ("方案“{name}”的用地红线不在任何控规地块内（重叠均不足用地的 1%）。请检查其坐标系或所用的控规图层。",
                    "The site of proposal '{name}' lies outside every regulatory-plan parcel (each overlap is under 1 % of the site). Check its coordinate system or the regulatory layer used."),
    # --- plan monitoring (实施监测) and land performance (亩均效益) -------------------------------------------------
    "err_title_monitoring": ("实施监测数据无法使用", "The monitoring data cannot be used"),
    "err_title_performance": ("亩均效益评价无法进行", "The land-performance evaluation cannot be done"),
    "mon_missing_columns": ("指标实际值表缺少列：{columns}。表头应为“指标”“年份”“数值”。",
                            "The actuals table lacks the columns {columns}. Its header should be 指标 (indicator), 年份 (year), 数值 (value)."),
    "mon_unknown_indicator": ("实际值表中有规划表1之外的指标：{names}。请使用表1的指标名称，如“高新技术企业数量（家）”。",
                              "The actuals table names indicators that are not in Table 1 of the plan: {names}. Use Table 1's names, e.g. 高新技术企业数量（家）."),
    "mon_bad_row": ("实际值表第 {row} 行的年份或数值不是数字（年份“{year}”，数值“{value}”）。请改正后重新导入。",
                    "Row {row} of the actuals table has a year or value that is not a number (year '{year}', value '{value}'). Correct it and import again."),
    "perf_no_key": ("统计表中没有“地块编号”列；若按“统一社会信用代码”填报，请同时提供企业与地块的对应表。",
                    "The statistics table has no 地块编号 (parcel number) column; if it is keyed by 统一社会信用代码, give the table mapping enterprises to parcels too."),
    "perf_missing_column": ("统计表缺少“{column}”列。请按说明填写表头。", "The statistics table lacks the column {column}. Head it as documented."),
    "perf_bad_number": ("统计表“{column}”列第 {row} 行不是有效的非负数值（收到“{value}”）。请改为数字。",
                        "Row {row} of column {column} in the statistics table is not a valid non-negative number (got '{value}'). Write a number."),
    "perf_scheme_keys": ("评价方案必须为每项指标给出权重和基准值：{keys}。", "The scheme must give a weight and a benchmark for every indicator: {keys}."),
    "perf_scheme_weights": ("评价方案的权重之和应为 1（现为 {total}），且不能为负。请调整权重。",
                            "The scheme's weights must be non-negative and add up to 1 (they add up to {total}). Adjust them."),
    "perf_scheme_benchmarks": ("评价方案的基准值和封顶值必须大于 0。", "The scheme's benchmarks and cap must be above 0."),
    "perf_scheme_thresholds": ("分类阈值必须从 A 到 C 递减（现为 A {a}、B {b}、C {c}）。",
                               "The class thresholds must fall from A to C (they are A {a}, B {b}, C {c})."),
    "rev_rule_use": ("用地性质", "Land use"),
    "rev_rule_far_max": ("容积率上限", "Floor area ratio, maximum"),
    "rev_rule_far_min": ("容积率下限", "Floor area ratio, minimum"),
    "rev_rule_height": ("建筑限高", "Building height limit"),
    "rev_rule_density": ("建筑密度上限", "Building coverage, maximum"),
    "rev_rule_green": ("绿地率下限", "Green ratio, minimum"),
    "rev_pass": ("符合", "pass"),
    "rev_fail": ("不符合", "fail"),
    "rev_no_data": ("缺少数据", "no data"),
    "rev_fix_use": ("拟建用途不符合控规用地性质（{planned}）：改用该用地或其子类，或兼容表中允许的用途。",
                    "The proposed use does not agree with the planned use ({planned}): use that class or one of its sub-classes, or a use the compatibility table allows."),
    "rev_fix_gfa_less": ("计容建筑面积减少 {amount} m² 即可满足容积率上限。", "Reduce the floor area counted in the FAR by {amount} m² to meet the maximum FAR."),
    "rev_fix_gfa_more": ("计容建筑面积增加 {amount} m² 即可满足容积率下限。", "Add {amount} m² of floor area counted in the FAR to meet the minimum FAR."),
    "rev_fix_height": ("建筑高度降低 {amount} m 即可满足限高。", "Lower the building by {amount} m to meet the height limit."),
    "rev_fix_footprint": ("建筑基底面积减少 {amount} m² 即可满足建筑密度上限。", "Reduce the building footprint by {amount} m² to meet the maximum coverage."),
    "rev_fix_green": ("绿地面积增加 {amount} m² 即可满足绿地率下限。", "Add {amount} m² of green space to meet the minimum green ratio."),
    "rev_cli_head": ("{name}：{verdict}（用地 {area} m²，最大可建计容面积 {max_gfa} m²）",
                     "{name}: {verdict} (site {area} m², largest compliant floor area {max_gfa} m²)"),
    "raster_not_geotiff": ("无法读取栅格：文件不是 GeoTIFF（只接受 GeoTIFF 栅格；VRT、WMS 等描述文件不被读取）。请导出为带坐标系的 GeoTIFF 后再上传。",
                           "Cannot read the raster: the file is not a GeoTIFF (only GeoTIFF rasters are read; VRT, WMS and other descriptions are not). Export it as a GeoTIFF with a CRS and upload that."),
    "raster_crs_unusable": ("栅格的坐标系“{crs}”无法与地块对应（本地或工程坐标系，没有到地理坐标的转换）。请导出为带标准坐标系（如 EPSG:4549）的 GeoTIFF。",
                            "The raster's coordinate system '{crs}' cannot be related to the parcels (a local or engineering system with no way to geographic coordinates). Export it as a GeoTIFF in a standard system such as EPSG:4549."),
    "ws_payload_outside": ("绘制区域“{name}”（{piece}）不在上海范围内，无法计入园区。请检查该方案文件的坐标。",
                           "The drawn area '{name}' ({piece}) lies outside Shanghai and cannot count towards the park. Check the coordinates of the scenario file."),
    "ws_payload_no_area": ("绘制区域“{name}”（{piece}）的边界自相交，修复后没有面积。请重新绘制。",
                           "The outline of the drawn area '{name}' ({piece}) crosses itself and encloses no area once repaired. Draw it again."),
    # account names (issue 23)
    "err_title_account_name": ("账号名无效", "Invalid account name"),
    "acct_name_invalid": ("收到的账号名 {name} 无效。账号名应为 1–64 个字符，只含字母、数字、中文或 . _ @ -，不含空格。"
                          "请改用这样的名称，例如 li.wei 或 li.wei@bureau.example。",
                          "The account name {name} received is not valid. An account name is 1–64 characters: "
                          "letters, digits, Chinese characters or . _ @ -, no spaces. Fix: use a name like li.wei "
                          "or li.wei@bureau.example."),
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
    sep = "list_semicolon" if code in ("list_semicolon_join", "ws_chg_list") else "list_sep"
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


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return {"$msg": value.code, "params": {k: _plain(v) for k, v in value.params.items()}}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _revive(value: Any) -> Any:
    if isinstance(value, dict) and "$msg" in value:
        if value["$msg"] not in CATALOGUE:
            return Message("legacy_text", {"text": str(value)})
        return Message(value["$msg"], {k: _revive(v) for k, v in (value.get("params") or {}).items()})
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


def message_to_json(message: Message) -> str:
    """A message as canonical JSON text (sorted keys, no spaces; nested messages and lists kept), to store it
    and show it later in either language. The workspace's audit chain hashes this text: keep it stable."""
    return json.dumps(_plain(message), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def message_from_json(text: str) -> Message:
    """A message stored with :func:`message_to_json` (or the first workspace's ``{"code", "params"}``); any other
    text becomes a text message, shown as it is."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return Message("legacy_text", {"text": str(text)})
    if isinstance(value, dict) and "code" in value and "$msg" not in value:
        value = {"$msg": value["code"], "params": value.get("params") or {}}
    revived = _revive(value)
    return revived if isinstance(revived, Message) else Message("legacy_text", {"text": str(text)})


def msg(code: str, /, **params: Any) -> Message:
    """Shorthand for ``Message(code, params)``."""
    return Message(code, params)


def industry_label(code: str, lang: str) -> str:
    """An intended-use code in ``lang``; text that is no code (an imported layer's own words) as written."""
    if not code:
        return render("industry_none", lang=lang)
    return render(f"industry_{code}", lang=lang) if f"industry_{code}" in CATALOGUE else str(code)


def clip_text(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, with "…" (issue 10).

    A word written with spaces is never cut: the text ends after the last whole word that fits (a single
    word longer than half the limit is the exception). Chinese, which has no spaces, is cut between
    characters.
    """
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    following = text[len(cut)]

    def in_word(ch: str) -> bool:
        return ch.isascii() and (ch.isalnum() or ch in "_.-/:")

    if in_word(cut[-1]) and in_word(following):  # in the middle of a word: go back to its start
        start = len(cut)
        while start > 0 and in_word(cut[start - 1]):
            start -= 1
        if start >= limit // 2:
            cut = cut[:start]
    return cut.rstrip(" ,;:-([（") + "…"


def placeholders(code: str) -> dict[str, set[str]]:
    """The placeholder names of ``code`` per language (for the catalogue test)."""
    return {lang: {name for _, name, _, _ in string.Formatter().parse(template(code, lang)) if name}
            for lang in LANGS}
