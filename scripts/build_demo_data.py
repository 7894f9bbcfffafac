"""Regenerate the demonstration layers under data/ from public facts written out in this file.

What it builds (all WGS84 GeoJSON, every feature with ``source`` and ``accuracy``):

* ``boundaries/subparks.geojson`` — the 14 sub-parks. Each starts from a sketch placed where public facts
  put it (roads, railways, the creek, metro stations as landmarks; see PLAN_FACTS.md and PARK_FACTS.md
  in the shared folder), is clipped to the district, kept clear of the sub-parks placed before it and
  scaled about its centre until its area matches the target. Targets: the declared area where one is
  public (未来岛 1.53 km2, 长风生态商务区 3.06 km2), otherwise a share chosen so the park totals the
  plan's 10.08 km2. These are NOT official boundaries.
* ``boundaries/zones.geojson`` — "一带一心一城": the Suzhou Creek belt (500 m inward of the creek edge),
  the Zhenru sub-centre (岚皋路/真北路/武宁路/富平路, scaled to 6.16 km2), Taopu Smart City (≈4.2 km2).
* ``buildings/buildings.geojson`` — carriers named in the plan, as points inside their sub-park.
* ``parcels/parcels.geojson`` — fictional candidate parcels (seeded): near the belt, core and city, across a
  road from the park, elsewhere, and a few deliberately problematic.
The metro stations, roads and metro lines come from OpenStreetMap: ``scripts/build_context_data.py``.

Run after scripts/build_district.py::

    python scripts/build_demo_data.py [--reference ../shared/reference-data]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.crs import METRIC_CRS, STORAGE_CRS, to_metric  # noqa: E402
from gis.io import read_layer, write_layer  # noqa: E402
from gis.layout import creek_belt  # noqa: E402
from gis.settings import SETTINGS  # noqa: E402

DATA = ROOT / "data"
PLAN = "张江普陀园“十四五”规划 (普科委〔2021〕17号)"
SKETCH_ACC = (
    "demonstration outline placed from public location facts (roads, stations); "
    "position about ±300 m, shape schematic; not an official boundary"
)

# id, name_zh, name_en, cluster, industries_zh, industries_en, industry tags, carriers, declared km2,
# target km2, sketch (lon, lat) ring, where the facts put it.
SUBPARKS = [
    (
        "S01",
        "长风生态商务区",
        "Changfeng Eco-business District",
        "south",
        "数字经济、科技金融、人工智能",
        "digital economy, sci-tech finance, AI",
        "digital_economy|sci_tech_finance|intelligent_software",
        "360华东大安全总部园区；上海化工研究院",
        3.06,
        3.06,
        [
            (121.3785, 31.2348),
            (121.3975, 31.2342),
            (121.3990, 31.2262),
            (121.3945, 31.2195),
            (121.3775, 31.2200),
            (121.3735, 31.2280),
        ],
        "east 长风公园/华东师大, south 苏州河, north 金沙江路, west 真北路; 3.06 km2 (2012 paper)",
    ),
    (
        "N02",
        "未来岛高新技术产业园",
        "Future Island Hi-tech Park",
        "north",
        "先进制造、高技术服务",
        "advanced manufacturing, hi-tech services",
        "industrial_internet|rd_services",
        "闻天下产业园",
        1.53,
        1.53,
        [
            (121.3560, 31.2745),
            (121.3660, 31.2738),
            (121.3720, 31.2712),
            (121.3840, 31.2692),
            (121.3870, 31.2640),
            (121.3760, 31.2605),
            (121.3660, 31.2625),
            (121.3560, 31.2700),
        ],
        "south of 沪宁铁路, east of 外环, near 祁连山路/绥德路 (未来岛公园); 1.53 km2",
    ),
    (
        "N01",
        "桃浦智创城",
        "Taopu Smart City",
        "north",
        "智能科技、智能制造研发、生命健康",
        "intelligent tech, smart-manufacturing R&D, life & health",
        "intelligent_software|life_health|rd_services",
        "中以(上海)创新园；智创TOP；睿创上海研发中心；上海清华国际创新中心",
        None,
        2.04,
        [
            (121.3680, 31.2748),
            (121.3920, 31.2722),
            (121.3960, 31.2800),
            (121.3920, 31.2880),
            (121.3720, 31.2880),
            (121.3660, 31.2810),
        ],
        "around 祁连山路/武威东路/古浪路 stations; 中以创新园 at 祁连山路127号",
    ),
    (
        "N04",
        "真如铁三角科技园",
        "Zhenru Iron Triangle Sci-tech Park",
        "north",
        "医疗器械、检验检测、智能制造",
        "medical devices, testing & inspection, intelligent manufacturing",
        "life_health|rd_services",
        "",
        None,
        0.45,
        [(121.3950, 31.2600), (121.4080, 31.2600), (121.4060, 31.2545), (121.3975, 31.2545)],
        "the rail triangle between 上海西站 and 真如 station",
    ),
    (
        "N05",
        "同济大学国家大学科技园普陀分园",
        "Tongji University National Science Park (Putuo)",
        "north",
        "智慧医疗、生命健康",
        "smart medicine, life & health",
        "life_health|rd_services",
        "同济大学医学院（沪西校区，真南路500号）",
        None,
        0.30,
        [(121.3845, 31.2618), (121.3920, 31.2618), (121.3920, 31.2675), (121.3845, 31.2675)],
        "around 同济大学沪西校区, 真南路500号",
    ),
    (
        "N03",
        "新金环高新技术产业园",
        "Xinjinhuan Hi-tech Park",
        "north",
        "智能科技、高技术服务",
        "intelligent tech, hi-tech services",
        "intelligent_software|rd_services",
        "",
        None,
        0.30,
        [(121.3745, 31.2555), (121.3835, 31.2555), (121.3835, 31.2612), (121.3745, 31.2612)],
        "near 真光路 station (location uncertain)",
    ),
    (
        "N06",
        "麦腾创业天地",
        "Maiteng Entrepreneurship Space",
        "north",
        "互联网+、智能制造、电子商务",
        "internet+, intelligent manufacturing, e-commerce",
        "online_economy|digital_economy",
        "",
        None,
        0.15,
        [(121.4005, 31.2660), (121.4075, 31.2660), (121.4075, 31.2705), (121.4005, 31.2705)],
        "north of 上海西站 (location uncertain)",
    ),
    (
        "S03",
        "华东师范大学国家大学科技园",
        "ECNU National University Science Park",
        "south",
        "教育科技、新一代信息技术、高技术服务",
        "education tech, new-generation IT, hi-tech services",
        "intelligent_software|rd_services",
        "国家可信嵌入式软件工程技术中心；华东师范大学医学与健康院；国家级出版融合发展重点实验室",
        None,
        0.45,
        [(121.4000, 31.2250), (121.4120, 31.2250), (121.4120, 31.2330), (121.4000, 31.2330)],
        "around 华东师大中山北路校区 (中山北路3663号), east of 长风公园",
    ),
    (
        "S05",
        "新曹杨高新技术产业园",
        "New Caoyang Hi-tech Park",
        "south",
        "医疗科技、高技术服务",
        "medical tech, hi-tech services",
        "life_health|rd_services",
        "",
        None,
        0.40,
        [(121.4000, 31.2380), (121.4100, 31.2380), (121.4100, 31.2450), (121.4000, 31.2450)],
        "around 曹杨新村 / 枫桥路 station",
    ),
    (
        "S02",
        "中环国际中小企业总部社区",
        "Zhonghuan International SME HQ Community",
        "south",
        "医疗器械、智能制造",
        "medical devices, intelligent manufacturing",
        "life_health|industrial_internet",
        "",
        None,
        0.35,
        [(121.3790, 31.2398), (121.3875, 31.2398), (121.3875, 31.2462), (121.3790, 31.2462)],
        "along the middle ring (真北路) north of 金沙江路 (location uncertain)",
    ),
    (
        "S07",
        "武宁科技园",
        "Wuning Sci-tech Park",
        "south",
        "智能电气、智慧交通",
        "smart electrical, smart transport",
        "industrial_internet|new_infrastructure",
        "上海电器科学研究所（上电科）；“电科云”平台",
        None,
        0.35,
        [(121.4225, 31.2335), (121.4320, 31.2360), (121.4300, 31.2420), (121.4215, 31.2400)],
        "around 武宁路 station and 上电科 (武宁路505号)",
    ),
    (
        "S06",
        "谈家28-文化信息·商务港（曹杨）",
        "Tanjia 28 Culture-Information Business Port",
        "south",
        "新媒体、在线经济、大数据",
        "new media, online economy, big data",
        "online_economy|digital_economy",
        "",
        None,
        0.25,
        [(121.4140, 31.2385), (121.4215, 31.2385), (121.4215, 31.2445), (121.4140, 31.2445)],
        "east of 曹杨路 station (谈家渡路)",
    ),
    (
        "S08",
        "长风科技园",
        "Changfeng Sci-tech Park",
        "south",
        "先进材料、生物医药、公共安全",
        "advanced materials, biomedicine, public safety",
        "life_health|rd_services",
        "",
        None,
        0.25,
        [(121.3640, 31.2300), (121.3735, 31.2300), (121.3735, 31.2375), (121.3640, 31.2375)],
        "west of 真北路 near the creek (location uncertain)",
    ),
    (
        "S04",
        "天地软件园",
        "Tiandi Software Park",
        "south",
        "数字经济、文化创意",
        "digital economy, cultural creativity",
        "digital_economy|intelligent_software",
        "京东智联云(普陀)数字经济产业中心",
        None,
        0.20,
        [(121.3795, 31.2350), (121.3890, 31.2350), (121.3890, 31.2390), (121.3795, 31.2390)],
        "中江路879号, on 金沙江路 between 大渡河路 and 真北路",
    ),
]

# Layout zones: id, names, target km2 (None = as derived), sketch, source/accuracy.
CORE_SKETCH = [(121.3870, 31.2625), (121.4185, 31.2632), (121.4195, 31.2420), (121.4030, 31.2440), (121.3865, 31.2480)]
CITY_SKETCH = [
    (121.3620, 31.2725),
    (121.3970, 31.2685),
    (121.4010, 31.2800),
    (121.3960, 31.2925),
    (121.3700, 31.2935),
    (121.3620, 31.2830),
]

# Buildings: id, name_zh, name_en, kind, sub-park id, industries, floor area m2 (None = unknown), lon, lat.
BUILDINGS = [
    (
        "B01",
        "中以(上海)创新园",
        "China-Israel (Shanghai) Innovation Park",
        "international park",
        "N01",
        "intelligent_software|life_health",
        7500,
        121.3745,
        31.2772,
    ),
    ("B02", "智创TOP产城综合体", "Zhichuang TOP complex", "HQ complex", "N01", "rd_services", None, 121.3800, 31.2800),
    (
        "B03",
        "上海清华国际创新中心",
        "Tsinghua International Innovation Center (Shanghai)",
        "research institute",
        "N01",
        "rd_services|intelligent_software",
        None,
        121.3830,
        31.2825,
    ),
    (
        "B04",
        "睿创上海研发中心",
        "Raytron Shanghai R&D Center",
        "R&D centre",
        "N01",
        "rd_services",
        None,
        121.3770,
        31.2835,
    ),
    (
        "B05",
        "普陀桃浦国际健康创新产业园",
        "Taopu International Health Innovation Park",
        "industrial park",
        "N01",
        "life_health",
        None,
        121.3860,
        31.2790,
    ),
    (
        "B06",
        "闻天下产业园",
        "Wentianxia Industrial Park",
        "industrial park",
        "N02",
        "industrial_internet",
        None,
        121.3720,
        31.2665,
    ),
    (
        "B07",
        "上海智能制造及机器人产业园",
        "Shanghai Intelligent Manufacturing & Robotics Park",
        "industrial park",
        "N02",
        "industrial_internet|rd_services",
        None,
        121.3660,
        31.2690,
    ),
    (
        "B08",
        "同济大学医学院（沪西校区）",
        "Tongji University School of Medicine (Huxi campus)",
        "campus",
        "N05",
        "life_health",
        None,
        121.3880,
        31.2645,
    ),
    (
        "B09",
        "上海电器科学研究所（上电科）",
        "Shanghai Electrical Apparatus Research Institute",
        "research institute",
        "S07",
        "industrial_internet|new_infrastructure",
        None,
        121.4265,
        31.2375,
    ),
    (
        "B10",
        "工业控制系统安全创新功能型平台",
        "Industrial Control System Security Innovation Platform",
        "platform",
        "S07",
        "industrial_internet",
        None,
        121.4275,
        31.2368,
    ),
    (
        "B11",
        "机器人研发与转化功能型平台",
        "Robotics R&D and Transfer Platform",
        "platform",
        "S07",
        "industrial_internet|rd_services",
        None,
        121.4255,
        31.2385,
    ),
    (
        "B12",
        "国家机器人检测与评定中心",
        "National Robot Testing and Assessment Center",
        "testing centre",
        "S07",
        "rd_services",
        None,
        121.4285,
        31.2380,
    ),
    (
        "B13",
        "国家能源智能电网用户端电气设备研发(实验)中心",
        "National Energy Smart-grid User-side Equipment R&D Center",
        "lab",
        "S07",
        "new_infrastructure",
        None,
        121.4250,
        31.2370,
    ),
    (
        "B14",
        "上海化工研究院（上化院）",
        "Shanghai Research Institute of Chemical Industry",
        "research institute",
        "S01",
        "rd_services|life_health",
        None,
        121.3905,
        31.2285,
    ),
    (
        "B15",
        "国家聚烯烃催化剂重点实验室",
        "State Key Laboratory of Polyolefin Catalysts",
        "lab",
        "S01",
        "rd_services",
        None,
        121.3895,
        31.2278,
    ),
    (
        "B16",
        "360华东大安全总部园区",
        "360 East China Security HQ Campus",
        "HQ",
        "S01",
        "digital_economy|intelligent_software",
        None,
        121.3830,
        31.2300,
    ),
    (
        "B17",
        "360国际数字安全与生态运营中心",
        "360 International Digital Security & Ecosystem Center",
        "HQ",
        "S01",
        "digital_economy",
        None,
        121.3845,
        31.2312,
    ),
    (
        "B18",
        "上海联合产权交易所",
        "Shanghai United Assets and Equity Exchange",
        "exchange",
        "S01",
        "sci_tech_finance",
        None,
        121.3870,
        31.2250,
    ),
    (
        "B19",
        "国家技术转移东部中心",
        "National Technology Transfer Center East",
        "platform",
        "S01",
        "rd_services|sci_tech_finance",
        None,
        121.3805,
        31.2260,
    ),
    (
        "B20",
        "京东智联云(普陀)数字经济产业中心",
        "JD Cloud (Putuo) Digital Economy Center",
        "industrial centre",
        "S04",
        "digital_economy|new_infrastructure",
        None,
        121.3840,
        31.2368,
    ),
    (
        "B21",
        "国家可信嵌入式软件工程技术中心",
        "National Trusted Embedded Software Engineering Center",
        "lab",
        "S03",
        "intelligent_software",
        None,
        121.4055,
        31.2295,
    ),
    (
        "B22",
        "华东师范大学医学与健康院",
        "ECNU Institute of Medicine and Health",
        "research institute",
        "S03",
        "life_health",
        None,
        121.4080,
        31.2280,
    ),
    (
        "B23",
        "国家级出版融合发展重点实验室",
        "National Key Lab of Publishing Integration",
        "lab",
        "S03",
        "digital_economy",
        None,
        121.4035,
        31.2310,
    ),
    (
        "B24",
        "阿里巴巴数字农业供应链中心",
        "Alibaba Digital Agriculture Supply-chain Center",
        "operations centre",
        "S02",
        "digital_economy|online_economy",
        None,
        121.3830,
        31.2430,
    ),
]

USES = [
    ("industrial", "存量工业用地", "stock industrial land"),
    ("warehouse", "仓储物流", "warehousing & logistics"),
    ("old_factory", "老旧厂房", "old factory buildings"),
    ("renewal", "城市更新地块", "urban-renewal plot"),
    ("office", "低效商办", "under-used office"),
    ("vacant", "空地", "vacant land"),
]
STATUSES = [
    ("stock", "存量待盘活", "stock, to be revitalised"),
    ("negotiating", "意向洽谈中", "under negotiation"),
    ("reserved", "已收储", "land-banked"),
    ("rezoning", "规划调整中", "rezoning in progress"),
]
INDUSTRIES = [
    "intelligent_software",
    "rd_services",
    "sci_tech_finance",
    "life_health",
    "digital_economy",
    "new_infrastructure",
    "online_economy",
    "industrial_internet",
    "residential",
]


def _scaled_to_area(
    sketch: shapely.Polygon, *, target_m2: float, clip: shapely.Geometry, occupied: shapely.Geometry
) -> shapely.Geometry:
    """Scale ``sketch`` (metric) about its centroid until clip ∩ sketch − occupied has target area."""
    centre = sketch.centroid

    def shape(s: float) -> shapely.Geometry:
        g = affinity.scale(sketch, xfact=s, yfact=s, origin=centre)
        g = shapely.difference(shapely.intersection(g, clip), occupied)
        parts = sorted(shapely.get_parts(g), key=lambda p: -p.area)
        keep = [p for p in parts if p.area >= 0.05 * parts[0].area] if parts else []
        return shapely.union_all(keep) if keep else shapely.Polygon()

    lo, hi = 0.1, 6.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if shape(mid).area < target_m2:
            lo = mid
        else:
            hi = mid
    return shapely.make_valid(shapely.set_precision(shape(hi), 0.01))


def _metric_polygon(ring: list[tuple[float, float]]) -> shapely.Polygon:
    return to_metric(gpd.GeoSeries([shapely.Polygon(ring)], crs=STORAGE_CRS)).iloc[0]


def build_subparks(district_m: shapely.Geometry) -> gpd.GeoDataFrame:
    clip = district_m.buffer(-5.0)
    occupied = shapely.Polygon()
    rows, geoms = [], []
    for pid, zh, en, cluster, ind_zh, ind_en, tags, carriers, declared, target, ring, where in SUBPARKS:
        geom = _scaled_to_area(_metric_polygon(ring), target_m2=target * 1e6, clip=clip, occupied=occupied)
        occupied = shapely.union(occupied, geom.buffer(8.0))
        geoms.append(geom)
        rows.append(
            {
                "id": pid,
                "name_zh": zh,
                "name_en": en,
                "cluster": cluster,
                "industries_zh": ind_zh,
                "industries_en": ind_en,
                "industry_tags": tags,
                "carriers_zh": carriers,
                "declared_area_km2": declared,
                "source": f"{PLAN} (name, cluster, positioning); location: {where}",
                "accuracy": SKETCH_ACC if declared is None else SKETCH_ACC + "; area matches the declared figure",
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)
    return gdf.sort_values("id").reset_index(drop=True)


def build_zones(
    district_m: shapely.Geometry, district: gpd.GeoDataFrame, creek_edge: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    belt = creek_belt(district, creek_edge, width_m=SETTINGS.belt_width_m)
    core = _scaled_to_area(_metric_polygon(CORE_SKETCH), target_m2=6.16e6, clip=district_m, occupied=shapely.Polygon())
    city = _scaled_to_area(_metric_polygon(CITY_SKETCH), target_m2=4.2e6, clip=district_m, occupied=shapely.Polygon())
    rows = [
        (
            "belt",
            "苏河水岸（一带）",
            "Suzhou Creek waterfront belt (the belt)",
            "一带一心一城 — 苏河水岸",
            f"derived: land within {SETTINGS.belt_width_m:.0f} m of the creek edge (gis.layout.creek_belt)",
            "follows the public district line; width is a planning assumption, configurable",
            belt,
        ),
        (
            "core",
            "真如城市副中心（一心）",
            "Zhenru city sub-centre (the core)",
            "一带一心一城 — 真如城市副中心",
            "bounded by 岚皋路 (E), 真北路 (W), 武宁路 (S), 富平路 (N); 6.16 km2 (shpt.gov.cn, 2023)",
            "schematic outline scaled to the published 6.16 km2; position about ±200 m",
            core,
        ),
        (
            "city",
            "桃浦智创城（一城）",
            "Taopu Smart City (the city)",
            "一带一心一城 — 桃浦智创城",
            "Taopu Smart City, about 4.2 km2 (public reports); around 祁连山路/武威东路",
            "schematic outline scaled to about 4.2 km2; position about ±300 m",
            city,
        ),
    ]
    return gpd.GeoDataFrame(
        [
            {"id": r[0], "name_zh": r[1], "name_en": r[2], "layout_role": r[3], "source": r[4], "accuracy": r[5]}
            for r in rows
        ],
        geometry=[r[6] for r in rows],
        crs=METRIC_CRS,
    )


def build_buildings(subparks_m: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    by_id = subparks_m.set_index("id").geometry
    rows, geoms = [], []
    for bid, zh, en, kind, sp, tags, floor, lon, lat in BUILDINGS:
        pt = to_metric(gpd.GeoSeries([shapely.Point(lon, lat)], crs=STORAGE_CRS)).iloc[0]
        inner = by_id[sp].buffer(-25.0)
        moved = not inner.contains(pt)
        if moved:  # the outline is schematic: keep the carrier inside its sub-park, say so
            pt = shapely.ops.nearest_points(inner, pt)[0]
        geoms.append(pt)
        rows.append(
            {
                "id": bid,
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "subpark_id": sp,
                "industry_tags": tags,
                "floor_area_m2": floor,
                "source": f"named in {PLAN}" + ("; floor area: 2019 opening report" if floor else ""),
                "accuracy": "approximate point from public address facts, ±300 m"
                + ("; moved inside its schematic sub-park" if moved else ""),
            }
        )
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)


def _rect(cx: float, cy: float, area: float, aspect: float, angle: float) -> shapely.Polygon:
    w = np.sqrt(area * aspect)
    h = area / w
    box = shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    return affinity.rotate(box, angle, origin=(cx, cy))


def build_parcels(
    district_m: shapely.Geometry,
    subparks_m: gpd.GeoDataFrame,
    zones_m: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    *,
    seed: int = 2021,
) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    park = subparks_m.geometry.union_all()
    free = shapely.difference(district_m.buffer(-30.0), park.buffer(40.0))
    zone = zones_m.set_index("id").geometry
    # Where to look: near the belt, the core and the city (60 %), anywhere else in the district (40 %).
    targets = [("belt", 14), ("core", 10), ("city", 10), (None, 18)]
    placed: list[shapely.Polygon] = []
    kinds: list[str] = []
    for zid, count in targets:
        region = free if zid is None else shapely.intersection(free, zone[zid].buffer(300.0))
        shapely.prepare(region)
        x0, y0, x1, y1 = region.bounds
        n = 0
        while n < count:
            cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
            area = float(np.clip(rng.lognormal(np.log(35_000), 0.6), 6_000, 160_000))
            poly = _rect(cx, cy, area, rng.uniform(1.0, 2.6), rng.uniform(-35, 35))
            if region.contains(poly) and all(poly.distance(p) > 40.0 for p in placed):
                placed.append(poly)
                kinds.append("ok")
                n += 1
    # Parcels across a road from the park (15-45 m away): the natural candidates for expansion.
    ring = shapely.intersection(free.buffer(0), shapely.difference(park.buffer(160.0), park.buffer(15.0)))
    shapely.prepare(ring)
    x0, y0, x1, y1 = ring.bounds
    n = 0
    while n < 14:
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        poly = _rect(cx, cy, float(rng.uniform(8_000, 40_000)), rng.uniform(1.0, 2.2), rng.uniform(-35, 35))
        d = poly.distance(park)
        if (
            15.0 <= d <= 45.0
            and district_m.buffer(-30.0).contains(poly)
            and all(poly.distance(p) > 20.0 for p in placed)
        ):
            placed.append(poly)
            kinds.append("ok")
            n += 1
    # Deliberately problematic parcels, so the hard rules have something to catch.
    boundary = district_m.boundary
    for frac in (0.08, 0.42):  # straddling the district line
        pt = boundary.interpolate(frac, normalized=True)
        placed.append(_rect(pt.x, pt.y, 40_000, 1.5, 10.0))
        kinds.append("crosses_district")
    for sid in ("N04", "S05"):  # overlapping a sub-park
        edge = subparks_m.set_index("id").geometry[sid].boundary.interpolate(0.3, normalized=True)
        placed.append(_rect(edge.x, edge.y, 30_000, 1.2, 0.0))
        kinds.append("overlaps_subpark")
    c = shapely.Point(*free.representative_point().coords[0])
    placed.append(_rect(c.x, c.y, 1_500, 1.0, 0.0))  # far too small to be worth it
    kinds.append("too_small")

    towns_m = to_metric(
        gpd.GeoDataFrame(
            towns, geometry=gpd.points_from_xy(towns["center_lon_wgs84"], towns["center_lat_wgs84"]), crs=STORAGE_CRS
        )
    )
    rows = []
    for i, (poly, kind) in enumerate(zip(placed, kinds), start=1):
        use = USES[rng.integers(len(USES))]
        status = STATUSES[rng.integers(len(STATUSES))]
        ratio = float(np.round(rng.uniform(1.5, 4.0), 1))
        town = towns_m.iloc[int(towns_m.distance(poly.centroid).argmin())]["name"]
        intended = INDUSTRIES[rng.integers(len(INDUSTRIES))]
        rows.append(
            {
                "id": f"P{i:03d}",
                "name_zh": f"候选地块 P{i:03d}（{town}）",
                "name_en": f"Candidate parcel P{i:03d}",
                "street_zh": town,
                "current_use": use[0],
                "current_use_zh": use[1],
                "current_use_en": use[2],
                "status": status[0],
                "status_zh": status[1],
                "status_en": status[2],
                "intended_use": intended,
                "area_m2": round(poly.area, 1),
                "plot_ratio": ratio,
                "potential_floor_area_m2": round(poly.area * ratio, 0),
                "demo_issue": "" if kind == "ok" else kind,
                "source": "fictional demonstration parcel (scripts/build_demo_data.py, seed 2021)",
                "accuracy": "fictional: placed at random on land outside the schematic park",
            }
        )
    return gpd.GeoDataFrame(rows, geometry=placed, crs=METRIC_CRS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference-data")
    args = parser.parse_args()
    district = read_layer(DATA / "boundaries" / "district.geojson")
    creek_edge = read_layer(DATA / "boundaries" / "creek_edge.geojson")
    district_m = to_metric(district).geometry.union_all()

    subparks = build_subparks(district_m)
    zones = build_zones(district_m, district, creek_edge)
    buildings = build_buildings(subparks)
    towns = pd.read_csv(args.reference / "putuo_streets_towns.csv").dropna(subset=["center_lon_wgs84"])
    parcels = build_parcels(district_m, subparks, zones, towns)

    write_layer(subparks, DATA / "boundaries" / "subparks.geojson")
    write_layer(zones, DATA / "boundaries" / "zones.geojson")
    write_layer(buildings, DATA / "buildings" / "buildings.geojson")
    write_layer(parcels, DATA / "parcels" / "parcels.geojson")
    print(
        f"sub-parks {len(subparks)} total {subparks.area.sum() / 1e6:.3f} km2; zones "
        + ", ".join(f"{z} {a / 1e6:.2f} km2" for z, a in zip(zones["id"], zones.area))
        + f"; buildings {len(buildings)}; parcels {len(parcels)}"
    )


if __name__ == "__main__":
    main()
