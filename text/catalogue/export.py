"""Export and print: file formats, print maps, atlas and report, the export page."""

ENTRIES: dict[str, tuple[str, str]] = {
    # exporters (export/formats.py)
    "exp_unknown_target": (
        "未知的目标坐标系 {target}。应为以下之一：{expected}。",
        "Unknown target CRS {target}. Expected one of: {expected}.",
    ),
    "exp_unknown_format": (
        "未知的导出格式 {format}。应为以下之一：{expected}。",
        "Unknown format {format}. Expected one of: {expected}.",
    ),
    "exp_no_layer": (
        "没有选择图层：请至少选择一个要导出的图层。",
        "No layer chosen: pick at least one layer to export.",
    ),
    "exp_bad_encoding": (
        "不支持的 Shapefile 编码 {encoding}。应为以下之一：{expected}。",
        "Unsupported Shapefile encoding {encoding}. Expected one of: {expected}.",
    ),
    "exp_kml_lonlat": (
        "KML 只能是经纬度：请选择 wgs84 或 gcj02，而不是 {target}。",
        "KML is lon/lat only; choose wgs84 or gcj02, not {target}.",
    ),
    "exp_csv_geometry": (
        "CSV 的几何列应为 wkt 或 xy，收到的是 {geometry}。",
        "CSV geometry must be 'wkt' or 'xy'; received {geometry}.",
    ),
    # print maps (layers/cartography.py raises these as CartographyError)
    "print_no_cjk_font": (
        "未安装中文字体 {family}（matplotlib 找到的是 {found}）。请运行 apt-get install fonts-noto-cjk"
        "（scripts/setup.sh 会安装）。",
        "The Chinese font {family} is not installed (matplotlib found {found}). Fix: apt-get "
        "install fonts-noto-cjk (scripts/setup.sh does it).",
    ),
    "print_bad_paper": ("纸张 {paper} 未知。应为 A4 或 A3。", "Unknown paper {paper}. Expected A4 or A3."),
    "print_bad_scale": (
        "比例尺 1:{scale} 不在标准系列中。应为以下之一：{series}。",
        "The scale 1:{scale} is not in the standard series. Expected one of: {series}.",
    ),
    "print_extent_too_large": (
        "范围太大：需要约 1:{need} 的比例尺，超过最小比例尺 1:{largest}。请选择较小的范围。",
        "The extent is too large: it needs about 1:{need}, smaller than the smallest "
        "scale 1:{largest}. Fix: choose a smaller extent.",
    ),
    "print_empty_extent": (
        "地图范围为空。应为有宽度和高度的范围，请另选范围。",
        "Empty map extent. Expected an area with a width and a height; choose another extent.",
    ),
    "print_bad_format": (
        "图片格式 {format} 未知。应为 png、pdf 或 svg。",
        "Unknown image format {format}. Expected png, pdf or svg.",
    ),
    "print_nothing_to_frame": (
        "没有可框定的内容：所选范围为空。请选择其他范围。",
        "Nothing to frame: the chosen extent is empty. Choose another extent.",
    ),
    # print map options
    "exp_unit": ("制图单位", "Mapping unit"),
    "exp_approval": ("审图号（可选）", "Map approval number (optional)"),
    "exp_scale": ("比例尺", "Scale"),
    "exp_scale_fit": ("按范围自动（标准比例尺）", "Fit the extent (standard series)"),
    "exp_label_field": ("标注字段", "Label field"),
    "exp_label_name": ("名称", "Name"),
    "exp_label_id": ("编号", "Id"),
    "exp_basemap": ("叠加本地底图", "Over the local basemap"),
    "exp_basemap_help": (
        "使用 PUTUO_BASEMAP_TILES 指定的本地瓦片包或影像作为打印底图，并注明其来源。",
        "Print over the local tile package or image set by PUTUO_BASEMAP_TILES, with its credit.",
    ),
    "exp_georef": ("地理参考 PDF", "Georeferenced PDF"),
    "exp_georef_help": (
        "PDF 中写入地图的坐标参考（GDAL、QGIS 可识别位置）。",
        "The PDF carries the map's georeference (GDAL and QGIS read its position).",
    ),
    "exp_fmt_png": ("PNG 图片", "PNG image"),
    "exp_fmt_pdf": ("PDF 文档", "PDF document"),
    "exp_fmt_svg": ("SVG 矢量图", "SVG vector"),
    # print maps and export page
    "export_csv": ("下载排名 CSV", "Download ranking CSV"),
    "print_made": ("制图日期", "made"),
    "exp_title": ("导出：图层、打印地图、图集与报告", "Export: layers, print maps, atlas and reports"),
    "exp_tab_layers": ("图层", "Layers"),
    "exp_tab_print": ("打印地图", "Print map"),
    "exp_tab_atlas": ("图集", "Atlas"),
    "exp_tab_report": ("方案报告", "Scenario report"),
    "exp_tab_html": ("交互地图 HTML", "Interactive map (HTML)"),
    "exp_layers": ("选择图层", "Layers"),
    "exp_format": ("格式", "Format"),
    "exp_crs": ("坐标系", "Coordinate system"),
    "exp_encoding": ("文本编码（Shapefile、CSV）", "Text encoding (Shapefile, CSV)"),
    "exp_enc_UTF-8": ("UTF-8（通用）", "UTF-8 (universal)"),
    "exp_enc_GBK": ("GBK（中文 Windows 上的旧版 GIS 软件）", "GBK (older GIS software on a Chinese Windows)"),
    "exp_enc_csv_UTF-8": (
        "UTF-8（带 BOM）：WPS、Excel 2016 及以上、LibreOffice、GIS 软件",
        "UTF-8 with BOM: WPS, Excel 2016 and later, LibreOffice, GIS software",
    ),
    "exp_enc_csv_GB18030": (
        "GB18030（GBK）：中文版 Excel 双击即可打开",
        "GB18030 (GBK): a Chinese Excel opens it with a double-click",
    ),
    "exp_enc_help": (
        "CSV 有两种编码：UTF-8 文件带 BOM，WPS、Excel 2016 及以上和 LibreOffice 会自动识别；GB18030 文件名以 "
        "_GB18030 结尾，供中文版 Excel 双击打开（旧版 Excel 双击 UTF-8 文件会显示乱码）。Shapefile 的编码写在 "
        ".cpg 文件中。",
        "CSV comes in two encodings: the UTF-8 file has a BOM, which WPS, Excel 2016 and later and LibreOffice "
        "recognise; the GB18030 file (its name ends in _GB18030) is for a Chinese Excel's double-click (an older "
        "Excel shows a UTF-8 file as garbled text). A Shapefile's encoding is written in its .cpg file.",
    ),
    "exp_download": ("下载", "Download"),
    "fmt_geojson": ("GeoJSON", "GeoJSON"),
    "fmt_gpkg": ("GeoPackage（多图层）", "GeoPackage (several layers)"),
    "fmt_shp": ("Shapefile（zip，含 .prj/.cpg）", "Shapefile (zip with .prj/.cpg)"),
    "fmt_kml": ("KML", "KML"),
    "fmt_dxf": ("DXF（CAD，每类一图层）", "DXF (CAD, one layer per class)"),
    "fmt_csv_wkt": ("CSV（WKT）", "CSV (WKT)"),
    "fmt_csv_xy": ("CSV（x/y 坐标）", "CSV (x/y)"),
    "exp_paper": ("纸张", "Paper"),
    "exp_landscape": ("横向", "Landscape"),
    "exp_dpi": ("分辨率（dpi）", "Resolution (dpi)"),
    "exp_img_format": ("图片格式", "Image format"),
    "exp_map_title": ("标题", "Title"),
    "exp_map_subtitle": ("副标题", "Subtitle"),
    "exp_grid": ("CGCS2000 坐标格网", "CGCS2000 grid"),
    "exp_labels": ("子园名称标注", "Sub-park labels"),
    "exp_extent": ("范围", "Extent"),
    "ext_district": ("全区", "Whole district"),
    "ext_cluster": ("区块", "A cluster"),
    "ext_subpark": ("子园", "A sub-park"),
    "ext_scenario": ("当前方案的新增范围", "The current scenario's changes"),
    "ext_view": ("自定义视图（下方小地图）", "Map view (small map below)"),
    "exp_preview": ("预览", "Preview"),
    "exp_default_title": ("张江普陀园空间布局", "Zhangjiang Hi-tech Park, Putuo: layout"),
    "atlas_kind": ("每页一个", "One page per"),
    "atlas_subparks": ("子园（14 页）", "sub-park (14 pages)"),
    "atlas_parcels": ("排名前 N 的候选地块", "top-N candidate parcel"),
    "atlas_make": ("生成图集 PDF", "Make the atlas PDF"),
    "report_make": ("生成方案报告 PDF", "Make the report PDF"),
    "report_hint": (
        "报告使用“扩区方案”页面的当前方案和“候选地块评估”页面的权重。",
        "The report uses the current scenario of the scenarios page and the weights of the parcels page.",
    ),
    "html_download": ("下载离线可用的交互地图（HTML）", "Download the interactive map (offline HTML)"),
    "exp_pick": ("选择图层", "Pick layers"),
    "exp_pick_hint": ("请至少选择一个图层。", "Pick at least one layer."),
    "exp_size": ("{bytes:,} 字节 · {crs}", "{bytes:,} bytes · {crs}"),
    "atlas_top_n": ("前 N 个地块", "Top N parcels"),
    # print products: title block, scale, sources
    "print_scale": ("比例尺", "Scale"),
    "print_maker": ("制图", "by"),
    "print_tb_title": ("图名", "Title"),
    "print_tb_unit": ("制图单位", "Mapping unit"),
    "print_tb_date": ("制图日期", "Date"),
    "print_tb_sources": ("数据来源", "Sources"),
    "print_tb_crs": ("坐标系", "CRS"),
    "print_tb_scale": ("比例尺", "Scale"),
    "print_tb_approval": ("审图号", "Approval no."),
    "print_crs_short": (
        "CGCS2000 / 3°高斯-克吕格 CM 120E（EPSG:4549），格网单位 km；指北针指向真北（子午线收敛角 {gamma:.2f}°）",
        "CGCS2000 / 3° Gauss-Kruger CM 120E (EPSG:4549), grid in km; the arrow points to true "
        "north (meridian convergence {gamma:.2f}°)",
    ),
    "print_crs_nogrid": (
        "CGCS2000 / 3°高斯-克吕格 CM 120E（EPSG:4549）；指北针指向真北（子午线收敛角 {gamma:.2f}°）",
        "CGCS2000 / 3° Gauss-Kruger CM 120E (EPSG:4549); the arrow points to true north (meridian convergence "
        "{gamma:.2f}°)",
    ),
    "print_overview": ("位置示意", "Location"),
    "print_key": ("注记编号", "Key to the codes on the map"),
    "print_key_ids": ("{layer}编号", "{layer}: ids"),
    "print_src_demo": (
        "演示数据（子园为示意范围，非官方边界）",
        "Demonstration data (schematic sub-parks, not official boundaries)",
    ),
    "print_src_plan": ("规划：普科委〔2021〕17号", "plan: 普科委〔2021〕17号"),
    "print_src_district": ("区界 © Vonng/adcode（高德，CC BY 4.0）", "district © Vonng/adcode (AMap, CC BY 4.0)"),
    "print_src_osm": (
        "道路、轨道交通、地铁站 © OpenStreetMap contributors（ODbL）",
        "roads, metro lines, stations © OpenStreetMap contributors (ODbL)",
    ),
    "print_src_metroflow": ("部分车站 © MetroFlow（MIT）", "some stations © MetroFlow (MIT)"),
    "print_src_basemap": ("底图 {attribution}", "basemap {attribution}"),
    # atlas facts and report
    "atlas_facts": ("基本情况", "Facts"),
    "fact_area": ("面积", "Area"),
    "fact_declared": ("公布面积", "Declared area"),
    "fact_nearest_stations": ("最近地铁站", "Nearest stations"),
    "fact_nearest_subpark": ("最近子园", "Nearest sub-park"),
    "fact_intended": ("拟引入产业", "Intended industry"),
    "fact_score": ("得分（排名）", "Score (rank)"),
    "fact_zones": ("布局区", "Layout zones"),
    "mu": ("亩", "mu"),
    "ha_unit": ("公顷", "ha"),
    "report_title": ("方案报告", "Scenario report"),
    "report_metric": ("指标", "Measure"),
    "report_value": ("数值", "Value"),
    "report_weights": ("评分权重", "Weights used"),
    "report_weight_pct": ("权重", "Weight"),
    "report_metrics": ("方案指标", "Scenario measures"),
    "report_card": ("评分明细：{name}", "Score card: {name}"),
    "report_page": ("第 {page} / {pages} 页", "page {page} of {pages}"),
    "report_new_note": ("斜线填充为本方案新增的地块", "Hatched: parcels this scenario adds"),
}
