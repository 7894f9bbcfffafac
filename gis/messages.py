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
    # python -m gis check / convert (gis/cli_files.py)
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
    "cli_gcj02_name_hint": ("提示：{file} 中是 GCJ-02 坐标，但文件名没有写明；"
                            "建议在文件名中加上 GCJ-02，以免被当作 WGS 84。",
                            "Note: {file} holds GCJ-02 coordinates but its name does not say so; add GCJ-02 to the "
                            "name so nobody takes it for WGS 84."),
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
    # --- upload workers (gis/sandbox.py, issue 10) -----------------------------------------------------------
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
    # --- exporters (gis/exporters.py, issues 10 and 12) --------------------------------------------------
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
    # --- workspace, accounts, audit (gis/workspace, issue 11) --------------------------------------------
    # --- context data, datum check (issue 12) ------------------------------------------------------------
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
