"""English names for Chinese place names: Hanyu Pinyin for the specific part, the generic part translated.

The rules follow the national standard for place-name romanisation (GB 17733, specific part in pinyin
written as one word) with the generic words translated as on Shanghai's road signs and metro maps::

    曹杨路 -> Caoyang Road       中山北路 -> Zhongshan North Road     曹安公路 -> Cao'an Highway
    大华三路 -> Dahua 3rd Road   桃浦新村 -> Taopu Xincun            祁连山路五号桥 -> Qilianshan Road No. 5 Bridge

A few well-known names whose official English is not a transliteration (railway stations, ring roads,
campuses, museums) come from :data:`OFFICIAL_EN`. Station names drop a trailing 站 first.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Readings pypinyin's dictionary gets wrong for place names in and around Putuo (长 is cháng here).
load_phrases_dict(
    {
        "长风": [["cháng"], ["fēng"]],
        "长征": [["cháng"], ["zhēng"]],
        "长宁": [["cháng"], ["níng"]],
        "长寿": [["cháng"], ["shòu"]],
        "长江": [["cháng"], ["jiāng"]],
        "曲阜": [["qū"], ["fù"]],
        "蕰藻浜": [["yùn"], ["zǎo"], ["bāng"]],
        "莘庄": [["xīn"], ["zhuāng"]],
        "七莘": [["qī"], ["xīn"]],
        "乐秀": [["lè"], ["xiù"]],
        "朝阳": [["cháo"], ["yáng"]],
    }
)

#: Names whose official English is not the rule's output (ring roads, stations named after places).
OFFICIAL_EN: dict[str, str] = {
    "中环路": "Middle Ring Road",
    "内环高架路": "Inner Ring Elevated Road",
    "外环高速": "Outer Ring Expressway",
    "外环线": "Outer Ring Road",
    "南北高架": "North-South Elevated Road",
    "南北高架路": "North-South Elevated Road",
    "上海": "Shanghai Railway Station",
    "上海火车站": "Shanghai Railway Station",
    "上海西": "Shanghai West Railway Station",
    "上海西站": "Shanghai West Railway Station",
    "上海南站": "Shanghai South Railway Station",
    "虹桥火车站": "Hongqiao Railway Station",
    "上海虹桥": "Shanghai Hongqiao Railway Station",
    "虹桥1号航站楼": "Hongqiao Airport Terminal 1",
    "虹桥2号航站楼": "Hongqiao Airport Terminal 2",
    "上海动物园": "Shanghai Zoo",
    "上海图书馆": "Shanghai Library",
    "上海马戏城": "Shanghai Circus World",
    "上海大学": "Shanghai University",
    "交通大学": "Jiaotong University",
    "自然博物馆": "Natural History Museum",
    "世博会博物馆": "Expo Museum",
    "大世界": "Great World",
    "一大会址·新天地": "Xintiandi",
    "一大会址·黄陂南路": "Huangpi South Road",
    "陕西南路": "Shaanxi South Road",
    "打浦桥": "Dapuqiao",
    "2号航站楼出发": "Terminal 2 Departures",
    "虹桥火车站出发": "Hongqiao Railway Station Departures",
}

#: Generic words (the longest match at the end of a name wins) and their English; ``True`` marks road
#: generics, which take a direction (北 North ...) and an ordinal (一 1st ...) and may name a bridge or exit.
_GENERIC: tuple[tuple[str, str, bool], ...] = tuple(
    sorted(
        (
            ("高速公路", "Expressway", True),
            ("高架路", "Elevated Road", True),
            ("高架桥", "Viaduct", False),
            ("高架", "Elevated Road", True),
            ("高速", "Expressway", True),
            ("快速路", "Expressway", True),
            ("联络线", "Link", False),
            ("公路", "Highway", True),
            ("大道", "Avenue", True),
            ("隧道", "Tunnel", False),
            ("通道", "Passage", False),
            ("出口", "Exit", False),
            ("入口", "Entrance", False),
            ("出发", "Departures", False),
            ("路", "Road", True),
            ("街", "Street", True),
            ("桥", "Bridge", False),
            ("火车站", "Railway Station", False),
            ("航站楼", "Terminal", False),
            ("公园", "Park", False),
            ("大学", "University", False),
            ("新村", "Xincun", False),
            ("博物馆", "Museum", False),
            ("图书馆", "Library", False),
            ("动物园", "Zoo", False),
            ("寺", "Temple", False),
        ),
        key=lambda g: -len(g[0]),
    )
)
_ROAD_GENERICS = tuple(g for g in _GENERIC if g[2])
_DIRECTIONS = {"东": "East", "南": "South", "西": "West", "北": "North", "中": "Middle"}
_ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBERED = re.compile(r"^(.*?)([0-9]+|[一二三四五六七八九十]{1,3})号$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _ORDINALS[text]
    tens, _, ones = text.partition("十")
    return (_ORDINALS[tens] if tens else 1) * 10 + (_ORDINALS[ones] if ones else 0)


def pinyin_word(text: str) -> str:
    """Hanyu Pinyin of a Chinese specific name written as one capitalised word, with the apostrophe
    before a syllable starting with a, o or e (西安 -> Xi'an, 延安 -> Yan'an). Non-Chinese text is kept."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")  # non-Chinese text kept as is
    word = ""
    for syl in syllables:
        if word and syl[:1] in ("a", "o", "e") and word[-1].isalpha():
            word += "'"
        word += syl
    return word[:1].upper() + word[1:]


