"""Maps and layers: layer names, basemaps, credits, drawing tools, context layers, vector tiles."""

ENTRIES: dict[str, tuple[str, str]] = {
    # tile services and tile packages (tiles/)
    "basemap_bad_url": (
        "底图服务地址 {url} 无效。应为 http(s) 地址，包含 {{z}}、{{x}}、{{y}}（可含 {{s}}）。",
        "The tile service address {url} cannot be used. Expected an http(s) address with {{z}}, {{x}} "
        "and {{y}} (and optionally {{s}}).",
    ),
    "basemap_bad_datum": (
        "底图坐标基准 {datum} 无效。应为 WGS84/CGCS2000 或 GCJ-02。",
        "Unknown tile datum {datum}. Expected WGS84/CGCS2000 or GCJ-02.",
    ),
    "tile_package_missing": (
        "找不到底图瓦片包 {path}。应为 .mbtiles 文件或 z/x/y 瓦片文件夹。请检查 PUTUO_BASEMAP_TILES 的设置。",
        "Basemap tile package not found: {path}. Expected an .mbtiles file or a folder of "
        "z/x/y tiles. Fix: check the PUTUO_BASEMAP_TILES setting.",
    ),
    "tile_task_check": ("检查底图包“{name}”", "checking the basemap package '{name}'"),
    "tile_package_unreadable": (
        "无法读取底图瓦片包 {name}：{reason}。应为有效的 MBTiles 文件或 z/x/y 瓦片文件夹。",
        "Cannot read the basemap tile package {name}: {reason}. Expected a valid MBTiles "
        "file or a folder of z/x/y tiles.",
    ),
    "tile_format_unsupported": (
        "底图瓦片包 {name} 的瓦片格式为 {format}。应为 PNG 或 JPEG 栅格瓦片。",
        "The tiles of the basemap package {name} are {format}. Expected PNG or JPEG raster tiles.",
    ),
    "tile_bad_key": (
        "瓦片编号无效。应为整数 z/x/y，0 ≤ z ≤ {max_zoom}，0 ≤ x、y < 2^z。",
        "Invalid tile address. Expected integers z/x/y with 0 ≤ z ≤ {max_zoom} and 0 ≤ x, y < 2^z.",
    ),
    "tile_bad_size": (
        "底图尺寸 {width} × {height} 像素无效。应为正整数。",
        "Invalid basemap size {width} × {height} pixels. Expected positive integers.",
    ),
    "tile_too_many": (
        "打印底图需要 {count} 张瓦片，超过上限 {limit} 张。请选择较低的缩放级别或较小的范围。",
        "The print basemap needs {count} tiles, more than the limit of {limit}. Fix: choose a "
        "lower zoom or a smaller extent.",
    ),
    "tiles_bad_part": (
        "瓦片地址中的 {part} 无效（收到 {value}）。应为不带符号、空格或前导零的十进制整数，例如 …/15/27411/13378。",
        "The {part} of the tile address is invalid (received {value}). Expected a plain decimal "
        "integer without sign, spaces or leading zeros, e.g. …/15/27411/13378.",
    ),
    "tiles_value_long": ("{count} 个字符的文本", "a text of {count} characters"),
    "tiles_out_of_range": (
        "瓦片 {z}/{x}/{y} 不存在。缩放级别应在 0 到 {max_zoom} 之间，x 和 y 应在 0 到 "
        "{max_index} 之间（2 的 z 次方减 1）。",
        "There is no tile {z}/{x}/{y}. Expected a zoom from 0 to {max_zoom}, and x and y from "
        "0 to {max_index} (2 to the power z, minus 1).",
    ),
    "tiles_bad_point": (
        "点击位置无效（经度 {lon}，纬度 {lat}，缩放级别 {zoom}）。应为有限的经纬度"
        "（纬度在 ±85° 以内）和 0 到 {max_zoom} 之间的缩放级别。",
        "Invalid click position (longitude {lon}, latitude {lat}, zoom {zoom}). Expected a finite "
        "longitude/latitude (latitude within ±85°) and a zoom from 0 to {max_zoom}.",
    ),
    "tiles_bad_datum": (
        "未知的底图基准 {datum}。应为以下之一：{expected}。",
        "Unknown basemap datum {datum}. Expected one of: {expected}.",
    ),
    "tiles_crs": (
        "矢量瓦片需要经纬度图层（EPSG:4326），但图层坐标系为 {crs}。请先用 gis.crs.to_storage 转换。",
        "Vector tiles need a longitude/latitude layer (EPSG:4326), but the layer is in {crs}. "
        "Fix: reproject it with gis.crs.to_storage first.",
    ),
    "tiles_not_polygons": (
        "矢量瓦片只支持面图层，但图层含有 {kinds}。请只传入面（Polygon/MultiPolygon）要素。",
        "Vector tiles support polygon layers only, but the layer holds {kinds}. Fix: pass "
        "Polygon/MultiPolygon features only.",
    ),
    "tiles_no_id_field": (
        "图层没有编号字段 {field}。现有字段：{columns}。请指定每个要素唯一编号所在的字段。",
        "The layer has no id field {field}. Its fields: {columns}. Fix: name the field that "
        "holds each feature's unique id.",
    ),
    "tiles_values_shape": (
        "分类数组应为每个要素一个 0 到 255 的整数（{expected} 个），但收到 {received}。",
        "The class array must hold one integer from 0 to 255 per feature ({expected}), but received {received}.",
    ),
    # layers
    "layer_district": ("普陀区界", "Putuo District"),
    "layer_clusters": ("南北区块", "Clusters"),
    "layer_subparks": ("14个子园", "14 sub-parks"),
    "layer_zones": ("一带一心一城", "Belt, core, city"),
    "layer_buildings": ("重点载体", "Featured carriers"),
    "layer_parcels": ("候选地块", "Candidate parcels"),
    "layer_stations": ("地铁站", "Metro stations"),
    "legend": ("图例", "Legend"),
    "draw_hint": (
        "用地图左上角的绘图工具画一个多边形或矩形，然后在这里命名并添加。",
        "Draw a polygon or rectangle with the tool at the map's top left, then name and add it here.",
    ),
    "legend_surface": (
        "适宜性得分：0（红）→ 1（绿）；下载的 GeoTIFF 像元值为得分 × 100（0–100，255 为无数据）",
        "Suitability score: 0 (red) → 1 (green); the GeoTIFF download holds score × 100 (0–100, 255 = no data)",
    ),
    # basemaps
    "basemap": ("底图", "Basemap"),
    "basemap_none": ("无底图（离线）", "None (offline)"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_positron": ("CartoDB 浅色", "CartoDB Positron"),
    "basemap_tianditu_vec": ("天地图 矢量", "Tianditu vector"),
    "basemap_tianditu_img": ("天地图 影像", "Tianditu imagery"),
    "basemap_amap": ("高德地图（GCJ-02）", "AMap (GCJ-02)"),
    "basemap_local": ("本地底图（内网瓦片包）", "Local basemap (tile package)"),
    "basemap_bureau": ("单位底图服务", "The bureau's tile service"),
    "credit_osm": ("© OpenStreetMap 贡献者", "© OpenStreetMap contributors"),
    "credit_adcode": ("区界 © Vonng/adcode", "District © Vonng/adcode"),
    "credit_metroflow": ("© MetroFlow", "© MetroFlow"),
    "basemap_local_note": (
        "本地底图由本应用的服务器提供，不访问外网。",
        "The local basemap is served by this app's own server; nothing leaves the machine.",
    ),
    "basemap_needs_key": (
        "天地图需要本单位的密钥，请联系系统管理员配置；在此之前可使用其他底图。",
        "Tianditu needs the bureau's key: ask your administrator to set it up; meanwhile use another basemap.",
    ),
    "basemap_amap_note": (
        "高德底图为 GCJ-02 坐标：矢量图层已临时偏移以对齐（仅用于显示）。",
        "AMap tiles are in GCJ-02: vector layers are shifted to line up (display only).",
    ),
    "tiles_offline_note": (
        "离线环境下在线底图无法加载，地图图层仍可正常使用。",
        "Online tiles cannot load offline; the map layers still work.",
    ),
    # drawing tools and map panels
    "layer_creek_edge": ("苏州河沿岸区界", "Creek edge of the district line"),
    "map_zoom_in": ("放大", "Zoom in"),
    "map_zoom_out": ("缩小", "Zoom out"),
    "map_layers": ("图层", "Layers"),
    "draw_polygon": ("绘制多边形", "Draw a polygon"),
    "draw_rectangle": ("绘制矩形", "Draw a rectangle"),
    "draw_cancel": ("取消", "Cancel"),
    "draw_cancel_title": ("取消绘制", "Cancel drawing"),
    "draw_finish": ("完成", "Finish"),
    "draw_finish_title": ("完成绘制", "Finish drawing"),
    "draw_undo": ("删除最后一点", "Delete last point"),
    "draw_undo_title": ("删除最后绘制的点", "Delete the last point drawn"),
    "draw_polygon_start": ("单击开始绘制。", "Click to start drawing the shape."),
    "draw_polygon_cont": ("单击继续绘制。", "Click to continue drawing the shape."),
    "draw_polygon_end": ("单击第一个点闭合多边形。", "Click the first point to close the shape."),
    "draw_rectangle_start": ("按住并拖动绘制矩形。", "Click and drag to draw a rectangle."),
    "draw_shape_end": ("松开鼠标完成绘制。", "Release the mouse to finish drawing."),
    "draw_crossing": ("边界不能相交！", "The edges cannot cross!"),
    "legend_metro_lines": ("地铁线路（按线路颜色）", "Metro lines (in their colours)"),
    # the bureau's tile service (admin page)
    "tab_basemap": ("底图服务", "Basemap service"),
    "bm_help": (
        "设置本单位内网的瓦片服务（如天地图内网节点），所有地图即可选用“单位底图服务”。地址须为 http(s)，含 {{z}}、{{x}}、{{y}}。",
        "Set the bureau's intranet tile service (an intranet Tianditu node, say); every map then offers "
        "“The bureau's tile service”. The address is http(s) with {{z}}, {{x}} and {{y}}.",
    ),
    "bm_none": ("尚未设置单位底图服务。", "No bureau tile service is set."),
    "bm_current": ("当前底图服务：{url}（{datum}）", "Current tile service: {url} ({datum})"),
    "bm_url": ("瓦片地址模板", "Tile URL template"),
    "bm_datum": ("坐标基准", "Datum"),
    "bm_datum_wgs84": ("WGS84 / CGCS2000", "WGS84 / CGCS2000"),
    "bm_datum_gcj02": ("GCJ-02（图层将偏移显示）", "GCJ-02 (layers shifted for display)"),
    "bm_subdomains": ("子域名（{{s}}，可选）", "Subdomains ({{s}}, optional)"),
    "bm_max_zoom": ("最大原生级别", "Maximum native zoom"),
    "bm_attribution": ("版权说明", "Attribution"),
    "bm_save": ("保存底图服务", "Save the tile service"),
    "bm_clear": ("清除底图服务", "Clear the tile service"),
    "bm_saved": ("底图服务已保存（已记入审计日志）。", "The tile service is saved (recorded in the audit log)."),
    "bm_cleared": ("底图服务已清除（已记入审计日志）。", "The tile service is cleared (recorded in the audit log)."),
    # context layers (roads, metro lines)
    "layer_roads": ("快速路与主干道（OSM）", "Expressways and main roads (OSM)"),
    "layer_metro_lines": ("轨道交通线路", "Metro lines"),
    "road_expressway": ("高速公路", "Expressway"),
    "road_urban_expressway": ("城市快速路（高架）", "Urban expressway (elevated)"),
    "road_arterial": ("主干道", "Arterial road"),
    **{
        f"metro_line_{ref}": (f"{ref}号线", f"Line {ref}")
        for ref in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18")
    },
    "map_basemap_failed": (
        "底图无法加载（可能未连接互联网），图层数据不受影响。",
        "The basemap cannot load (perhaps no internet connection); the layers are not affected.",
    ),
}
