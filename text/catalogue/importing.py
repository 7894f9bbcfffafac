"""Importing user files: reading problems, notes, CRS guesses, the import page."""

ENTRIES: dict[str, tuple[str, str]] = {
    # reading user files (ingest/)
    "imp_unsupported": (
        "{file}：不支持的文件类型 {suffix}。应为以下之一：{expected}。请另存为其中一种格式后再导入。",
        "{file}: unsupported file type {suffix}. Expected one of: {expected}. Save it in one of "
        "these formats and import again.",
    ),
    "imp_not_table": (
        "{file}：{suffix} 不是表格文件。应为 CSV 或 XLSX。",
        "{file}: {suffix} is not a table. Expected a CSV or XLSX file.",
    ),
    "imp_too_large": (
        "{file}：文件大小 {size_mb} MB，超过 {limit_mb} MB 的上限。请拆分文件或只导出需要的要素。",
        "{file}: {size_mb} MB is over the {limit_mb} MB limit. Split the file or export only the features you need.",
    ),
    "imp_empty": (
        "{file}：文件是空的（0 字节）。请检查上传的是否为正确的文件。",
        "{file}: the file is empty (0 bytes). Check that you uploaded the right file.",
    ),
    "imp_is_zip": (
        "{file}：文件内容是 zip 压缩包，而不是 {expected}。请把扩展名改为 .zip 后再上传。",
        "{file}: the file is a zip archive, not {expected}. Rename it to .zip and upload it again.",
    ),
    "imp_wrong_format": (
        "{file}：无法按 {expected} 读取，内容与文件扩展名不符。请确认文件格式，或用 GIS 软件重新导出。",
        "{file}: cannot be read as {expected}: the content does not match the file's name. "
        "Check the format, or export the file again from your GIS.",
    ),
    "imp_wrong_driver": (
        "{file}：内容被识别为 {found}，而不是 {expected}。出于安全考虑不予读取。请以 {expected} 格式重新导出。",
        "{file}: the content is {found}, not {expected}, and is not read for safety. Export it again as {expected}.",
    ),
    "imp_xml_not_utf8": (
        "{file}：XML 不是 UTF-8 编码。请以 UTF-8 编码另存后再导入。",
        "{file}: the XML is not UTF-8. Save it as UTF-8 and import again.",
    ),
    "imp_xml_entities": (
        "{file}：XML 中含有 DOCTYPE/ENTITY 声明（可能引用服务器上的文件或无限展开），已拒绝。"
        "KML 和 Excel 文件不需要这些声明：请用 GIS 软件或 Excel 重新保存。",
        "{file}: the XML declares a DOCTYPE/ENTITY (which can reach files on the server or "
        "expand without end) and is refused. KML and Excel files never need one: save the file "
        "again from your GIS or Excel.",
    ),
    "imp_read_failed": (
        "{file}：无法读取，文件可能已截断、损坏或与扩展名不符（GDAL 提示：{reason}）。",
        "{file}: cannot be read; the file may be truncated, damaged or not what its name says (GDAL: {reason}).",
    ),
    "imp_no_layer_in_file": (
        "{file}：文件中没有图层。请确认导出时选择了要素图层。",
        "{file}: the file holds no layer. Check that a feature layer was exported.",
    ),
    "imp_gpkg_not_geopackage": (
        "{file}：这是 SQLite 数据库，但不是 GeoPackage（缺少 gpkg_spatial_ref_sys 表）。"
        "请用 GIS 软件另存为 GeoPackage。",
        "{file}: an SQLite database but not a GeoPackage (no gpkg_spatial_ref_sys table). "
        "Save it as a GeoPackage from your GIS.",
    ),
    "imp_kmz_no_kml": (
        "{file}：KMZ 中应有一个 .kml 文件，实际内容为：{found}。",
        "{file}: a KMZ must contain a .kml file; found: {found}.",
    ),
    "imp_zip_no_data": (
        "{file}：压缩包中应有一个 Shapefile（.shp 及其 .shx/.dbf），或一个 GeoPackage/GeoJSON/KML/"
        "DXF/CSV/XLSX 文件；实际内容为：{found}。",
        "{file}: expected a Shapefile (.shp with its .shx/.dbf), or one GeoPackage/GeoJSON/KML/"
        "DXF/CSV/XLSX file in the zip; found: {found}.",
    ),
    "imp_zip_nested": (
        "{file}：压缩包里又套了压缩包，不予读取。请解压后只上传一层压缩包。",
        "{file}: a zip inside a zip is not read. Unpack it and upload a single zip.",
    ),
    "imp_shp_missing_part": (
        "{file}：Shapefile {layer} 缺少 {part} 文件。请把 .shp、.shx、.dbf、.prj、.cpg 一起压缩。",
        "{file}: the Shapefile {layer} has no {part} file. Zip the .shp, .shx, .dbf, .prj and .cpg together.",
    ),
    "imp_zip_unreadable": (
        "{file}：不是可读的 zip 压缩包（已损坏或不是 zip）。请重新压缩后再上传。",
        "{file}: not a readable zip archive (damaged, or not a zip). Zip the files again and upload it.",
    ),
    "imp_zip_members": (
        "{file}：压缩包中有 {count} 个文件，最多接受 {limit} 个。请只压缩需要导入的图层。",
        "{file}: {count} files in the archive; at most {limit} are accepted. Zip only the layers to import.",
    ),
    "imp_zip_duplicate": (
        "{file}：压缩包中有重名的文件 {member}，已拒绝。",
        "{file}: the archive holds {member} twice; refused.",
    ),
    "imp_zip_link": (
        "{file}：压缩包中的 {member} 是符号链接，不予读取。",
        "{file}: {member} in the archive is a symbolic link; links are not read.",
    ),
    "imp_zip_encrypted": (
        "{file}：压缩包中的 {member} 已加密。请上传未加密的压缩包。",
        "{file}: {member} in the archive is encrypted. Upload an archive without a password.",
    ),
    "imp_zip_path": (
        "{file}：压缩包成员 {member} 的路径指向压缩包之外（绝对路径或 ..），已拒绝。",
        "{file}: member {member} points outside the archive (an absolute path or ..); refused.",
    ),
    "imp_zip_overlap": (
        "{file}：压缩包成员 {member} 与其他成员共用数据（一种 zip 炸弹），已拒绝。",
        "{file}: member {member} shares its data with other members (a kind of zip bomb); refused.",
    ),
    "imp_zip_total": (
        "{file}：解压后达到 {size_mb} MB，超过 {limit_mb} MB 的上限（按实际解压的字节计），已拒绝。",
        "{file}: {size_mb} MB once unpacked, over the {limit_mb} MB limit (counted on the bytes "
        "actually inflated); refused.",
    ),
    "imp_zip_ratio": (
        "{file}：成员 {member} 的压缩比为 {ratio}:1，超过 {limit}:1 的上限，疑似 zip 炸弹，已拒绝。",
        "{file}: member {member} expands {ratio} times, over the limit of {limit}; refused as a possible zip bomb.",
    ),
    "imp_zip_size_lie": (
        "{file}：成员 {member} 声明大小为 {declared:,} 字节，实际解压出的内容更多（已读 {actual:,} "
        "字节），疑似 zip 炸弹，已拒绝。",
        "{file}: member {member} declares {declared:,} bytes but inflates to more ({actual:,} "
        "bytes read); refused as a possible zip bomb.",
    ),
    "imp_zip_member_total": (
        "{file}：成员 {member} 解压后超过 {limit_mb} MB 的上限，已拒绝。",
        "{file}: member {member} inflates to more than the {limit_mb} MB limit; refused.",
    ),
    "imp_zip_member_damaged": (
        "{file}：压缩包中的 {member} 已损坏（校验失败或数据不完整）。请重新压缩后再上传。",
        "{file}: {member} in the archive is damaged (checksum or data incomplete). Zip the files again and upload it.",
    ),
    "imp_zip_method": (
        "{file}：压缩包中的 {member} 使用了不支持的压缩方法（{method}）。请用标准（Deflate）压缩重新打包。",
        "{file}: {member} uses an unsupported compression method ({method}). Zip it again with "
        "standard (Deflate) compression.",
    ),
    "imp_too_many_features": (
        "{file}：图层有 {count} 个要素，最多接受 {limit} 个。请拆分图层或只导出需要的范围。",
        "{file}: {count} features; at most {limit} are accepted. Split the layer or export only the area you need.",
    ),
    "imp_no_layer": (
        "{file}：没有名为 {layer} 的图层。文件中的图层：{layers}。",
        "{file}: no layer {layer}; the file has: {layers}.",
    ),
    "imp_no_features": (
        "{file}：图层 {layer} 中没有要素（no features）。请确认导出时包含了要素。",
        "{file}: the layer {layer} has no features. Check that the export included them.",
    ),
    "imp_no_geometry": (
        "{file}：没有任何要素带有几何图形，文件可能已截断或损坏。",
        "{file}: no feature has a geometry (the file may be truncated or damaged).",
    ),
    "imp_coords_not_finite": (
        "{file}：{count} 个要素含有 NaN 或无穷大坐标（第 {rows} 个）。请在源文件中修正。",
        "{file}: NaN or infinite coordinates in {count} feature(s) (numbers {rows}). Fix them in the source file.",
    ),
    "imp_coords_not_numbers": (
        "{file}：坐标列 {columns} 中有 {count} 行不是数字（第 {rows} 行，不含表头）。请修正或清空这些单元格。",
        "{file}: {count} row(s) of the coordinate columns {columns} are not numbers (rows "
        "{rows}, header not counted). Fix or empty those cells.",
    ),
    "imp_mixed_types": (
        "{file}：几何类型混杂（{types}）。一个图层只能有一种（面、点或线）。请拆分文件。",
        "{file}: mixed geometry types ({types}); one layer must hold one kind (polygons, points "
        "or lines). Split the file.",
    ),
    "imp_wrong_family": (
        "{file}：几何类型为 {types}，而该图层需要{expected}。请选择对应的目标图层或换一个文件。",
        "{file}: geometry type {types}; this layer needs {expected}. Choose the matching target layer or another file.",
    ),
    "imp_family_polygon": ("面", "polygons"),
    "imp_family_point": ("点", "points"),
    "imp_family_line": ("线", "lines"),
    "imp_family_any": ("任意几何", "any geometry"),
    "imp_crs_none_fits": (
        "{file}：文件没有坐标系，且坐标（x ≈ {x}，y ≈ {y}）不符合任何已知的上海坐标系。"
        "请选择坐标系（EPSG 代码、WKT 或 PROJ 字符串）后重新导入。",
        "{file}: no coordinate system in the file and none fits coordinates around x ≈ {x}, "
        "y ≈ {y}. Choose one (EPSG code, WKT or PROJ string) and import again.",
    ),
    "imp_crs_transform_failed": (
        "{file}：无法从 {crs} 转换到 WGS84（{reason}）。请选择另一个坐标系。",
        "{file}: cannot transform from {crs} to WGS84 ({reason}). Choose another coordinate system.",
    ),
    "imp_outside_shanghai": (
        "{file}：按 {crs} 读取后，有 {count} 个要素位于上海以外（范围 {extent}）。坐标系是否正确？经度和纬度是否颠倒？",
        "{file}: {count} feature(s) lie outside Shanghai once read as {crs} (extent {extent}). "
        "Is the CRS right, or are lat/lon swapped?",
    ),
    "imp_unrepairable": (
        "{file}：{count} 个无效几何无法修复为{expected}（第 {rows} 个）。请在 GIS 软件中修正。",
        "{file}: {count} invalid geometr(y/ies) cannot be repaired into {expected} (numbers "
        "{rows}). Fix them in your GIS.",
    ),
    "imp_file_crs_link": (
        "{file}：文件声明的坐标系 {crs} 是一个链接，不会去获取。请在文件中写明 EPSG 代码，或导入时选择坐标系。",
        "{file}: the file declares its CRS as a link ({crs}), which is never fetched. Write an "
        "EPSG code into the file, or choose the CRS when importing.",
    ),
    "imp_file_crs_bad": (
        "{file}：文件声明的坐标系 {crs} 无法使用：{reason}",
        "{file}: the file declares the CRS {crs}, which cannot be used: {reason}",
    ),
    "imp_file_crs_unsafe": (
        "{file}：文件声明的坐标系 {crs} 含有引用文件的参数（{param}），已拒绝。请用 EPSG 代码或不引用文件的定义。",
        "{file}: the file's CRS {crs} has a parameter that refers to files ({param}); "
        "refused. Use an EPSG code or a definition without file references.",
    ),
    "imp_file_crs_unusable": (
        "{file}：文件声明的坐标系 {crs} 无法识别。请导入时选择正确的坐标系（EPSG 代码）。",
        "{file}: the file declares the CRS {crs}, which cannot be understood. Choose the "
        "right CRS (EPSG code) when importing.",
    ),
    "imp_text_encoding": (
        "{file}：文本既不是 UTF-8 也不是 GBK/GB18030。请以 UTF-8 另存后再导入。",
        "{file}: the text is neither UTF-8 nor GBK/GB18030. Save it as UTF-8 and import again.",
    ),
    "imp_csv_unreadable": (
        "{file}：不是可读的 CSV 表格（{reason}）。请检查分隔符和引号。",
        "{file}: not a readable CSV table ({reason}). Check the separators and quotes.",
    ),
    "imp_table_empty": ("{file}：表格没有数据行（no rows）。", "{file}: the table has no rows."),
    "imp_table_rows": (
        "{file}：表格超过 {limit} 行的上限，已拒绝。请拆分表格。",
        "{file}: the table has more than the limit of {limit} rows; refused. Split the table.",
    ),
    "imp_xlsx_rows": (
        "{file}：工作表超过 {limit} 行的上限（在解析前按压缩数据计数），已拒绝。请拆分表格。",
        "{file}: the worksheet has more than the limit of {limit} rows (counted in the compressed "
        "XML before it is parsed); refused. Split the table.",
    ),
    "imp_table_cells": (
        "{file}：表格超过 {limit} 个单元格的上限，已拒绝。请拆分表格或删去不需要的列。",
        "{file}: the table has more than the limit of {limit} cells; refused. Split it or remove "
        "columns you do not need.",
    ),
    "imp_table_columns": (
        "{file}：表格超过 {limit} 列的上限，已拒绝。请删去不需要的列。",
        "{file}: the table has more than the limit of {limit} columns; refused. Remove columns you do not need.",
    ),
    "imp_xls_old": (
        "{file}：这是旧版 Excel 97-2003（.xls）工作簿。请在 Excel 中另存为 .xlsx（Excel 工作簿）。",
        "{file}: an old Excel 97-2003 (.xls) workbook. Save it as .xlsx (Excel Workbook) in Excel.",
    ),
    "imp_xlsx_not_workbook": (
        "{file}：不是 Excel 工作簿（缺少 xl/workbook.xml）。请在 Excel 中另存为 .xlsx。",
        "{file}: not an Excel workbook (no xl/workbook.xml). Save it as .xlsx in Excel.",
    ),
    "imp_xlsx_unreadable": (
        "{file}：无法作为 Excel 工作簿读取（{reason}）。请在 Excel 中重新保存。",
        "{file}: cannot be read as an Excel workbook ({reason}). Save it again in Excel.",
    ),
    "imp_wkt_invalid": (
        "{file}：{column} 列中有 {count} 个单元格不是有效的 WKT（第 {rows} 行，不含表头）。",
        "{file}: {count} cell(s) of the column {column} are not valid WKT (rows {rows}, header not counted).",
    ),
    "imp_xy_missing": (
        "{file}：没有名为 {column} 的列。表格中的列：{columns}。",
        "{file}: no column {column}; the table has: {columns}.",
    ),
    "imp_no_coordinates": (
        "{file}：没有找到坐标列。应为经度/纬度（或东经/北纬、lon/lat）、x/y 列，或一个 wkt 列；"
        "表格中的列：{columns}。请在页面上选择坐标列。",
        "{file}: no coordinate columns found. Expected lon/lat (经度/纬度, 东经/北纬) or x/y "
        "columns, or a wkt column; the table has: {columns}. Pick the columns on the page.",
    ),
    "imp_map_required": (
        "请为 {fields} 选择对应的列：导入“{kind}”图层时必须有这些字段。",
        "Map the column(s) for {fields}: the layer “{kind}” needs them.",
    ),
    "imp_map_unknown_column": (
        "字段 {field} 对应的列 {column} 在文件中不存在。",
        "The column {column} chosen for {field} is not in the file.",
    ),
    "imp_duplicate_ids": (
        "{column} 列中有重复的编号：{ids}。每个要素需要唯一的编号。",
        "Duplicate ids in the column {column}: {ids}. Each feature needs its own id.",
    ),
    "imp_bad_cluster": (
        "区块取值 {values} 不是 north/south（北/南）。",
        "Cluster values {values} are not north/south (北/南).",
    ),
    "imp_combine_mode": (
        "未知的合并方式 {mode}。应为 replace（替换）、append（追加）或 merge（按编号合并）。",
        "Unknown way to combine {mode}. Expected replace, append or merge.",
    ),
    "imp_combine_no_id": (
        "图层没有 id 列，无法按编号比较。请先完成字段映射。",
        "A layer has no id column, so features cannot be compared by id. Map the fields first.",
    ),
    "imp_combine_ids_exist": (
        "追加时有 {count} 个编号已在当前图层中：{ids}。请改用“按编号合并”，或修改这些编号。",
        "{count} id(s) to append are already in the current layer: {ids}. Use merge by id, or change those ids.",
    ),
    "imp_guess_lonlat": (
        "上海范围内的经纬度：WGS84（也可能是 CGCS2000、GCJ-02 或 BD-09，如知道请选择）",
        "lon/lat in Shanghai: WGS84 (or CGCS2000, GCJ-02, BD-09 — choose if you know)",
    ),
    "imp_guess_cgcs2000": ("CGCS2000 经纬度", "CGCS2000 lon/lat"),
    "imp_guess_gcj02": ("高德/腾讯（GCJ-02）经纬度", "AMap/Tencent (GCJ-02) lon/lat"),
    "imp_guess_bd09": ("百度（BD-09）经纬度", "Baidu (BD-09) lon/lat"),
    "imp_guess_swap": ("纬度/经度顺序：第一个坐标像纬度", "lat/lon order: the first coordinate looks like a latitude"),
    "imp_guess_projected": ("{name}：x ≈ {x}，y ≈ {y}", "{name}: x ≈ {x}, y ≈ {y}"),
    "imp_note_datum_op": (
        "文件的大地基准为 {datum}：按 PROJ 的转换“{op}”换算到 WGS 84，精度约 {accuracy} 米。",
        "The file's datum is {datum}: converted to WGS 84 with PROJ's operation '{op}', accurate to about {accuracy} m.",
    ),
    "imp_note_datum_ballpark": (
        "请确认：文件的大地基准为 {datum}，PROJ 只有近似转换“{op}”（未给出精度，可能偏差数米至上百米）。如有七参数或当地转换参数，请在 GIS 软件中转换为 CGCS2000 后再导入；否则请确认后使用。",
        "Please confirm: the file's datum is {datum} and PROJ only has the approximate operation '{op}' (no stated accuracy; positions may be metres to a hundred metres off). If you have the seven parameters or a local transformation, convert the file to CGCS2000 in your GIS software first; otherwise confirm to use it.",
    ),
    "imp_note_datum_out_of_area": (
        "请确认：文件的大地基准为 {datum}，PROJ 在此处使用的转换“{op}”（精度约 {accuracy} 米）适用范围为“{area}”，并非本地区，实际偏差可能更大。请在 GIS 软件中用当地参数转换为 CGCS2000 后再导入，或确认后使用。",
        "Please confirm: the file's datum is {datum} and the operation PROJ uses here, '{op}' (about {accuracy} m), is meant for '{area}', not this area, so the error may be larger. Convert the file to CGCS2000 with local parameters in your GIS software first, or confirm to use it.",
    ),
    "imp_note_crs_guessed": (
        "文件没有坐标系：推测为 {crs}（{why}）。请确认或另选。",
        "No CRS in the file: guessed {crs} ({why}). Confirm it or choose another.",
    ),
    "imp_note_crs_guessed_evidence": (
        "文件没有坐标系：按与地铁站和道路的比对推测为 {crs}（{why}）。请确认或另选。",
        "No CRS in the file: compared with the metro stations and roads, it is most likely {crs} ({why}). "
        "Confirm it or choose another.",
    ),
    "imp_note_no_geometry": (
        "{count} 个没有几何图形的要素已略去（第 {rows} 个）。",
        "{count} feature(s) without geometry left out (numbers {rows}).",
    ),
    "imp_note_3d": ("已去掉三维（Z）坐标：本系统按二维处理。", "3D (Z) coordinates dropped: the app works in 2D."),
    "imp_note_repaired": (
        "{count} 个无效几何已用 make_valid 修复（第 {rows} 个）。",
        "{count} invalid geometr(y/ies) repaired with make_valid (numbers {rows}).",
    ),
    "imp_note_dxf_kept": (
        "DXF 图形种类混杂：只保留了{kept}，略去其他 {count} 个图元（文字、线等）。",
        "The DXF mixes kinds of entities: kept the {kept}, left out {count} other entities (text, lines, …).",
    ),
    "imp_note_dxf_encoding": (
        "DXF 声明的代码页为 {declared}，但文字实际是 {used}，已按 {used} 读取。",
        "The DXF declares code page {declared} but its text is {used}; read as {used}.",
    ),
    "imp_note_no_cpg": (
        "压缩包中没有 .cpg 文件：属性文字已按 {encoding} 编码读取。",
        "No .cpg in the archive: attribute text decoded as {encoding}.",
    ),
    "imp_note_cpg_wrong": (
        ".cpg 声明编码为 {declared}，但文字实际是 {used}，已按 {used} 读取。",
        "The .cpg says {declared} but the text is {used}; read as {used}.",
    ),
    "imp_note_cpg_unknown": (
        ".cpg 中的编码 {value} 无法识别，已根据文字内容判断编码。",
        "The .cpg names an unknown encoding ({value}); the encoding was detected from the text.",
    ),
    "imp_note_field_cut": (
        "字段名 {original} 被 dBASE 的 10 字节上限截断在半个字符处，已修复为 {field}。",
        "The field name {original} was cut in the middle of a character by the 10-byte dBASE "
        "limit; repaired as {field}.",
    ),
    "imp_note_fields_restored": (
        "已根据 fields.csv 恢复 {count} 个完整字段名。",
        "{count} full field name(s) restored from fields.csv.",
    ),
    "imp_note_shifted_datum": (
        "文件的坐标系为 {name}，按 {crs} 坐标读取并换算到 WGS84。",
        "The file's CRS is {name}: read as {crs} coordinates and shifted to WGS84.",
    ),
    "imp_note_zip_member": ("读取的是压缩包中的 {member}。", "Read {member} from the zip."),
    "imp_task_read": ("读取 {file}", "Reading {file}"),
    # import page
    "imp_title": ("导入官方数据：子园、地块、载体", "Load official data: sub-parks, parcels, carriers"),
    "imp_target": ("导入到哪个图层", "Target layer"),
    "imp_file": ("上传文件", "Upload a file"),
    "imp_formats": (
        "GeoJSON、压缩的 Shapefile（zip）、GeoPackage、KML/KMZ、DXF、CSV/XLSX（经纬度或 x/y 列）",
        "GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ, DXF, CSV/XLSX (lon/lat or x/y columns)",
    ),
    "imp_layer": ("文件中的图层", "Layer in the file"),
    "imp_crs": ("坐标系", "Coordinate system"),
    "imp_crs_auto": ("自动（文件声明或按坐标猜测）", "Automatic (from the file, or guessed)"),
    "imp_crs_custom": ("其他（EPSG 代码或 PROJ 字符串）", "Other (EPSG code or PROJ string)"),
    "crs_name_EPSG:4326": ("WGS 84 经纬度（EPSG:4326）", "WGS 84 lon/lat (EPSG:4326)"),
    "crs_name_EPSG:4490": ("CGCS2000 经纬度（EPSG:4490）", "CGCS2000 lon/lat (EPSG:4490)"),
    "crs_name_EPSG:4549": (
        "CGCS2000 / 3度带 中央经线 120°E（EPSG:4549）",
        "CGCS2000 / 3-degree GK CM 120E (EPSG:4549)",
    ),
    "crs_name_EPSG:4550": (
        "CGCS2000 / 3度带 中央经线 123°E（EPSG:4550）",
        "CGCS2000 / 3-degree GK CM 123E (EPSG:4550)",
    ),
    "crs_name_EPSG:4528": (
        "CGCS2000 / 3度带 第 40 带，带号前缀（EPSG:4528）",
        "CGCS2000 / 3-degree GK zone 40, with zone prefix (EPSG:4528)",
    ),
    "crs_name_EPSG:4529": (
        "CGCS2000 / 3度带 第 41 带，带号前缀（EPSG:4529）",
        "CGCS2000 / 3-degree GK zone 41, with zone prefix (EPSG:4529)",
    ),
    "crs_name_EPSG:4499": (
        "CGCS2000 / 6度带 第 21 带，带号前缀（EPSG:4499）",
        "CGCS2000 / 6-degree GK zone 21, with zone prefix (EPSG:4499)",
    ),
    "crs_name_GCJ-02": ("GCJ-02 火星坐标（高德、腾讯）", "GCJ-02 (AMap, Tencent)"),
    "crs_name_BD-09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "crs_name_SWAP": ("纬度/经度顺序颠倒", "Latitude/longitude swapped"),
    "imp_proj": ("EPSG 代码或 PROJ 字符串", "EPSG code or PROJ string"),
    "imp_x": ("经度 / x 列", "Longitude / x column"),
    "imp_y": ("纬度 / y 列", "Latitude / y column"),
    "imp_detected": ("识别结果", "Detected"),
    "imp_features": ("要素数", "Features"),
    "imp_source_crs": ("源坐标系", "Source CRS"),
    "imp_how": ("来源", "How"),
    "imp_how_file": ("文件声明", "declared in the file"),
    "imp_how_guessed": ("按坐标范围猜测，请确认", "guessed from the coordinates: confirm"),
    "imp_how_chosen": ("手动指定", "chosen by you"),
    "imp_encoding": ("属性编码", "Attribute encoding"),
    "imp_geomtypes": ("几何类型", "Geometry types"),
    "gt_Polygon": ("面", "Polygon"),
    "gt_MultiPolygon": ("多面", "MultiPolygon"),
    "gt_Point": ("点", "Point"),
    "gt_MultiPoint": ("多点", "MultiPoint"),
    "gt_LineString": ("线", "LineString"),
    "gt_MultiLineString": ("多线", "MultiLineString"),
    "imp_mapping": ("字段对应", "Field mapping"),
    "imp_mapping_hint": (
        "把文件的列对应到本应用的字段；同类文件下次会记住。",
        "Map the file's columns to the app's fields; remembered for files like this.",
    ),
    "imp_none": ("（无）", "(none)"),
    "imp_diff": ("与当前图层相比", "Compared with the current layer"),
    "imp_apply": ("应用到本次会话", "Use it in this session"),
    "imp_applied": ("已应用：所有页面现在使用导入的图层。", "Applied: every page now uses the imported layer."),
    "imp_reset": ("恢复为内置演示数据", "Back to the bundled demonstration data"),
    "imp_reset_confirm": (
        "确定放弃本次导入的图层（{layers}），恢复为内置演示数据？导入的内容不能找回。",
        "Drop the imported layers ({layers}) and go back to the bundled demonstration data? What was imported "
        "cannot be brought back.",
    ),
    "imp_active": ("当前会话使用的导入图层：", "Imported layers in use: "),
    "imp_check": ("导入后的数据检查", "Check of the data with the import"),
    "sampled": (
        "图层要素过多（{n:,} 个），地图只显示规则抽样的 {k:,} 个；统计与评分仍使用全部要素。",
        "The layer has {n:,} features: the map shows a regular sample of {k:,}; tables and scores use all of them.",
    ),
    "imp_preview_layer": ("导入预览", "Import preview"),
    "imp_publish": (
        "发布为全局图层（所有用户使用，管理员）",
        "Publish as the shared layer (every user's pages; admins)",
    ),
    "imp_publish_help": (
        "发布后作为该图层的新版本保存在工作空间中，可在管理页面查看版本并恢复旧版本；操作记入审计日志。",
        "Saved in the workspace as the layer's next version; versions can be listed and restored on the "
        "admin page; the audit trail records it.",
    ),
    # import page: modes, readings, field mapping
    "imp_mode": ("导入方式", "How to apply"),
    "imp_mode_replace": ("替换当前图层", "Replace the current layer"),
    "imp_mode_append": ("追加到当前图层", "Append to the current layer"),
    "imp_mode_merge": ("按编号合并（同编号更新，新编号追加）", "Merge by id (same id updated, new ids added)"),
    "imp_confirm_remove": (
        "我已核对：应用后将移除 {removed} 个、更新 {changed} 个现有要素（{ids}）。",
        "I have checked: applying removes {removed} and updates {changed} existing feature(s) ({ids}).",
    ),
    "imp_limits_hint": (
        "上传文件在独立进程中读取：最大 {mb} MB，内存 {mem} MB，CPU 时间 {cpu} 秒。",
        "Uploads are read in a separate process: at most {mb} MB, {mem} MB of memory, {cpu} s of CPU.",
    ),
    "imp_confirm_guess": ("确认坐标系 {crs}", "Confirm the CRS {crs}"),
    "imp_current_file": ("当前文件：{name}（{size:.2f} MB）", "Current file: {name} ({size:.2f} MB)"),
    "imp_remove_file": ("移除文件", "Remove the file"),
    "imp_pick_column": ("选择列", "Pick a column"),
    "imp_guess_warning": (
        "文件没有声明坐标系，下面是按坐标范围的猜测。请确认，或在上方选择正确的坐标系。",
        "The file declares no coordinate system; below is a guess from the coordinates. Confirm it, "
        "or choose the right one above.",
    ),
    "imp_use_reading": ("按 {reading} 读取", "Read it as {reading}"),
    "imp_layer_readings": ("导入图层的三种读法", "The import read three ways"),
    "imp_reading_declared": ("按声明的坐标系", "As declared"),
    "imp_reading_wgs84": ("WGS84", "WGS84"),
    "imp_reading_gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (AMap/Tencent)"),
    "imp_reading_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "imp_diff_counts": (
        "新增 {added} · 移除 {removed} · 更新 {changed} · 保留 {kept} · 面积 {before:.3f} → {after:.3f} km²",
        "{added} added · {removed} removed · {changed} updated · {kept} kept · area {before:.3f} → {after:.3f} km²",
    ),
    "imp_confirm_first": (
        "请先确认上面的坐标系和要移除/更新的要素。",
        "Confirm the coordinate system and the removed or updated features above first.",
    ),
    "imp_field_id": ("编号", "Id"),
    "imp_field_name_zh": ("中文名称", "Name (Chinese)"),
    "imp_field_name_en": ("英文名称", "Name (English)"),
    "imp_field_cluster": ("区块", "Cluster"),
    "imp_field_industries_zh": ("产业定位", "Positioning"),
    "imp_field_current_use": ("现状用途", "Current use"),
    "imp_field_intended_use": ("拟引入产业", "Intended industry"),
    "imp_field_plot_ratio": ("容积率", "Plot ratio"),
    "imp_field_kind": ("类型", "Kind"),
    "imp_field_subpark_id": ("所属子园", "Sub-park"),
    # budgets counted on what is actually read, before the expensive step
    "imp_json_too_deep": (
        "{file}：JSON 的对象/数组嵌套超过 {limit} 层的上限，已拒绝。请用 GIS 软件重新导出。",
        "{file}: the JSON nests objects/arrays deeper than the limit of {limit} levels; refused. "
        "Export the file again from your GIS.",
    ),
    "imp_json_crs_too_big": (
        "{file}：文件中的坐标系声明超过 {limit_kb} KB 的上限，已拒绝。请写明 EPSG 代码。",
        "{file}: a coordinate system declaration in the file is over the limit of {limit_kb} KB; refused. "
        "Write an EPSG code instead.",
    ),
    "imp_json_crs_too_many": (
        "{file}：文件声明了超过 {limit} 个不同的坐标系（上限 {limit} 个），已拒绝。一个文件只应声明一个坐标系。",
        "{file}: the file declares more than {limit} different coordinate systems (the limit is {limit}); "
        "refused. A file should declare one.",
    ),
    "imp_csv_line_columns": (
        "{file}：表头有 {count} 列，超过 {limit} 列的上限（在解析前按第一行计数），已拒绝。请删去不需要的列。",
        "{file}: the header has {count} columns, over the limit of {limit} columns (counted on the first "
        "line before the table is parsed); refused. Remove columns you do not need.",
    ),
    "imp_csv_line_long": (
        "{file}：第一行超过 {limit_kb} KB 的上限（表头行长度上限），已拒绝。请检查文件是否为逐行的表格。",
        "{file}: the first line is over the limit of {limit_kb} KB for a header line; refused. Check that "
        "the file is a table with one record per line.",
    ),
    "imp_table_span": (
        "{file}：表格跨 {rows} 行 × {columns} 列，共 {cells} 个单元格，超过 {limit} 个单元格的上限，已拒绝。"
        "请删去远离数据的空行空列中的内容，或拆分表格。",
        "{file}: the table spans {rows} rows × {columns} columns = {cells} cells, over the limit of {limit} "
        "cells; refused. Clear stray cells far from the data, or split the table.",
    ),
    "imp_table_text": (
        "{file}：表格中的文字共超过 {limit_mb} MB 的上限，已拒绝。请删去长文本列。",
        "{file}: the text in the table is over the limit of {limit_mb} MB in all; refused. Remove long text columns.",
    ),
    "imp_dxf_expansion": (
        "{file}：图块插入展开后有 {count} 个图元，超过 {limit} 个的上限（在展开前计数），已拒绝。"
        "请在 CAD 软件中分解图块或只导出需要的图层。",
        "{file}: the block insertions expand to {count} entities, over the limit of {limit} (counted before "
        "they are expanded); refused. Explode the blocks in your CAD program or export only the layers you need.",
    ),
    "imp_dxf_block_cycle": (
        "{file}：图块 {block} 直接或间接地插入了自身，已拒绝。请在 CAD 软件中修复图块定义。",
        "{file}: block {block} inserts itself (directly or through other blocks); refused. Fix the block "
        "definitions in your CAD program.",
    ),
    "imp_gpkg_layers": (
        "{file}：GeoPackage 有 {count} 个表，超过 {limit} 个的上限（在列出图层前计数），已拒绝。请只导出需要的图层。",
        "{file}: the GeoPackage holds {count} tables, over the limit of {limit} (counted before its layers "
        "are listed); refused. Export only the layers you need.",
    ),
    "imp_dbf_budget": (
        "{file}：属性表有 {records} 条记录 × {fields} 个字段 = {cells} 个值，超过 {limit} 个值的上限（按 .dbf 表头计数），"
        "已拒绝。请删去不需要的字段或拆分文件。",
        "{file}: the attribute table has {records} records × {fields} fields = {cells} values, over the limit of "
        "{limit} values (counted from the .dbf header); refused. Remove fields you do not need or split the file.",
    ),
    "imp_dbf_header_lie": (
        "{file}：属性表（.dbf）声明有 {declared} 条记录，但文件只容得下 {actual} 条，文件已损坏。请重新导出。",
        "{file}: the attribute table (.dbf) declares {declared} records but the file holds only {actual}; "
        "the file is damaged. Export it again.",
    ),
}