def _specific(text: str) -> list[str]:
    """The specific part as words: pinyin per chunk, separators (· -) kept."""
    parts = [p for p in re.split(r"([·\-－—])", text) if p]
    out = []
    for part in parts:
        out.append("-" if part in "-－—" else part if part == "·" else pinyin_word(part))
    return [" ".join(out).replace(" - ", "-")] if out else []


def _road_words(rest: str, english: str) -> list[str]:
    """Words of a road name: 中山北一路 -> Zhongshan North 1st Road; 真北路 stays Zhenbei Road."""
    ordinal = direction = ""
    if len(rest) >= 3 and rest[-1] in _ORDINALS:  # 大华三路, 中山北一路 (a one-character name keeps it)
        ordinal, rest = _ordinal(_ORDINALS[rest[-1]]), rest[:-1]
    if len(rest) >= 3 and rest[-1] in _DIRECTIONS:
        direction, rest = _DIRECTIONS[rest[-1]], rest[:-1]
    return [*_specific(rest), *(w for w in (direction, ordinal, english) if w)]


def _words(name: str) -> list[str]:
    if name in OFFICIAL_EN:
        return [OFFICIAL_EN[name]]
    final = next((g for g in _GENERIC if name.endswith(g[0]) and len(name) > len(g[0])), None)
    if final is None:
        return _specific(name)
    zh, english, is_road = final
    rest = name[: -len(zh)]
    if is_road:
        return _road_words(rest, english)
    numbered = _NUMBERED.match(rest)
    if numbered and numbered.group(1):  # 曹安公路6号桥 -> Cao'an Highway No. 6 Bridge
        return [*_words(numbered.group(1)), f"No. {_cn_number(numbered.group(2))}", english]
    # a bridge, exit or viaduct named after a road: 沪太路鲍家桥 -> Hutai Road Baojia Bridge
    best = None
    for gzh, _, _ in _ROAD_GENERICS:
        k = rest.rfind(gzh)
        if k >= 1 and (best is None or k + len(gzh) > best[0] + len(best[1])):
            best = (k, gzh)
    if best is not None:
        cut = best[0] + len(best[1])
        return [*_words(rest[:cut]), *_specific(rest[cut:]), english]
    return [*_specific(rest), english]


def romanise(name: str) -> str:
    """English name of a Chinese place name (road, bridge, station, park); see the module help.

    Returns an empty string for an empty name; text without Chinese characters is returned unchanged.
    """
    name = re.sub(r"\s+", "", name or "")
    if not name:
        return ""
    if not _HAN.search(name):
        return name
    return " ".join(_words(name))


def station_base_name(name: str) -> str:
    """A metro station's name without a trailing 站 (``上海西站`` -> ``上海西``); ``火车站`` is kept."""
    name = (name or "").strip()
    if name.endswith("站") and not name.endswith("火车站") and len(name) > 1:
        return name[:-1]
    return name


def romanise_station(name: str) -> str:
    """English name of a metro station (its trailing 站 dropped): 曹杨路站 -> Caoyang Road."""
    base = station_base_name(name)
    return OFFICIAL_EN.get(base) or OFFICIAL_EN.get(name) or romanise(base)


def normalise_station_name(name: str) -> str:
    """A key to match station names from different sources: no spaces, brackets, 地铁 or trailing 站."""
    text = re.sub(r"[\s\u3000]+", "", str(name or ""))
    text = re.sub(r"[（(].*?[）)]", "", text)
    text = text.replace("地铁", "").replace("轨道交通", "")
    text = station_base_name(text)
    return text.replace("火车站", "").lower()
