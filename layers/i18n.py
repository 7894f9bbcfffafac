"""The one translation table: every UI label in Chinese (default) and English."""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("张江普陀园规划助手", "Putuo Park Planner"),
    "app_subtitle": ("上海张江高新技术产业开发区普陀园 · 演示数据", "Zhangjiang Hi-tech Park, Putuo sub-park · demonstration data"),
    "page_explorer": ("园区地图", "Park map"),
    "page_indicators": ("规划指标", "Plan indicators"),
    "page_data": ("数据与来源", "Data & sources"),
    "demo_banner": ("演示数据：子园边界为根据公开信息绘制的示意范围，并非官方边界。",
                    "Demonstration data: sub-park outlines are schematic, drawn from public facts; not official boundaries."),
    # layers
    "layer_district": ("普陀区界", "Putuo District"),
    "layer_clusters": ("南北区块", "Clusters"),
    "layer_subparks": ("14个子园", "14 sub-parks"),
    "layer_zones": ("一带一心一城", "Belt, core, city"),
    "layer_buildings": ("重点载体", "Featured carriers"),
    "layer_parcels": ("候选地块", "Candidate parcels"),
    "layer_stations": ("地铁站", "Metro stations"),
    "cluster_north": ("北区块", "North cluster"),
    "cluster_south": ("南区块", "South cluster"),
    "zone_belt": ("苏河水岸（一带）", "Suzhou Creek belt"),
    "zone_core": ("真如副中心（一心）", "Zhenru sub-centre (core)"),
    "zone_city": ("桃浦智创城（一城）", "Taopu Smart City (city)"),
    "legend": ("图例", "Legend"),
    # basemaps
    "basemap": ("底图", "Basemap"),
    "basemap_none": ("无底图（离线）", "None (offline)"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_positron": ("CartoDB 浅色", "CartoDB Positron"),
    "basemap_tianditu_vec": ("天地图 矢量", "Tianditu vector"),
    "basemap_tianditu_img": ("天地图 影像", "Tianditu imagery"),
    "basemap_amap": ("高德地图（GCJ-02）", "AMap (GCJ-02)"),
    "basemap_needs_key": ("天地图需要密钥：在 .streamlit/secrets.toml 中设置 TIANDITU_KEY 或设置同名环境变量。",
                          "Tianditu needs a key: set TIANDITU_KEY in .streamlit/secrets.toml or the environment."),
    "basemap_amap_note": ("高德底图为 GCJ-02 坐标：矢量图层已临时偏移以对齐（仅用于显示）。",
                          "AMap tiles are in GCJ-02: vector layers are shifted to line up (display only)."),
    "tiles_offline_note": ("离线环境下在线底图无法加载，地图图层仍可正常使用。",
                           "Online tiles cannot load offline; the map layers still work."),
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
    "f_dist_m": ("距离（米）", "Distance (m)"),
    "f_share": ("占比", "Share"),
    "f_count": ("子园数", "Sub-parks"),
    "f_layout": ("布局", "Layout"),
    # explorer page
    "search_subpark": ("查找子园", "Find a sub-park"),
    "search_placeholder": ("选择或输入子园名称", "Pick or type a sub-park name"),
    "panel_hint": ("点击地图上的子园，或在上方选择，查看详情。", "Click a sub-park on the map, or pick one above, to see its facts."),
    "panel_area": ("面积", "Area"),
    "panel_buildings": ("园内载体", "Carriers inside"),
    "panel_no_buildings": ("（演示数据中暂无）", "(none in the demonstration data)"),
    "panel_stations": ("最近的地铁站", "Nearest metro stations"),
    "panel_zones": ("位于“一带一心一城”", "Share in belt / core / city"),
    "panel_not_in_zones": ("不在三个布局区内", "Outside the three layout zones"),
    "area_table": ("面积统计", "Area table"),
    "area_by_cluster": ("按区块", "By cluster"),
    "area_by_subpark": ("按子园", "By sub-park"),
    "total": ("合计", "Total"),
    "area_note": ("面积在 CGCS2000 / 3度高斯-克吕格 120°E 投影（EPSG:4549）中计算；椭球面积供对照（约小 0.04%）。规划总面积约 10.08 km²。",
                  "Areas measured in CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549); the geodesic area is "
                  "shown for comparison (about 0.04 % smaller). The plan's total is about 10.08 km²."),
    "map_click_other": ("已选中：", "Selected: "),
    # indicators
    "ind_title": ("“十四五”主要指标：2019 年基数与 2025 年目标", "Main indicators: 2019 baseline and 2025 targets"),
    "ind_indicator": ("指标", "Indicator"),
    "ind_unit": ("单位", "Unit"),
    "ind_2019": ("2019 年", "2019"),
    "ind_2025": ("2025 年目标", "2025 target"),
    "ind_growth": ("需增长", "Growth needed"),
    "ind_chart": ("有基数的指标：2025 年目标相对 2019 年（2019 = 100）", "Indicators with a baseline: 2025 target vs 2019 (2019 = 100)"),
    "ind_other": ("2019 年其他数据", "Other 2019 figures"),
    "ind_source": ("来源：普陀区科委《张江高新区普陀园“十四五”发展规划》（普科委〔2021〕17号）表1。",
                   "Source: Putuo District Science and Technology Commission, Zhangjiang Hi-tech Park Putuo sub-park "
                   "14th Five-Year Plan (2021), Table 1."),
    # data page
    "data_title": ("数据、来源与精度", "Data, sources and accuracy"),
    "data_layers": ("图层", "Layers"),
    "data_features": ("要素数", "Features"),
    "data_replace": ("替换为官方数据", "Replacing with official data"),
    "data_replace_text": (
        "将官方图层按相同字段放入一个数据文件夹（boundaries/、buildings/、parcels/、transit/），运行 "
        "`python -m gis.validate 文件夹` 检查，全部通过后设置环境变量 PUTUO_DATA_DIR 指向该文件夹再启动。",
        "Put the official layers with the same fields in a data folder (boundaries/, buildings/, parcels/, transit/), "
        "run `python -m gis.validate FOLDER`, and once it passes start the app with PUTUO_DATA_DIR pointing to it."),
    "data_validation": ("数据检查", "Data check"),
    "data_valid": ("全部不变量通过。", "All invariants hold."),
    "data_licences": ("许可与致谢：区界 © Vonng/adcode（高德数据，2016），CC BY 4.0；地铁站 © MetroFlow（Ariza-Sun），MIT；"
                      "规划内容引自普科委〔2021〕17号；Leaflet © Volodymyr Agafonkin，BSD-2。",
                      "Licences: district fence © Vonng/adcode (AMap data, 2016), CC BY 4.0; metro stations © MetroFlow "
                      "(Ariza-Sun), MIT; plan facts from 普科委〔2021〕17号; Leaflet © Volodymyr Agafonkin, BSD-2."),
    "error_data": ("数据无法加载：", "The data cannot be loaded: "),
}


def t(key: str, lang: str) -> str:
    """Return the label ``key`` in ``lang`` ('zh' or 'en'); an unknown key is returned as itself."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def name_col(lang: str) -> str:
    """The attribute column holding a feature's name in ``lang``."""
    return "name_en" if lang == "en" else "name_zh"
