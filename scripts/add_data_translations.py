"""Add Chinese (and English) columns for the bundled data's own words: source/accuracy, building kinds.

The build scripts write ``source`` and ``accuracy`` in English (for the exports and the data's readers
abroad); the app shows ``<field>_<lang>`` when a layer has it, so this writes ``source_zh``, ``accuracy_zh``
and, for the carriers, ``kind_zh``/``kind_en``. An English text without a translation here stops the script:
run it after the build scripts, and add the new text to the tables below.

    python scripts/add_data_translations.py [DATA_DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.datasets import LAYER_FILES  # noqa: E402
from gis.io import read_layer, write_layer  # noqa: E402

PLAN = "张江普陀园“十四五”规划 (普科委〔2021〕17号) (name, cluster, positioning); location: "
PLAN_ZH = "《张江普陀园“十四五”规划》（普科委〔2021〕17号）：名称、区块、产业定位；位置："
OSM = (
    "© OpenStreetMap contributors, ODbL 1.0 (Geofabrik Shanghai extract 2026-07-28, simplified 5 m by "
    "luiszengii/shanghai-property-sector-map)"
)
OSM_ZH = "© OpenStreetMap 贡献者，ODbL 1.0（Geofabrik 上海数据 2026-07-28，经 luiszengii/shanghai-property-sector-map 简化至 5 米）"

#: English text of the bundled data -> Chinese.
TEXT_ZH: dict[str, str] = {
    "approximate point from public address facts, ±300 m": "根据公开地址信息确定的大致位置，±300 米",
    "approximate point from public address facts, ±300 m; moved inside its schematic sub-park": "根据公开地址信息确定的大致位置，±300 米；已移入其示意子园范围内",
    "named in 张江普陀园“十四五”规划 (普科委〔2021〕17号)": "见《张江普陀园“十四五”规划》（普科委〔2021〕17号）",
    "named in 张江普陀园“十四五”规划 (普科委〔2021〕17号); floor area: 2019 opening report": "见《张江普陀园“十四五”规划》（普科委〔2021〕17号）；建筑面积：2019 年开业报道",
    "follows the district line, 97 % of its length within 80 m of the creek water": "沿区界，97% 的长度距苏州河水面 80 米以内",
    "derived by this project: the Putuo boundary within 60 m of the Changning fence (Vonng/adcode, CC BY 4.0); "
    "the district line there follows Suzhou Creek": "本项目推导：普陀区界中距长宁区界 60 米以内的部分（Vonng/adcode，CC BY 4.0）；该段区界沿苏州河",
    "public AMap fence of 2016, about 1-5 m after the datum shift; not an official survey boundary "
    "(official area about 54.83 km2)": "2016 年高德公开区界，坐标转换后约 1–5 米；并非官方测绘边界（官方面积约 54.83 km²）",
    "AMap district fence via Vonng/adcode (CC BY 4.0), data/fences/310107.json, time-point 2016-07-31; "
    "GCJ-02 shifted to WGS84 by this project": "高德行政区界，经 Vonng/adcode（CC BY 4.0）获取，data/fences/310107.json，时点 2016-07-31；"
    "本项目由 GCJ-02 转换为 WGS84",
    "OSM route geometry simplified to 5 m (track alignment, not station order)": "OSM 线路走向，简化至 5 米（为轨道走向，而非站点连线）",
    OSM: OSM_ZH,
    "fictional: placed at random on land outside the schematic park": "虚构：随机放置在示意园区以外的用地上",
    "fictional demonstration parcel (scripts/build_demo_data.py, seed 2021)": "虚构的演示地块（由 scripts/build_demo_data.py 生成，随机种子 2021）",
    "OSM centre line simplified to 5 m; an elevated road and the road below it may share one line": "OSM 道路中心线，简化至 5 米；高架路与其下方地面道路可能共用一条线",
    "OSM centre line simplified to 5 m; an elevated road and the road below it may share one line; "
    "unnamed in the extract": "OSM 道路中心线，简化至 5 米；高架路与其下方地面道路可能共用一条线；数据中无名称",
    "OSM station node (one platform or the station centre), about 10-50 m; lines derived from the OSM line "
    "geometry within 150 m": "OSM 车站点（某一站台或车站中心），约 10–50 米；所属线路由 150 米内的 OSM 线路推导",
    "WGS84 station point of 2017, about 10-30 m; lines derived from the OSM line geometry within 150 m": "2017 年的 WGS84 车站点，约 10–30 米；所属线路由 150 米内的 OSM 线路推导",
    "MetroFlow (Ariza-Sun/MetroFlow, MIT), Data/stationInfo.csv, network of 2017; not in the OSM extract": "MetroFlow（Ariza-Sun/MetroFlow，MIT），Data/stationInfo.csv，2017 年线网；OSM 数据中缺少该站",
    "demonstration outline placed from public location facts (roads, stations); position about ±300 m, shape "
    "schematic; not an official boundary": "根据公开位置信息（道路、车站）绘制的演示范围；位置约 ±300 米，形状为示意；并非官方边界",
    "demonstration outline placed from public location facts (roads, stations); position about ±300 m, shape "
    "schematic; not an official boundary; area matches the declared figure": "根据公开位置信息（道路、车站）绘制的演示范围；位置约 ±300 米，形状为示意；并非官方边界；面积与公布数字一致",
    PLAN + "along the middle ring (真北路) north of 金沙江路 (location uncertain)": PLAN_ZH
    + "沿中环（真北路）、金沙江路以北（位置不确定）",
    PLAN + "around 华东师大中山北路校区 (中山北路3663号), east of 长风公园": PLAN_ZH
    + "华东师大中山北路校区（中山北路3663号）一带，长风公园以东",
    PLAN + "around 同济大学沪西校区, 真南路500号": PLAN_ZH + "同济大学沪西校区（真南路500号）一带",
    PLAN + "around 曹杨新村 / 枫桥路 station": PLAN_ZH + "曹杨新村站 / 枫桥路站一带",
    PLAN + "around 武宁路 station and 上电科 (武宁路505号)": PLAN_ZH + "武宁路站及上电科（武宁路505号）一带",
    PLAN + "around 祁连山路/武威东路/古浪路 stations; 中以创新园 at 祁连山路127号": PLAN_ZH
    + "祁连山路、武威东路、古浪路站一带；中以创新园位于祁连山路127号",
    PLAN + "east of 曹杨路 station (谈家渡路)": PLAN_ZH + "曹杨路站以东（谈家渡路）",
    PLAN + "east 长风公园/华东师大, south 苏州河, north 金沙江路, west 真北路; 3.06 km2 (2012 paper)": PLAN_ZH
    + "东至长风公园/华东师大，南至苏州河，北至金沙江路，西至真北路；3.06 km²（2012 年文献）",
    PLAN + "near 真光路 station (location uncertain)": PLAN_ZH + "真光路站附近（位置不确定）",
    PLAN + "north of 上海西站 (location uncertain)": PLAN_ZH + "上海西站以北（位置不确定）",
    PLAN + "south of 沪宁铁路, east of 外环, near 祁连山路/绥德路 (未来岛公园); 1.53 km2": PLAN_ZH
    + "沪宁铁路以南、外环以东，祁连山路/绥德路附近（未来岛公园）；1.53 km²",
    PLAN + "the rail triangle between 上海西站 and 真如 station": PLAN_ZH + "上海西站与真如站之间的铁路三角地带",
    PLAN + "west of 真北路 near the creek (location uncertain)": PLAN_ZH + "真北路以西、近苏州河（位置不确定）",
    PLAN + "中江路879号, on 金沙江路 between 大渡河路 and 真北路": PLAN_ZH
    + "中江路879号，金沙江路上大渡河路与真北路之间",
    "follows the public district line; width is a planning assumption, configurable": "沿公开区界；宽度为规划假设，可调整",
    "schematic outline scaled to about 4.2 km2; position about ±300 m": "示意范围，按约 4.2 km² 缩放；位置约 ±300 米",
    "schematic outline scaled to the published 6.16 km2; position about ±200 m": "示意范围，按公布的 6.16 km² 缩放；位置约 ±200 米",
    "Taopu Smart City, about 4.2 km2 (public reports); around 祁连山路/武威东路": "桃浦智创城，约 4.2 km²（公开报道）；祁连山路/武威东路一带",
    "bounded by 岚皋路 (E), 真北路 (W), 武宁路 (S), 富平路 (N); 6.16 km2 (shpt.gov.cn, 2023)": "东至岚皋路、西至真北路、南至武宁路、北至富平路；6.16 km²（shpt.gov.cn，2023）",
    "derived: land within 500 m of the creek edge (gis.layout.creek_belt)": "推导：沿河区界向内 500 米以内的用地",
}

#: Building kinds (codes in English) -> (Chinese, English as shown).
KINDS: dict[str, tuple[str, str]] = {
    "international park": ("国际园区", "International park"),
    "HQ complex": ("总部综合体", "HQ complex"),
    "research institute": ("科研院所", "Research institute"),
    "R&D centre": ("研发中心", "R&D centre"),
    "industrial park": ("产业园", "Industrial park"),
    "campus": ("高校校区", "Campus"),
    "platform": ("功能型平台", "Platform"),
    "testing centre": ("检测中心", "Testing centre"),
    "lab": ("重点实验室", "Laboratory"),
    "HQ": ("总部", "Headquarters"),
    "exchange": ("交易所", "Exchange"),
    "industrial centre": ("产业中心", "Industrial centre"),
    "operations centre": ("运营中心", "Operations centre"),
}


def translate(data_dir: Path) -> list[str]:
    """Write the translated columns into every layer of ``data_dir``; return English texts with no entry."""
    missing = []
    for layer_id, (rel, _, _) in LAYER_FILES.items():
        path = data_dir / rel
        if not path.exists():
            continue
        gdf = read_layer(path)
        for field in ("source", "accuracy"):
            texts = gdf[field].astype(str)
            missing += sorted({s for s in texts if s not in TEXT_ZH})
            gdf[f"{field}_zh"] = [TEXT_ZH.get(s, s) for s in texts]
        if layer_id == "buildings":
            missing += sorted({k for k in gdf["kind"].astype(str) if k not in KINDS})
            gdf["kind_zh"] = [KINDS.get(k, (k, k))[0] for k in gdf["kind"].astype(str)]
            gdf["kind_en"] = [KINDS.get(k, (k, k))[1] for k in gdf["kind"].astype(str)]
        write_layer(gdf, path)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    missing = translate(args.data_dir)
    for text in missing:
        print(f"NO TRANSLATION  {text}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
