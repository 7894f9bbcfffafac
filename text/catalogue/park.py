"""The park's vocabulary: clusters, layout zones, industries; the explorer and indicators pages."""

ENTRIES: dict[str, tuple[str, str]] = {
    # clusters, layout zones, industries
    "cluster_north": ("北区块", "North cluster"),
    "cluster_south": ("南区块", "South cluster"),
    "zone_belt": ("苏河水岸（一带）", "Suzhou Creek belt"),
    "zone_core": ("真如副中心（一心）", "Zhenru sub-centre (core)"),
    "zone_city": ("桃浦智创城（一城）", "Taopu Smart City (city)"),
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
    "unknown_subpark": (
        "没有编号为 {id} 的子园。应为以下之一：{expected}。",
        "No sub-park with id {id}. Expected one of: {expected}.",
    ),
    "belt_width_invalid": (
        "苏河水岸带宽度必须是正的米数；收到 {width_m}。",
        "The belt width must be a positive number of metres; received {width_m}.",
    ),
    # explorer and indicators pages
    "search_subpark": ("查找子园", "Find a sub-park"),
    "search_placeholder": ("选择或输入子园名称", "Pick or type a sub-park name"),
    "link_unknown": (
        "链接中的编号“{id}”不是本数据中的子园或候选地块，已显示整个园区。请在上方选择子园，或检查链接。",
        "The link names '{id}', which is no sub-park or candidate parcel of this data; the whole park is shown. "
        "Pick a sub-park above, or check the link.",
    ),
    "panel_hint": (
        "点击地图上的子园，或在上方选择，查看详情。",
        "Click a sub-park on the map, or pick one above, to see its facts.",
    ),
    "panel_buildings": ("园内载体", "Carriers inside"),
    "panel_no_buildings": ("（演示数据中暂无）", "(none in the demonstration data)"),
    "panel_stations": ("最近的地铁站", "Nearest metro stations"),
    "panel_zones": ("位于“一带一心一城”", "Share in belt / core / city"),
    "panel_not_in_zones": ("不在三个布局区内", "Outside the three layout zones"),
    "area_table": ("面积统计", "Area table"),
    "area_by_cluster": ("按区块", "By cluster"),
    "area_by_subpark": ("按子园", "By sub-park"),
    "total": ("合计", "Total"),
    "area_note": (
        "面积在 CGCS2000 / 3度高斯-克吕格 120°E 投影（EPSG:4549）中计算；椭球面积供对照（约小 0.04%）。规划总面积约 10.08 km²。",
        "Areas measured in CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549); the geodesic area is "
        "shown for comparison (about 0.04 % smaller). The plan's total is about 10.08 km².",
    ),
    "ind_title": ("“十四五”主要指标：2019 年基数与 2025 年目标", "Main indicators: 2019 baseline and 2025 targets"),
    "ind_indicator": ("指标", "Indicator"),
    "ind_unit": ("单位", "Unit"),
    "ind_2019": ("2019 年", "2019"),
    "ind_2025": ("2025 年目标", "2025 target"),
    "ind_growth": ("需增长", "Growth needed"),
    "ind_chart": (
        "有基数的指标：2025 年目标相对 2019 年（2019 = 100）",
        "Indicators with a baseline: 2025 target vs 2019 (2019 = 100)",
    ),
    "ind_other": ("2019 年其他数据", "Other 2019 figures"),
    "ind_source": (
        "来源：普陀区科委《张江高新区普陀园“十四五”发展规划》（普科委〔2021〕17号）表1。",
        "Source: Putuo District Science and Technology Commission, Zhangjiang Hi-tech Park Putuo sub-park "
        "14th Five-Year Plan (2021), Table 1.",
    ),
    "panel_close": ("关闭", "Close"),
    "panel_parcel": ("候选地块", "Candidate parcel"),
    "ind_index": ("指数（2019 = 100）", "Index (2019 = 100)"),
    "ind_year": ("年份", "Year"),
}
