"""Coordinate systems and datums: CRS problems, names, a CRS typed by a user, the datum check."""

ENTRIES: dict[str, tuple[str, str]] = {
    # coordinate systems (gis/crs.py)
    "crs_missing": (
        "图层没有坐标系。应为带坐标系的图层（如 EPSG:4326 或 EPSG:4549）。请先声明坐标系。",
        "The layer has no coordinate reference system. Expected a layer with a CRS such as "
        "EPSG:4326 or EPSG:4549. Fix: declare the system its coordinates are really in.",
    ),
    "crs_geographic_metric": (
        "无法在地理坐标系 {crs}（单位为度）中计算{operation}。应使用以米为单位的投影坐标系。"
        "请先投影到 EPSG:4549（CGCS2000 / 3度带高斯-克吕格 中央经线120°E）。",
        "Cannot compute {operation} in a geographic CRS ({crs}, units of degrees). "
        "Expected a projected CRS in metres. Fix: reproject to EPSG:4549 (CGCS2000 / "
        "3-degree GK CM 120E) first.",
    ),
    "crs_unknown_datum": (
        "未知的基准 {datum}。应为 WGS84、GCJ-02 或 BD-09 之一。",
        "Unknown datum {datum}. Expected WGS84, GCJ-02 or BD-09.",
    ),
    "crs_shift_needs_lonlat": (
        "GCJ-02/BD-09 偏移只适用于经纬度，但图层坐标系为 {crs}。请先转换到 EPSG:4326。",
        "GCJ-02/BD-09 shifts work on lon/lat degrees, but the layer is in {crs}. Fix: reproject to EPSG:4326 first.",
    ),
    "op_area": ("面积", "area"),
    "op_length": ("长度", "length"),
    "op_buffer": ("缓冲区", "a buffer"),
    "op_distance": ("距离", "distances"),
    # CRS names (import guesses, export choices)
    "crs_name_4549": ("CGCS2000 / 3度带高斯-克吕格 中央经线120°E", "CGCS2000 / 3-degree GK CM 120E"),
    "crs_name_4550": (
        "CGCS2000 / 3度带高斯-克吕格 中央经线123°E（= 6度带 中央经线123°E）",
        "CGCS2000 / 3-degree GK CM 123E (= 6-degree CM 123E)",
    ),
    "crs_name_4528": ("CGCS2000 / 3度带高斯-克吕格 第40带（带号前缀）", "CGCS2000 / 3-degree GK zone 40 (zone prefix)"),
    "crs_name_4529": ("CGCS2000 / 3度带高斯-克吕格 第41带（带号前缀）", "CGCS2000 / 3-degree GK zone 41 (zone prefix)"),
    "crs_name_4499": ("CGCS2000 / 6度带高斯-克吕格 第21带（带号前缀）", "CGCS2000 / 6-degree GK zone 21 (zone prefix)"),
    "crs_wgs84": ("WGS84（EPSG:4326）", "WGS84 (EPSG:4326)"),
    "crs_cgcs2000": ("CGCS2000 地理（EPSG:4490）", "CGCS2000 geographic (EPSG:4490)"),
    "crs_cgcs2000_gk120": ("CGCS2000 / 3度带 CM 120E（EPSG:4549）", "CGCS2000 / 3-degree GK CM 120E (EPSG:4549)"),
    "crs_gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (AMap/Tencent)"),
    # a CRS typed by a user (gis/crs.py parse_user_crs)
    "crs_user_empty": (
        "没有输入坐标系。应为 EPSG 代码（如 EPSG:4549）、WKT 或 PROJ 字符串。",
        "No coordinate system given. Expected an EPSG code (such as EPSG:4549), WKT or a PROJ string.",
    ),
    "crs_user_too_long": (
        "坐标系定义 {crs} 太长（{length} 个字符，最多 {limit} 个）。请使用 EPSG 代码。",
        "The CRS definition {crs} is too long ({length} characters; at most {limit}). Use an EPSG code.",
    ),
    "crs_user_unsafe": (
        "坐标系 {crs} 含有引用文件或网络的参数（{param}），不予接受。请使用 EPSG 代码、WKT 或不含 "
        "nadgrids/geoidgrids/init 等参数的 PROJ 字符串。",
        "The CRS {crs} has a parameter that refers to files or the network ({param}) and is not "
        "accepted. Use an EPSG code, WKT or a PROJ string without nadgrids, geoidgrids, init and "
        "the like.",
    ),
    "crs_user_unknown": (
        "{crs} 不是可识别的坐标系。应为 EPSG 代码（如 EPSG:4549）、WKT 或 PROJ 字符串。",
        "{crs} is not a coordinate system pyproj understands. Expected an EPSG code such as "
        "EPSG:4549, WKT or a PROJ string.",
    ),
    "crs_user_not_horizontal": (
        "{crs} 不是平面或经纬度坐标系（例如地心坐标系或高程系统），无法用于地图数据。",
        "{crs} is not a geographic or projected 2D system (e.g. geocentric or vertical) and "
        "cannot be used for map data.",
    ),
    # the datum check (gis/datum_check.py)
    "datum_wgs84": ("WGS84（或 CGCS2000）", "WGS84 (or CGCS2000)"),
    "datum_gcj02": ("GCJ-02（高德、腾讯坐标）", "GCJ-02 (AMap, Tencent)"),
    "datum_bd09": ("BD-09（百度坐标）", "BD-09 (Baidu)"),
    "datum_suspected": (
        "按声明的坐标系读取时，该图层与 OpenStreetMap 道路和地铁站相差约 {declared_m} 米；"
        "若按 {datum} 读取，只差约 {shifted_m} 米（比对依据：{basis}）。这些坐标很可能是 {datum}。"
        "请把坐标系改为 {datum}，导入时会转换为 WGS84。",
        "Read as declared, the layer lies about {declared_m} m from the OpenStreetMap roads and "
        "metro stations; read as {datum}, only about {shifted_m} m (compared: {basis}). The "
        "coordinates are most likely {datum}. Fix: set the coordinate system to {datum}; the "
        "import converts it to WGS84.",
    ),
    "datum_short_wgs84": ("WGS84", "WGS84"),
    "datum_short_gcj02": ("GCJ-02", "GCJ-02"),
    "datum_short_bd09": ("BD-09", "BD-09"),
    "datum_dist_m": ("{m} 米", "{m} m"),
    "datum_dist_km": ("{km} 公里", "{km} km"),
    "datum_evidence_names": (
        "按 {datum} 与 {count} 个同名地铁站相差 {distance}",
        "read as {datum}, {count} metro stations matched by name lie {distance} away",
    ),
    "datum_evidence_roads": (
        "按 {datum} 沿道路约 {length_km} 公里的偏差中位数为 {distance}",
        "read as {datum}, the median gap along about {length_km} km of roads is {distance}",
    ),
    "datum_evidence_other": ("按 {datum} 相差 {distance}", "as {datum}, {distance}"),
    "datum_basis_names": ("{count} 个同名地铁站", "{count} metro stations matched by name"),
    "datum_basis_roads": ("沿道路约 {length_km:.1f} 千米", "about {length_km:.1f} km along the roads"),
    "datum_note_empty": ("图层没有几何，无法核对坐标基准。", "The layer has no geometry; its datum cannot be checked."),
    "datum_note_no_names": (
        "点图层中与地铁站同名的要素少于 {min} 个，无法用站名核对坐标基准。",
        "Fewer than {min} points are named like a metro station, so the datum cannot be checked by station names.",
    ),
    "datum_note_off_roads": (
        "图层中没有沿道路延伸的线（{along_m:.0f} 米以内、连续 {run_m:.0f} 米以上），无法用道路核对坐标基准。",
        "No line of the layer runs along a road (within {along_m:.0f} m for at least "
        "{run_m:.0f} m), so the datum cannot be checked against the roads.",
    ),
    "datum_note_far": (
        "图层离道路和地铁站太远（超过 {cap_m:.0f} 米），无法核对坐标基准；请确认坐标是否在上海。",
        "The layer lies too far from the roads and metro stations (over {cap_m:.0f} m) to check "
        "its datum; check that the coordinates are in Shanghai.",
    ),
    "datum_note_unclear": (
        "三种读法都不够吻合（需在 {good_m:.0f} 米以内且比其他读法近 {ratio:g} 倍），无法判断坐标基准。",
        "No reading fits clearly (within {good_m:.0f} m and {ratio:g} times closer than "
        "the others), so the datum cannot be told.",
    ),
}
