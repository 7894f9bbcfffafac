"""The one translation table: every UI label in Chinese (default) and English (with gis/messages.py's catalogue)."""

from __future__ import annotations

from gis.messages import CATALOGUE

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
    # parcels page
    "page_parcels": ("候选地块评估", "Candidate parcels"),
    "parcels_title": ("候选地块评估：多准则评分与硬性规则", "Candidate parcels: multi-criteria scoring and hard rules"),
    "layer_scored": ("候选地块评分", "Scored parcels"),
    "score_c1": ("得分 0–0.2", "Score 0–0.2"), "score_c2": ("得分 0.2–0.4", "Score 0.2–0.4"),
    "score_c3": ("得分 0.4–0.6", "Score 0.4–0.6"), "score_c4": ("得分 0.6–0.8", "Score 0.6–0.8"),
    "score_c5": ("得分 0.8–1.0", "Score 0.8–1.0"), "score_fail": ("未通过硬性规则", "Fails a hard rule"),
    "f_score": ("得分", "Score"), "f_rank": ("排名", "Rank"), "f_failed": ("未通过的规则", "Failed rules"),
    "f_raw": ("原始值", "Raw value"), "f_norm": ("标准化值", "Normalised"), "f_weight": ("权重", "Weight"),
    "f_contrib": ("贡献", "Contribution"), "f_criterion": ("准则", "Criterion"),
    "f_rule": ("规则", "Rule"), "f_result": ("结果", "Result"), "f_value": ("测量值", "Measured"),
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
    "pass": ("通过", "pass"), "fail": ("未通过", "FAIL"),
    "weights": ("准则权重", "Criterion weights"),
    "weights_help": ("滑块为相对权重，括号内为归一化后的百分比。", "Sliders are relative weights; the normalised share is in brackets."),
    "preset": ("预设方案", "Preset"),
    "preset_balanced": ("均衡", "Balanced"), "preset_layout_first": ("布局优先", "Layout first"),
    "preset_transit_first": ("轨交优先", "Transit first"),
    "reset": ("恢复默认", "Reset"),
    "tab_ranking": ("地图与排名", "Map & ranking"), "tab_sensitivity": ("敏感性", "Sensitivity"),
    "tab_surface": ("适宜性分布", "Suitability surface"), "tab_add": ("添加地块", "Add parcels"),
    "tab_export": ("导出", "Export"), "tab_help": ("准则说明", "How scores work"),
    "ranking": ("排名（通过全部硬性规则的地块）", "Ranking (parcels that pass every hard rule)"),
    "failing": ("未通过硬性规则的地块", "Parcels that fail a hard rule"),
    "none_failing": ("所有地块均通过硬性规则。", "Every parcel passes the hard rules."),
    "pick_parcel": ("查看地块", "Parcel card"),
    "card_hint": ("点击地图上的地块，或在上方选择，查看评分明细。", "Click a parcel on the map, or pick one above, for its score card."),
    "card_rules": ("硬性规则", "Hard rules"),
    "card_neighbours": ("邻近子园与地铁站", "Neighbouring sub-parks and stations"),
    "card_total": ("总分", "Total score"),
    "sens_spread": ("权重扰动幅度（±%）", "Weight perturbation (± %)"),
    "sens_draws": ("抽样次数", "Draws"), "sens_top": ("前 N 名", "Top N"),
    "sens_intro": ("每次抽样将每个权重随机乘以 1±幅度后重新排名；下表给出每个地块留在前 N 名的比例和名次范围。",
                   "Each draw multiplies every weight by a random factor in 1 ± spread and re-ranks; the table shows how "
                   "often each parcel stays in the top N and its rank range."),
    "sens_share": ("留在前 N 名的比例", "Share of draws in top N"),
    "sens_range": ("名次范围", "Rank range"), "sens_robust": ("稳健", "robust"),
    "surface_intro": ("按 邻近园区、布局契合、轨交可达 三个与位置有关的准则（当前权重）在网格上计算适宜性；"
                      "规模、形状、产业属于地块属性，不参与。", "Location criteria (adjacency, layout, transit; current weights) "
                      "on a grid; size, shape and industry describe a parcel, not a place, and are left out."),
    "surface_cell": ("网格大小（米）", "Cell size (m)"), "surface_show": ("在地图上显示适宜性分布", "Show the suitability surface on the map"),
    "surface_download": ("下载 GeoTIFF（EPSG:4549）", "Download GeoTIFF (EPSG:4549)"),
    "raster_title": ("栅格准则（GeoTIFF）", "Raster criteria (GeoTIFF)"),
    "raster_upload": ("上传 GeoTIFF（任意坐标系）", "Upload a GeoTIFF (any CRS)"),
    "raster_name": ("准则名称", "Criterion name"), "raster_higher": ("数值越高越好", "Higher is better"),
    "raster_add": ("加入准则", "Add criterion"), "raster_remove": ("移除栅格准则", "Remove raster criteria"),
    "add_drawn": ("添加绘制的地块", "Add the drawn parcel"),
    "draw_hint": ("用地图左上角的绘图工具画一个多边形或矩形，然后在这里命名并添加。",
                  "Draw a polygon or rectangle with the tool at the map's top left, then name and add it here."),
    "no_drawing": ("尚未在地图上绘制。", "Nothing drawn on the map yet."),
    "parcel_name": ("地块名称", "Parcel name"), "intended_use": ("拟引入产业", "Intended industry"),
    "upload_parcels": ("上传地块文件（GeoJSON、GeoPackage、压缩的 Shapefile）", "Upload parcels (GeoJSON, GeoPackage, zipped Shapefile)"),
    "outside_pct": ("区外 {:.1%}", "{:.1%} outside"),
    "legend_surface": ("适宜性得分：0（红）→ 1（绿）", "Suitability score: 0 (red) → 1 (green)"),
    "add_uploaded": ("添加上传的地块", "Add the uploaded parcels"),
    "user_parcels": ("我添加的地块", "My parcels"), "remove_user": ("移除我添加的地块", "Remove my parcels"),
    "added": ("已添加地块：", "Added: "),
    "export_csv": ("下载排名 CSV", "Download ranking CSV"), "export_xlsx": ("下载排名 Excel", "Download ranking Excel"),
    "export_geojson": ("下载评分图层 GeoJSON", "Download scored layer GeoJSON"),
    "export_gpkg": ("下载评分图层 GeoPackage", "Download scored layer GeoPackage"),
    "help_adjacency": ("到最近子园的距离 d（米）：得分 = max(0, 1 − d / 1000)。紧邻为 1，1000 米及以外为 0。",
                       "distance d (m) to the nearest sub-park: score = max(0, 1 − d / 1000); touching = 1, 1,000 m or more = 0."),
    "help_shared_edge": ("地块边界中距园区 30 米以内（隔一条路）的长度占周长的比例 s：得分 = min(1, s / 0.25)。",
                         "share s of the parcel's perimeter within 30 m of the park (across a road): score = min(1, s / 0.25)."),
    "help_layout": ("地块面积落在 苏河水岸带 / 真如副中心 / 桃浦智创城 内的比例，按各区权重（默认均为 1）加总，最高为 1。",
                    "share of the parcel's area inside the creek belt / Zhenru core / Taopu city, weighted per zone (1 each by default), capped at 1."),
    "help_transit": ("地块中心到最近地铁站的距离 d：d ≤ 300 米为 1，线性降至 1500 米为 0。",
                     "distance d from the parcel's centroid to the nearest metro station: 1 up to 300 m, falling linearly to 0 at 1,500 m."),
    "help_size": ("面积 A 在 1–10 公顷之间为 1；小于 1 公顷为 A / 1 公顷；大于 10 公顷时线性下降，20 公顷为 0。",
                  "area A: 1 between 1 and 10 ha; A / 1 ha below; falling linearly above 10 ha to 0 at 20 ha."),
    "help_compactness": ("Polsby–Popper 指数 4πA / P²：圆为 1，正方形约 0.785，狭长地块接近 0。",
                         "Polsby–Popper 4πA / P²: 1 for a circle, about 0.785 for a square, near 0 for a sliver."),
    "help_industry": ("拟引入产业属于“4”（智能软件、研发服务、科技金融、生命健康）得 0.7，属于“X”（数字经济、新基建、在线经济、工业互联网）得 0.5，其他为 0；"
                      "若 1000 米内最近子园的定位包含该产业，再加 0.3（最高 1）。",
                      "intended industry in the \"4\" (intelligent software, R&D services, sci-tech finance, life & health) = 0.7, "
                      "in the \"X\" (digital economy, new infrastructure, online economy, industrial internet) = 0.5, other = 0; "
                      "+0.3 when the nearest sub-park within 1,000 m lists it (max 1)."),
    "help_raster": ("上传的 GeoTIFF（任意坐标系）按地块计算有效像元（像元中心落在地块内、非 nodata）的均值，在所有地块间线性归一化到 0–1，可设定越高越好或越低越好。",
                    "an uploaded GeoTIFF (any CRS): mean of the valid pixels whose centres fall in the parcel (nodata ignored), "
                    "scaled 0–1 across the parcels, higher or lower is better as chosen."),
    "help_rules": ("几何有效；位于普陀区内（区外部分 ≤ 1%）；与现有子园重叠 ≤ 10 m²；面积 ≥ 5000 m²。未通过的地块不参与排名，并列出原因和测量值。",
                   "valid geometry; inside the district (≤ 1 % outside); overlap with a sub-park ≤ 10 m²; area ≥ 5,000 m². "
                   "Failing parcels are not ranked; they are listed with the rule and the measured value."),
    # scenarios page
    "page_scenarios": ("扩区方案", "Expansion scenarios"),
    "scen_title": ("扩区方案：纳入地块、比较、保存与建议", "Expansion scenarios: add parcels, compare, save, suggest"),
    "layer_scenario_parcels": ("候选地块（方案）", "Candidate parcels (scenario)"),
    "layer_scenario_added": ("各方案新增范围", "What each scenario adds"),
    "scen_in": ("已纳入", "Included"), "scen_out": ("未纳入", "Not included"),
    "scen_fail": ("未通过硬性规则", "Fails a hard rule"), "scen_drawn": ("手绘范围", "Drawn area"),
    "scen_slot0": ("方案 1", "Scenario 1"), "scen_slot1": ("方案 2", "Scenario 2"),
    "scen_slot2": ("方案 3", "Scenario 3"), "scen_slot3": ("方案 4", "Scenario 4"),
    "f_state": ("状态", "State"), "f_included": ("纳入", "Include"), "f_target": ("归属", "Joins"),
    "scen_current": ("当前方案", "Current scenario"), "scen_name": ("方案名称", "Scenario name"),
    "scen_author": ("编制人", "Author"), "scen_notes": ("备注", "Notes"),
    "scen_new": ("从现状新建", "New from the base park"), "scen_open": ("打开已保存方案", "Open a saved scenario"),
    "scen_load": ("打开", "Open"), "scen_save": ("保存新版本", "Save a new version"),
    "scen_saved": ("已保存：第 {} 版", "Saved: version {}"), "scen_undo": ("撤销", "Undo"), "scen_redo": ("重做", "Redo"),
    "scen_unsaved": ("（未保存）", "(unsaved)"), "scen_history": ("版本历史", "Version history"),
    "scen_default_name": ("新方案", "New scenario"),
    "tab_edit": ("编辑", "Edit"), "tab_compare": ("比较", "Compare"), "tab_suggest": ("智能建议", "Suggest"),
    "tab_transfer": ("导入导出", "Import / export"),
    "scen_click_hint": ("点击地图上的候选地块即可纳入或移出；也可在下表中勾选。",
                        "Click a candidate parcel on the map to add or remove it, or tick it in the table."),
    "scen_add_drawn": ("把绘制的范围加入方案", "Add the drawn area to the scenario"),
    "scen_drawn_name": ("手绘范围名称", "Name of the drawn area"),
    "scen_assign": ("新增地块归属", "Where the added land goes"),
    "scen_nearest": ("最近子园（默认）", "nearest sub-park (default)"),
    "scen_new_sub": ("新子园（{}）", "new sub-park ({})"),
    "m_total": ("园区总面积", "Park total"), "m_added": ("新增面积", "Added"), "m_vs_plan": ("较规划 10.08 km²", "vs plan 10.08 km²"),
    "m_pieces": ("连续片区数", "Contiguous pieces"), "m_gap": ("最大间隔", "Largest gap"),
    "m_buildings": ("覆盖重点载体", "Carriers covered"), "m_stations": ("覆盖地铁站", "Stations covered"),
    "m_mean_score": ("新增用地平均得分", "Mean score of added land"), "m_flagged": ("违反硬性规则的地块", "Parcels breaking a hard rule"),
    "m_zones": ("各布局区新增（km²）", "Added per layout zone (km²)"), "m_clusters": ("按区块", "Per cluster"),
    "m_compactness": ("紧凑度", "Compactness"), "m_tolerance": ("合并容差（米）", "Merge tolerance (m)"),
    "cmp_pick": ("选择 2–4 个方案比较", "Pick 2–4 scenarios to compare"),
    "cmp_hint": ("与第一个方案不同的数值已高亮。", "Values that differ from the first scenario are highlighted."),
    "sug_budget": ("新增面积上限（km²）", "Added-area budget (km²)"),
    "sug_zone_min": ("{} 最少新增（km²）", "Minimum added in {} (km²)"),
    "sug_objective": ("目标", "Objective"), "sug_obj_score": ("得分之和最大", "Highest total score"),
    "sug_obj_score_area": ("得分×面积之和最大", "Highest score × area"),
    "sug_run": ("计算建议", "Suggest"), "sug_accept": ("采纳为新方案", "Accept as a new scenario"),
    "sug_result": ("精确整数规划（HiGHS）选出 {} 个地块，新增 {:.3f} km²，目标值 {:.3f}；贪心基线 {:.3f}。",
                   "Exact integer program (HiGHS): {} parcels, {:.3f} km² added, objective {:.3f}; greedy baseline {:.3f}."),
    "sug_name": ("建议方案", "Suggested scenario"),
    "sug_intro": ("在面积上限内选出得分最高、且与现有园区连续（经由被选地块相连，容差内）的地块组合；只考虑通过全部硬性规则的地块。",
                  "Chooses the highest-scoring set of parcels within the budget that stays contiguous with the park "
                  "(linked through chosen parcels, within the tolerance); only parcels passing every hard rule are considered."),
    "xfer_export": ("下载所选方案（GeoPackage）", "Download the chosen scenarios (GeoPackage)"),
    "xfer_import": ("导入方案文件（GeoPackage）", "Import scenarios (GeoPackage)"),
    "xfer_imported": ("已导入：", "Imported: "),
    # print maps and export page
    "print_scale_note": ("比例尺按 EPSG:4549 平面距离", "scale in EPSG:4549 grid metres"),
    "print_grid_x": ("CGCS2000 高斯-克吕格 东坐标 (km)", "CGCS2000 GK easting (km)"),
    "print_grid_y": ("北坐标 (km)", "northing (km)"),
    "print_note": ("数据：演示数据（子园为示意范围，非官方边界）；区界 © Vonng/adcode（高德，CC BY 4.0）；地铁站 © MetroFlow（MIT）；规划：普科委〔2021〕17号。",
                   "Data: demonstration (schematic sub-parks, not official boundaries); district © Vonng/adcode (AMap, CC BY 4.0); "
                   "stations © MetroFlow (MIT); plan: 普科委〔2021〕17号."),
    "print_crs": ("坐标系：CGCS2000 / 3度带高斯-克吕格 CM 120E（EPSG:4549）；指北针已按子午线收敛角 {gamma:.2f}° 指向真北",
                  "CRS: CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549); the arrow points to true north "
                  "(meridian convergence {gamma:.2f}°)"),
    "print_made": ("制图日期", "made"),
    "page_export": ("导出", "Export"),
    "exp_title": ("导出：图层、打印地图、图集与报告", "Export: layers, print maps, atlas and reports"),
    "exp_tab_layers": ("图层", "Layers"), "exp_tab_print": ("打印地图", "Print map"), "exp_tab_atlas": ("图集", "Atlas"),
    "exp_tab_report": ("方案报告", "Scenario report"), "exp_tab_html": ("交互地图 HTML", "Interactive map (HTML)"),
    "exp_layers": ("选择图层", "Layers"), "exp_format": ("格式", "Format"), "exp_crs": ("坐标系", "Coordinate system"),
    "exp_encoding": ("属性编码（Shapefile）", "Attribute encoding (Shapefile)"),
    "exp_download": ("下载", "Download"),
    "fmt_geojson": ("GeoJSON", "GeoJSON"), "fmt_gpkg": ("GeoPackage（多图层）", "GeoPackage (several layers)"),
    "fmt_shp": ("Shapefile（zip，含 .prj/.cpg）", "Shapefile (zip with .prj/.cpg)"), "fmt_kml": ("KML", "KML"),
    "fmt_dxf": ("DXF（CAD，每类一图层）", "DXF (CAD, one layer per class)"), "fmt_csv_wkt": ("CSV（WKT）", "CSV (WKT)"),
    "fmt_csv_xy": ("CSV（x/y 坐标）", "CSV (x/y)"),
    "crs_wgs84": ("WGS84（EPSG:4326）", "WGS84 (EPSG:4326)"), "crs_cgcs2000": ("CGCS2000 地理（EPSG:4490）", "CGCS2000 geographic (EPSG:4490)"),
    "crs_cgcs2000_gk120": ("CGCS2000 / 3度带 CM 120E（EPSG:4549）", "CGCS2000 / 3-degree GK CM 120E (EPSG:4549)"),
    "crs_gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (AMap/Tencent)"),
    "layer_scenario_current": ("当前方案新增范围", "Current scenario: added land"),
    "exp_paper": ("纸张", "Paper"), "exp_landscape": ("横向", "Landscape"), "exp_dpi": ("分辨率（dpi）", "Resolution (dpi)"),
    "exp_img_format": ("图片格式", "Image format"), "exp_map_title": ("标题", "Title"), "exp_map_subtitle": ("副标题", "Subtitle"),
    "exp_grid": ("CGCS2000 坐标格网", "CGCS2000 grid"), "exp_labels": ("子园名称标注", "Sub-park labels"),
    "exp_extent": ("范围", "Extent"), "ext_district": ("全区", "Whole district"), "ext_cluster": ("区块", "A cluster"),
    "ext_subpark": ("子园", "A sub-park"), "ext_scenario": ("当前方案的新增范围", "The current scenario's changes"),
    "ext_view": ("自定义视图（下方小地图）", "Map view (small map below)"),
    "exp_preview": ("预览", "Preview"), "exp_default_title": ("张江普陀园空间布局", "Zhangjiang Hi-tech Park, Putuo: layout"),
    "atlas_kind": ("每页一个", "One page per"), "atlas_subparks": ("子园（14 页）", "sub-park (14 pages)"),
    "atlas_parcels": ("排名前 N 的候选地块", "top-N candidate parcel"), "atlas_make": ("生成图集 PDF", "Make the atlas PDF"),
    "report_make": ("生成方案报告 PDF", "Make the report PDF"),
    "report_hint": ("报告使用“扩区方案”页面的当前方案和“候选地块评估”页面的权重。",
                    "The report uses the current scenario of the scenarios page and the weights of the parcels page."),
    "html_download": ("下载离线可用的交互地图（HTML）", "Download the interactive map (offline HTML)"),
    # import page
    "page_import": ("数据导入", "Data import"),
    "imp_title": ("导入官方数据：子园、地块、载体", "Load official data: sub-parks, parcels, carriers"),
    "imp_target": ("导入到哪个图层", "Target layer"), "imp_file": ("上传文件", "Upload a file"),
    "imp_formats": ("GeoJSON、压缩的 Shapefile（zip）、GeoPackage、KML/KMZ、DXF、CSV/XLSX（经纬度或 x/y 列）",
                    "GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ, DXF, CSV/XLSX (lon/lat or x/y columns)"),
    "imp_layer": ("文件中的图层", "Layer in the file"), "imp_crs": ("坐标系", "Coordinate system"),
    "imp_crs_auto": ("自动（文件声明或按坐标猜测）", "Automatic (from the file, or guessed)"),
    "imp_crs_custom": ("其他（EPSG 代码或 PROJ 字符串）", "Other (EPSG code or PROJ string)"),
    "imp_crs_swap": ("纬度/经度顺序颠倒", "Latitude/longitude swapped"),
    "imp_proj": ("EPSG 代码或 PROJ 字符串", "EPSG code or PROJ string"),
    "imp_x": ("经度 / x 列", "Longitude / x column"), "imp_y": ("纬度 / y 列", "Latitude / y column"),
    "imp_detected": ("识别结果", "Detected"), "imp_features": ("要素数", "Features"),
    "imp_source_crs": ("源坐标系", "Source CRS"), "imp_how": ("来源", "How"),
    "imp_how_file": ("文件声明", "declared in the file"), "imp_how_guessed": ("按坐标范围猜测，请确认", "guessed from the coordinates: confirm"),
    "imp_how_chosen": ("手动指定", "chosen by you"),
    "imp_encoding": ("属性编码", "Attribute encoding"), "imp_geomtypes": ("几何类型", "Geometry types"),
    "imp_notes": ("已处理的问题", "Problems found and handled"),
    "imp_mapping": ("字段对应", "Field mapping"), "imp_mapping_hint": ("把文件的列对应到本应用的字段；同类文件下次会记住。",
                                                            "Map the file's columns to the app's fields; remembered for files like this."),
    "imp_none": ("（无）", "(none)"), "imp_diff": ("与当前图层相比", "Compared with the current layer"),
    "imp_added": ("新增", "added"), "imp_removed": ("移除", "removed"), "imp_changed": ("变化", "changed"),
    "imp_apply": ("应用到本次会话", "Use it in this session"), "imp_save": ("同时保存到工作空间", "Also save it to the workspace"),
    "imp_applied": ("已应用：所有页面现在使用导入的图层。", "Applied: every page now uses the imported layer."),
    "imp_reset": ("恢复为内置演示数据", "Back to the bundled demonstration data"),
    "imp_saved_layers": ("工作空间中已保存的导入图层", "Imported layers saved in the workspace"),
    "imp_use_saved": ("使用已保存的图层", "Use the saved layers"),
    "imp_active": ("当前会话使用的导入图层：", "Imported layers in use: "),
    "imp_check": ("导入后的数据检查", "Check of the data with the import"),
    "sampled": ("图层要素过多（{n:,} 个），地图只显示规则抽样的 {k:,} 个；统计与评分仍使用全部要素。",
                "The layer has {n:,} features: the map shows a regular sample of {k:,}; tables and scores use all of them."),
    "error_data": ("数据无法加载：", "The data cannot be loaded: "),
    # --- application layer and pages (issue 9) -----------------------------------------------------------
    # (end of issue 9 labels)
    #
    # --- import page, check/convert (issue 10) ------------------------------------------------------------
    # (end of issue 10 labels)
    #
    # --- login, accounts, audit, conflicts, shared layers (issue 11) ----------------------------------------
    # (end of issue 11 labels)
    #
    # --- context layers, basemaps, print products (issue 12) -----------------------------------------------
    "layer_roads": ("快速路与主干道（OSM）", "Expressways and main roads (OSM)"),
    "layer_metro_lines": ("轨道交通线路", "Metro lines"),
    "road_expressway": ("高速公路", "Expressway"),
    "road_urban_expressway": ("城市快速路（高架）", "Urban expressway (elevated)"),
    "road_arterial": ("主干道", "Arterial road"),
    "f_road_kind": ("道路等级", "Road class"),
    **{f"metro_line_{ref}": (f"{ref}号线", f"Line {ref}") for ref in
       ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18")},
    "layer_scenario_new": ("方案新增地块", "Parcels the scenario adds"),
    # (end of issue 12 labels)
    #
    # --- large layers, tiles (issue 13) --------------------------------------------------------------------
    # (end of issue 13 labels)
}

_OVERLAP = set(TEXT) & set(CATALOGUE)
if _OVERLAP:  # one key, one meaning: the UI table and gis/'s message catalogue must not share keys
    raise RuntimeError(f"keys defined in both layers/i18n.py and gis/messages.py: {sorted(_OVERLAP)}")


def t(key: str, lang: str) -> str:
    """Return the label ``key`` in ``lang`` ('zh' or 'en'), from this table or gis/'s message catalogue.

    An unknown key is returned as itself (the bilingual page test fails on any that reaches a page).
    """
    pair = TEXT.get(key) or CATALOGUE.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def name_col(lang: str) -> str:
    """The attribute column holding a feature's name in ``lang``."""
    return "name_en" if lang == "en" else "name_zh"
