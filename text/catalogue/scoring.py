"""Parcels and scoring: criteria, rules, raw values, geometry problems, weights, rasters, the parcels page."""

ENTRIES: dict[str, tuple[str, str]] = {
    # criteria and hard rules
    "crit_adjacency": ("邻近园区", "Adjacency to the park"),
    "crit_shared_edge": ("共享边界", "Shared edge"),
    "crit_layout": ("布局契合（一带一心一城）", "Layout fit (belt/core/city)"),
    "crit_transit": ("轨交可达", "Transit access"),
    "crit_size": ("规模适宜", "Size fit"),
    "crit_compactness": ("形状紧凑度", "Compactness"),
    "crit_industry": ("产业契合（4+X）", "Industry fit (4+X)"),
    "crit_landuse": ("用途与园区产业相容", "Planned use fits the park's industries"),
    "rule_valid": ("几何有效", "Valid geometry"),
    "rule_inside_district": ("位于普陀区内", "Inside the district"),
    "rule_no_overlap": ("不与现有子园重叠", "No overlap with a sub-park"),
    "rule_min_area": ("满足最小面积", "Minimum area"),
    "rule_park_use": ("控规用途须为园区产业用途", "Planned use must be a park-industry use"),
    "rule_park_use_help": (
        "勾选后，控规中园区产业用途占地块面积不足 {min:.0%} 的地块视为未通过硬性规则，不参与排名。",
        "When ticked, a parcel less than {min:.0%} of whose area the regulatory plan gives to park-industry uses "
        "fails the hard rules and is not ranked.",
    ),
    # scoring and rasters (gis/scoring.py, gis/raster.py)
    "raw_dist_m": ("{m:,.0f} 米", "{m:,.0f} m"),
    "raw_beyond_m": ("超过 {m:,.0f} 米", "beyond {m:,.0f} m"),
    "raw_length_m": ("{m:,.0f} 米", "{m:,.0f} m"),
    "raw_area": ("{m2:,.0f} m²（{ha:,.2f} 公顷）", "{m2:,.0f} m² ({ha:,.2f} ha)"),
    "raw_number": ("{value:.3f}", "{value:.3f}"),
    "raw_zone_share": ("{zone} {share:.0%}", "{zone} {share:.0%}"),
    "raw_outside_zones": ("不在“一带一心一城”内", "outside the belt, core and city"),
    "raw_no_station": ("无地铁站数据", "no station data"),
    "raw_industry_match": (
        "{industry}（邻近子园 {subpark} 的定位）",
        "{industry} (positioning of the nearby {subpark})",
    ),
    "raw_landuse": (
        "控规用途：{codes}；园区产业用途占 {share:.0%}",
        "planned uses: {codes}; park-industry use {share:.0%}",
    ),
    "landuse_outside": ("不在任何控规地块内", "outside every regulatory-plan parcel"),
    "rule_m_park_use_ok": (
        "控规用途 {uses}，园区产业用途占 {share:.0%}",
        "planned use {uses}: {share:.0%} park-industry use",
    ),
    "rule_m_park_use_low": (
        "控规用途 {uses}，园区产业用途仅占 {share:.0%}（须不低于 {min:.0%}）",
        "planned use {uses}: only {share:.0%} park-industry use (at least {min:.0%} required)",
    ),
    "rule_m_valid": ("几何有效", "valid"),
    "rule_m_invalid": ("几何无效：{reason}", "invalid geometry: {reason}"),
    "rule_m_inside": ("位于普陀区内", "inside the district"),
    "rule_m_inside_tolerated": (
        "超出普陀区 {share:.1%}（在 {tol:.0%} 容差内）",
        "{share:.1%} outside the district (within the {tol:.0%} tolerance)",
    ),
    "rule_m_outside": ("超出普陀区 {share:.0%}", "{share:.0%} outside the district"),
    "rule_m_no_overlap": ("不与子园重叠", "no overlap with a sub-park"),
    "rule_m_overlap": ("与子园重叠 {m2:,.0f} m²", "overlaps a sub-park by {m2:,.0f} m²"),
    "rule_m_area_ok": ("面积 {m2:,.0f} m²", "area {m2:,.0f} m²"),
    "rule_m_area_small": (
        "面积 {m2:,.0f} m²，小于最小值 {min:,.0f} m²",
        "area {m2:,.0f} m², below the minimum {min:,.0f} m²",
    ),
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
    "scoring_no_crs": (
        "地块图层没有坐标系。应为声明了坐标系的图层（如 EPSG:4326）。请声明其坐标所用的坐标系。",
        "The parcels have no CRS. Expected a layer with a declared CRS (e.g. EPSG:4326). "
        "Fix: declare the system the coordinates are in.",
    ),
    "weights_unknown": (
        "权重中有未知准则：{unknown}。应为以下之一：{expected}。",
        "Unknown criteria in the weights: {unknown}. Expected some of: {expected}.",
    ),
    "weights_invalid": ("权重必须是不小于 0 的有限数。", "Weights must be finite numbers >= 0."),
    "weights_all_zero": (
        "所有权重均为 0：请至少为一个准则设置大于 0 的权重。",
        "All weights are 0: give at least one criterion a weight above 0.",
    ),
    "sens_spread_invalid": (
        "扰动幅度必须在 [0, 1) 之间；收到 {spread}。",
        "The spread must lie in [0, 1); received {spread}.",
    ),
    "sens_counts_invalid": (
        "抽样次数和前 N 名都必须不小于 1；收到 {draws} 和 {top_n}。",
        "draws and top_n must be >= 1; received {draws} and {top_n}.",
    ),
    "raster_task": ("读取栅格“{name}”", "reading the raster '{name}'"),
    "raster_no_crs": (
        "栅格没有坐标系。应为声明了坐标系的 GeoTIFF。请在 GIS 软件中为其指定坐标系后再上传。",
        "The raster has no CRS. Expected a GeoTIFF with its coordinate system. Fix: assign its CRS in your GIS software and upload it again.",
    ),
    "raster_band_missing": (
        "栅格有 {count} 个波段，但请求的是第 {band} 波段。",
        "The raster has {count} band(s); band {band} was asked for.",
    ),
    "surface_cell_small": (
        "网格尺寸至少为 5 米；收到 {cell_m}。",
        "The grid cell must be at least 5 m; received {cell_m}.",
    ),
    "surface_no_weight": (
        "邻近园区、布局契合和轨交可达的权重都为 0：适宜性面将为空。请至少为其中一项设置权重。",
        "None of adjacency, layout or transit has a weight: the surface would be empty. Give one of them a weight.",
    ),
    "raster_not_geotiff": (
        "无法读取栅格：文件不是 GeoTIFF（只接受 GeoTIFF 栅格；VRT、WMS 等描述文件不被读取）。请导出为带坐标系的 GeoTIFF 后再上传。",
        "Cannot read the raster: the file is not a GeoTIFF (only GeoTIFF rasters are read; VRT, WMS and other descriptions are not). Export it as a GeoTIFF with a CRS and upload that.",
    ),
    "raster_crs_unusable": (
        "栅格的坐标系“{crs}”无法与地块对应（本地或工程坐标系，没有到地理坐标的转换）。请导出为带标准坐标系（如 EPSG:4549）的 GeoTIFF。",
        "The raster's coordinate system '{crs}' cannot be related to the parcels (a local or engineering system with no way to geographic coordinates). Export it as a GeoTIFF in a standard system such as EPSG:4549.",
    ),
    "raster_geocentric": (
        "栅格的坐标系“{crs}”是地心坐标系（以米计的 X/Y/Z），不是地图平面，无法与地块对应。请导出为带地理或投影坐标系（如 EPSG:4549）的 GeoTIFF。",
        "The raster's coordinate system '{crs}' is geocentric (X/Y/Z in metres), not a map plane, so it cannot be laid over the parcels. Export it as a GeoTIFF in a geographic or projected system such as EPSG:4549.",
    ),
    "raster_covers_no_parcel": (
        "栅格（{crs}，范围 {bounds}）不覆盖 {count} 个地块中的任何一个：作为准则它只会给每个地块 0 分。请上传覆盖普陀园区地块的栅格。",
        "The raster ({crs}, extent {bounds}) covers none of the {count} parcels: as a criterion it would give every parcel 0. Upload a raster that covers the Putuo park's parcels.",
    ),
    "raster_no_values": (
        "栅格覆盖了 {count} 个地块，但这些地块下没有一个有效像元（全部为无数据或非数值）：作为准则它只会给每个地块 0 分。请检查栅格的无数据值和波段 {band}。",
        "The raster covers {count} parcel(s) but has no valid pixel under any of them (all nodata or not a number): as a criterion it would give every parcel 0. Check the raster's nodata value and band {band}.",
    ),
    "raster_window_too_large": (
        "评估地块需要读取栅格的 {pixels} 个像元，超过上限 {limit} 个（按每个读取进程 {memory_mb} MB 内存计）。请把栅格裁剪到园区范围或重采样为更粗的分辨率后再上传。",
        "Evaluating the parcels would read {pixels} pixels of the raster, over the limit of {limit} (for {memory_mb} MB of memory per reading process). Clip the raster to the park or resample it to a coarser resolution and upload it again.",
    ),
    "raster_eval_failed": (
        "栅格准则“{name}”无法计算，已移除：{reason}",
        "The raster criterion '{name}' could not be computed and was removed: {reason}",
    ),
    # parcels page
    "f_dist_m": ("距离（米）", "Distance (m)"),
    "f_share": ("占比", "Share"),
    "f_count": ("子园数", "Sub-parks"),
    "f_layout": ("布局", "Layout"),
    "parcels_title": ("候选地块评估：多准则评分与硬性规则", "Candidate parcels: multi-criteria scoring and hard rules"),
    "layer_scored": ("候选地块评分", "Scored parcels"),
    "score_c1": ("得分 0–0.2", "Score 0–0.2"),
    "score_c2": ("得分 0.2–0.4", "Score 0.2–0.4"),
    "score_c3": ("得分 0.4–0.6", "Score 0.4–0.6"),
    "score_c4": ("得分 0.6–0.8", "Score 0.6–0.8"),
    "score_c5": ("得分 0.8–1.0", "Score 0.8–1.0"),
    "score_fail": ("未通过硬性规则", "Fails a hard rule"),
    "f_failed": ("未通过的规则", "Failed rules"),
    "f_weight": ("权重", "Weight"),
    "f_criterion": ("准则", "Criterion"),
    "f_rule": ("规则", "Rule"),
    "f_value": ("测量值", "Measured"),
    "pass": ("通过", "pass"),
    "fail": ("未通过", "FAIL"),
    "weights": ("准则权重", "Criterion weights"),
    "weights_help": (
        "滑块为相对权重，括号内为归一化后的百分比。",
        "Sliders are relative weights; the normalised share is in brackets.",
    ),
    "preset": ("预设方案", "Preset"),
    "preset_balanced": ("均衡", "Balanced"),
    "preset_custom": ("自定义", "Custom"),
    "preset_layout_first": ("布局优先", "Layout first"),
    "preset_transit_first": ("轨交优先", "Transit first"),
    "reset": ("恢复默认", "Reset"),
    "tab_ranking": ("地图与排名", "Map & ranking"),
    "tab_sensitivity": ("敏感性", "Sensitivity"),
    "tab_surface": ("适宜性分布", "Suitability surface"),
    "tab_add": ("添加地块", "Add parcels"),
    "tab_export": ("导出", "Export"),
    "tab_help": ("准则说明", "How scores work"),
    "ranking": ("排名（通过全部硬性规则的地块）", "Ranking (parcels that pass every hard rule)"),
    "failing": ("未通过硬性规则的地块", "Parcels that fail a hard rule"),
    "none_failing": ("所有地块均通过硬性规则。", "Every parcel passes the hard rules."),
    "pick_parcel": ("查看地块", "Parcel card"),
    "card_hint": (
        "点击地图上的地块，或在上方选择，查看评分明细。",
        "Click a parcel on the map, or pick one above, for its score card.",
    ),
    "card_rules": ("硬性规则", "Hard rules"),
    "card_neighbours": ("邻近子园与地铁站", "Neighbouring sub-parks and stations"),
    "card_total": ("总分", "Total score"),
    "sens_spread": ("权重扰动幅度（±%）", "Weight perturbation (± %)"),
    "sens_draws": ("抽样次数", "Draws"),
    "sens_top": ("前 N 名", "Top N"),
    "sens_intro": (
        "每次抽样将每个权重随机乘以 1±幅度后重新排名；下表给出每个地块留在前 N 名的比例和名次范围。",
        "Each draw multiplies every weight by a random factor in 1 ± spread and re-ranks; the table shows how "
        "often each parcel stays in the top N and its rank range.",
    ),
    "sens_share": ("留在前 N 名的比例", "Share of draws in top N"),
    "sens_range": ("名次范围", "Rank range"),
    "surface_intro": (
        "按 邻近园区、布局契合、轨交可达 三个与位置有关的准则（当前权重）在网格上计算适宜性；"
        "规模、形状、产业属于地块属性，不参与。",
        "Location criteria (adjacency, layout, transit; current weights) "
        "on a grid; size, shape and industry describe a parcel, not a place, and are left out.",
    ),
    "surface_cell": ("网格大小（米）", "Cell size (m)"),
    "surface_show": ("在地图上显示适宜性分布", "Show the suitability surface on the map"),
    "surface_download": ("下载 GeoTIFF（EPSG:4549）", "Download GeoTIFF (EPSG:4549)"),
    "raster_title": ("栅格准则（GeoTIFF）", "Raster criteria (GeoTIFF)"),
    "raster_upload": ("上传 GeoTIFF（任意坐标系）", "Upload a GeoTIFF (any CRS)"),
    "raster_name": ("准则名称", "Criterion name"),
    "raster_higher": ("数值越高越好", "Higher is better"),
    "raster_add": ("加入准则", "Add criterion"),
    "raster_remove": ("移除栅格准则", "Remove raster criteria"),
    "raster_remove_confirm": ("确定移除栅格准则（{names}）？", "Remove the raster criteria ({names})?"),
    "add_drawn": ("添加绘制的地块", "Add the drawn parcel"),
    "no_drawing": ("尚未在地图上绘制。", "Nothing drawn on the map yet."),
    "parcel_name": ("地块名称", "Parcel name"),
    "intended_use": ("拟引入产业", "Intended industry"),
    "upload_parcels": (
        "上传地块文件（GeoJSON、GeoPackage、压缩的 Shapefile）",
        "Upload parcels (GeoJSON, GeoPackage, zipped Shapefile)",
    ),
    "add_uploaded": ("添加上传的地块", "Add the uploaded parcels"),
    "remove_user": ("移除我添加的地块", "Remove my parcels"),
    "remove_user_confirm": (
        "确定移除您添加的全部 {count} 个地块？移除后不能撤销。",
        "Remove all {count} parcels you added? This cannot be undone.",
    ),
    "upload_already_added": (
        "文件 {file} 中的地块已经添加过，不再重复添加。",
        "The parcels of {file} were added already; they are not added twice.",
    ),
    "added": ("已添加地块：", "Added: "),
    "export_xlsx": ("下载排名 Excel", "Download ranking Excel"),
    "export_geojson": ("下载评分图层 GeoJSON", "Download scored layer GeoJSON"),
    "export_gpkg": ("下载评分图层 GeoPackage", "Download scored layer GeoPackage"),
    "help_adjacency": (
        "到最近子园的距离 d（米）：得分 = max(0, 1 − d / 1000)。紧邻为 1，1000 米及以外为 0。",
        "distance d (m) to the nearest sub-park: score = max(0, 1 − d / 1000); touching = 1, 1,000 m or more = 0.",
    ),
    "help_shared_edge": (
        "地块边界中距园区 30 米以内（隔一条路）的长度占周长的比例 s：得分 = min(1, s / 0.25)。",
        "share s of the parcel's perimeter within 30 m of the park (across a road): score = min(1, s / 0.25).",
    ),
    "help_layout": (
        "地块面积落在 苏河水岸带 / 真如副中心 / 桃浦智创城 内的比例，按各区权重（默认均为 1）加总，最高为 1。",
        "share of the parcel's area inside the creek belt / Zhenru core / Taopu city, weighted per zone (1 each by default), capped at 1.",
    ),
    "help_transit": (
        "地块中心到最近地铁站的距离 d：d ≤ 300 米为 1，线性降至 1500 米为 0。",
        "distance d from the parcel's centroid to the nearest metro station: 1 up to 300 m, falling linearly to 0 at 1,500 m.",
    ),
    "help_size": (
        "面积 A 在 1–10 公顷之间为 1；小于 1 公顷为 A / 1 公顷；大于 10 公顷时线性下降，20 公顷为 0。",
        "area A: 1 between 1 and 10 ha; A / 1 ha below; falling linearly above 10 ha to 0 at 20 ha.",
    ),
    "help_compactness": (
        "Polsby–Popper 指数 4πA / P²：圆为 1，正方形约 0.785，狭长地块接近 0。",
        "Polsby–Popper 4πA / P²: 1 for a circle, about 0.785 for a square, near 0 for a sliver.",
    ),
    "help_industry": (
        "拟引入产业属于“4”（智能软件、研发服务、科技金融、生命健康）得 0.7，属于“X”（数字经济、新基建、在线经济、工业互联网）得 0.5，其他为 0；"
        "若 1000 米内最近子园的定位包含该产业，再加 0.3（最高 1）。",
        'intended industry in the "4" (intelligent software, R&D services, sci-tech finance, life & health) = 0.7, '
        'in the "X" (digital economy, new infrastructure, online economy, industrial internet) = 0.5, other = 0; '
        "+0.3 when the nearest sub-park within 1,000 m lists it (max 1).",
    ),
    "help_landuse": (
        "地块面积中控规用地性质属园区产业用途（{uses}，及其子类和兼容表允许的用途）的比例，0–1；"
        "仅在有控规图层时作为准则出现。",
        "share of the parcel's area whose planned use in the regulatory plan takes the park's industries ({uses}, "
        "their sub-classes and the uses the compatibility table allows), 0–1; a criterion only when there is a "
        "regulatory-plan layer.",
    ),
    "help_park_use_rule": (
        "可选规则（侧栏勾选）：控规中园区产业用途须占地块面积的 {min:.0%} 以上。",
        "optional rule (tick it in the sidebar): park-industry uses must cover at least {min:.0%} of the parcel's "
        "area in the regulatory plan.",
    ),
    "help_raster": (
        "上传的 GeoTIFF（任意坐标系）按地块计算有效像元（像元中心落在地块内、非 nodata）的均值，在所有地块间线性归一化到 0–1，可设定越高越好或越低越好。",
        "an uploaded GeoTIFF (any CRS): mean of the valid pixels whose centres fall in the parcel (nodata ignored), "
        "scaled 0–1 across the parcels, higher or lower is better as chosen.",
    ),
    "help_rules": (
        "几何有效；位于普陀区内（区外部分 ≤ 1%）；与现有子园重叠 ≤ 10 m²；面积 ≥ 5000 m²。未通过的地块不参与排名，并列出原因和测量值。",
        "valid geometry; inside the district (≤ 1 % outside); overlap with a sub-park ≤ 10 m²; area ≥ 5,000 m². "
        "Failing parcels are not ranked; they are listed with the rule and the measured value.",
    ),
    "find_parcel": ("查找地块（编号或名称）", "Find a parcel (id or name)"),
    "drawn_parcel": ("绘制地块", "Drawn parcel"),
    "ranking_sheet": ("地块排名", "Parcel ranking"),
    # the 控规 on the parcel card and in the tables
    "card_konggui": ("控规容量", "What the regulatory plan allows"),
    "f_cap_item": ("项目", "Item"),
    "f_cap_value": ("数值", "Value"),
    "cap_uses": ("控规用途", "Planned uses"),
    "cap_allowance": ("容积率上限允许建筑面积", "Floor area the maximum FAR allows"),
    "cap_existing": ("现状建筑面积", "Existing floor area"),
    "cap_remaining": ("剩余可建建筑面积", "Remaining floor area"),
    "cap_m2": ("{m2:,.0f} m²", "{m2:,.0f} m²"),
    "cap_over": ("超出 {m2:,.0f} m²", "over by {m2:,.0f} m²"),
    "cap_no_existing": ("{m2:,.0f} m²（现状建筑面积未知）", "{m2:,.0f} m² (existing floor area unknown)"),
    "f_allowance_m2": ("控规允许建筑面积（m²）", "Floor area allowed (m²)"),
    # the parcel card's numbers, each with what it is
    "card_sum": ("合计", "Total"),
    "f_norm_short": ("标准化", "Norm."),
    "f_contrib_short": ("贡献", "Contrib."),
    "f_contrib_of": ("{criterion}贡献（权重 {share}%）", "{criterion} contribution (weight {share}%)"),
    "kind_subpark": ("子园", "Sub-park"),
    "kind_station": ("地铁站", "Metro station"),
    "area_ha_text": ("{ha:,.1f} 公顷", "{ha:,.1f} ha"),
    "area_m2_text": ("{m2:,.0f} m²", "{m2:,.0f} m²"),
    "rule_v_valid": (
        "{parts} 个多边形，{points} 个顶点，边界不自相交",
        "{parts} polygon(s), {points} vertices, no self-crossing boundary",
    ),
    "rule_v_inside": ("全部位于普陀区内（区外 0 m²）", "wholly inside the district (0 m² outside)"),
    "rule_v_outside": ("区外 {area}，占地块 {share:.1%}", "{area} outside the district, {share:.1%} of the parcel"),
    "rule_v_outside_tolerated": (
        "区外 {area}，占地块 {share:.1%}（在 {tol:.0%} 容差内）",
        "{area} outside the district, {share:.1%} of the parcel (within the {tol:.0%} tolerance)",
    ),
    "rule_v_overlap": ("与 {subpark}重叠 {area}", "overlaps {subpark} by {area}"),
    "rule_v_overlap_tolerated": (
        "{overlaps}（在 {tol:,.0f} m² 容差内）",
        "{overlaps} (within the {tol:,.0f} m² tolerance)",
    ),
    "rule_v_no_overlap": (
        "不与任何子园重叠；最近的 {subpark}相距 {m:,.0f} 米",
        "overlaps no sub-park; the nearest, {subpark}, is {m:,.0f} m away",
    ),
}
