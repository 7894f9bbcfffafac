"""Data and fields: attribute labels, the data folder's checks, the data page."""

ENTRIES: dict[str, tuple[str, str]] = {
    # the data folder (gis/datasets.py, gis/io.py, gis/validate.py)
    "data_file_missing": (
        "缺少图层文件 {file}。应为 GeoJSON 文件。请从 git 恢复，或放入自己的图层（见 README“替换演示数据”）。",
        "Layer file not found: {file}. Expected a GeoJSON file there. Fix: restore it from git "
        "or put your own layer there (see README, 'Replacing the demonstration data').",
    ),
    "data_file_unreadable": (
        "无法读取图层文件 {file}：{reason}。应为有效的 GeoJSON 文件。",
        "Cannot read the layer file {file}: {reason}. Expected a valid GeoJSON file.",
    ),
    "data_schema": (
        "数据文件夹不符合要求（{count} 个问题）。请修正所列要素后运行 python -m gis validate DATA_DIR。",
        "The data folder does not meet the schema ({count} problem(s)). Fix the listed features, "
        "then run `python -m gis validate DATA_DIR`.",
    ),
    "inv_outside_shanghai": (
        "图层 {layer} 的范围 {extent} 不在上海；坐标系声明是否正确，或经纬度是否颠倒？",
        "Layer {layer}: its extent {extent} lies outside Shanghai; is the CRS declared "
        "correctly, or are the axes swapped?",
    ),
    "inv_invalid_geometry": (
        "图层 {layer} 的要素 {id} 几何无效：{reason}",
        "Layer {layer}, feature {id}: invalid geometry ({reason})",
    ),
    "inv_bad_cluster": (
        "子园 {ids} 的区块为 {cluster}，应为北区块（north）或南区块（south）。",
        "Sub-parks {ids}: cluster {cluster}, expected north or south.",
    ),
    "inv_subpark_count": ("子园共 {count} 个，应为 {expected} 个。", "{count} sub-parks, expected {expected}."),
    "inv_cluster_count": (
        "{cluster}有 {count} 个子园，应为 {expected} 个。",
        "{cluster}: {count} sub-parks, expected {expected}.",
    ),
    "inv_overlap": ("子园 {a} 与 {b} 重叠 {m2:,.1f} m²。", "Sub-parks {a} and {b} overlap by {m2:,.1f} m²."),
    "inv_outside_district": (
        "子园 {id} 有 {m2:,.1f} m² 位于普陀区外。",
        "Sub-park {id}: {m2:,.1f} m² lie outside the district.",
    ),
    "inv_total_area": (
        "子园总面积 {total:.3f} km²（EPSG:4549），应为 {expected} km² ± {tol:.0%}。",
        "Total sub-park area {total:.3f} km² (EPSG:4549), expected {expected} km² ± {tol:.0%}.",
    ),
    "inv_building_subpark": (
        "载体 {id} 的所在子园 {subpark} 不是子园编号。",
        "Carrier {id}: sub-park {subpark} is not a sub-park id.",
    ),
    "schema_missing_column": (
        "图层 {layer} 缺少字段 {column}（必需字段：{required}）。",
        "Layer {layer}: missing column {column} (required: {required}).",
    ),
    "schema_missing_ids": (
        "图层 {layer} 有 {count} 个要素没有编号。",
        "Layer {layer}: {count} feature(s) without an id.",
    ),
    "schema_duplicate_id": ("图层 {layer} 的编号 {id} 重复使用。", "Layer {layer}: id {id} is used more than once."),
    "schema_empty_field": (
        "图层 {layer} 的要素 {id} 的 {column} 为空。",
        "Layer {layer}, feature {id}: empty {column}.",
    ),
    "schema_empty_geometry": ("图层 {layer} 的要素 {id} 几何为空。", "Layer {layer}, feature {id}: empty geometry."),
    "schema_geometry_type": (
        "图层 {layer} 的要素 {id} 为 {found}，应为 {expected}。",
        "Layer {layer}, feature {id}: geometry type {found}, expected {expected}.",
    ),
    "schema_layer_failed": ("图层 {layer}：{detail}", "Layer {layer}: {detail}"),
    "unknown_layer": (
        "未知图层 {layer}。应为以下之一：{expected}。",
        "Unknown layer {layer}. Expected one of: {expected}.",
    ),
    "unknown_feature": ("图层 {layer} 中没有编号为 {id} 的要素。", "No feature with id {id} in the layer {layer}."),
    # fields
    "f_name": ("名称", "Name"),
    "f_id": ("编号", "ID"),
    "f_cluster": ("区块", "Cluster"),
    "f_industries": ("产业定位", "Positioning"),
    "f_carriers": ("重点载体", "Key carriers"),
    "f_area_km2": ("面积（km²）", "Area (km²)"),
    "f_area_ha": ("面积（公顷）", "Area (ha)"),
    "f_area_mu": ("面积（亩）", "Area (mu)"),
    "f_geodesic_km2": ("椭球面积（km²）", "Geodesic area (km²)"),
    "f_declared_km2": ("公布面积（km²）", "Declared area (km²)"),
    "f_kind": ("类型", "Kind"),
    "f_subpark": ("所在子园", "Sub-park"),
    "f_floor_area": ("建筑面积（m²）", "Floor area (m²)"),
    "f_use": ("现状用途", "Current use"),
    "f_status": ("状态", "Status"),
    "f_plot_ratio": ("容积率", "Plot ratio"),
    "f_potential_floor": ("潜在建筑面积（m²）", "Potential floor area (m²)"),
    "f_lines": ("线路", "Lines"),
    "f_source": ("来源", "Source"),
    "f_accuracy": ("精度说明", "Accuracy"),
    "f_score": ("得分", "Score"),
    "f_rank": ("排名", "Rank"),
    "f_raw": ("原始值", "Raw value"),
    "f_norm": ("标准化值", "Normalised"),
    "f_contrib": ("贡献", "Contribution"),
    "f_result": ("结果", "Result"),
    "f_state": ("状态", "State"),
    "f_included": ("纳入", "Include"),
    "data_file": ("文件", "File"),
    "f_road_kind": ("道路等级", "Road class"),
    # data page
    "data_title": ("数据、来源与精度", "Data, sources and accuracy"),
    "data_layers": ("图层", "Layers"),
    "data_features": ("要素数", "Features"),
    "data_replace": ("替换为官方数据", "Replacing with official data"),
    "data_replace_text": (
        "将官方图层按相同字段放入一个数据文件夹（boundaries/、buildings/、parcels/、transit/），运行 "
        "`python -m gis validate 文件夹` 检查，全部通过后设置环境变量 PUTUO_DATA_DIR 指向该文件夹再启动。",
        "Put the official layers with the same fields in a data folder (boundaries/, buildings/, parcels/, transit/), "
        "run `python -m gis validate FOLDER`, and once it passes start the app with PUTUO_DATA_DIR pointing to it.",
    ),
    "data_validation": ("数据检查", "Data check"),
    "data_valid": (
        "数据检查全部通过：14 个子园、北 6 南 8、互不重叠、均在区界内、总面积符合规划。",
        "Every data check passes: 14 sub-parks, 6 north and 8 south, no overlaps, all inside the district, the "
        "total area as planned.",
    ),
    "data_licences": (
        "许可与致谢：道路、轨道交通线路和大部分地铁站 © OpenStreetMap 贡献者，ODbL 1.0"
        "（Geofabrik 上海数据 2026-07-28）；区界 © Vonng/adcode（高德数据，2016），CC BY 4.0；"
        "OpenStreetMap 数据中缺少的地铁站 © MetroFlow（Ariza-Sun），MIT；规划内容引自普科委〔2021〕17号；"
        "Leaflet © Volodymyr Agafonkin，BSD-2。",
        "Licences: roads, rail lines and most metro stations © OpenStreetMap contributors, "
        "ODbL 1.0 (Geofabrik Shanghai extract 2026-07-28); district fence © Vonng/adcode (AMap data, "
        "2016), CC BY 4.0; the stations missing from the OpenStreetMap data © MetroFlow (Ariza-Sun), MIT; plan facts from "
        "普科委〔2021〕17号; Leaflet © Volodymyr Agafonkin, BSD-2.",
    ),
}
