"""The plan's Table 1: 2019 baseline and 2025 targets, plus the other 2019 figures the plan gives."""

from __future__ import annotations

import pandas as pd

# key, zh, en, unit_zh, unit_en, 2019 (None = not given), 2025 target
_TABLE1 = [
    ("rd_intensity", "企业研发投入占销售收入比重", "Enterprise R&D spend / sales revenue", "%", "%", None, 4.2),
    (
        "patents_per_10k",
        "万人当年新增发明专利授权数",
        "New invention patents granted per 10,000 people",
        "件",
        "patents",
        57.12,
        70.0,
    ),
    ("sei_output", "战略性新兴产业产值", "Strategic emerging industry output", "亿元", "100 M CNY", 167.28, 300.0),
    (
        "firms_1bn",
        "主营业务收入超10亿元企业数",
        "Firms with main-business revenue > 1 bn CNY",
        "家",
        "firms",
        None,
        30.0,
    ),
    ("hitech_firms", "高新技术企业数", "High-tech enterprises", "家", "firms", 316.0, 415.0),
    ("masters_share", "硕士及以上学历从业人员占比", "Staff with a master's degree or above", "%", "%", None, 13.5),
    (
        "foreign_share",
        "外籍及留学归国人员占从业人员比重",
        "Foreign residents and returnees among staff",
        "%",
        "%",
        None,
        3.2,
    ),
    ("new_listed", "新增上市企业（五年累计）", "New listed firms (5-year cumulative)", "家", "firms", None, 12.0),
]

#: Table 1's own wording of each indicator, unit included (what the office's yearly tables are headed with).
PLAN_NAMES = {
    "rd_intensity": "企业研发经费支出占销售收入比重（%）",
    "patents_per_10k": "每万人当年新增发明专利授权数（件）",
    "sei_output": "战略性新兴产业产值（亿元）",
    "firms_1bn": "主营业务收入超过10亿元以上的企业数量（家）",
    "hitech_firms": "高新技术企业数量（家）",
    "masters_share": "硕士以上从业人员占比（%）",
    "foreign_share": "企业外籍常驻人员和留学归国人员占比（%）",
    "new_listed": "五年内累计新增上市及挂牌企业（家）",
}
#: Indicators whose value is the sum of the plan period's years (2021–2025), not one year's figure.
CUMULATIVE = frozenset({"new_listed"})

_OTHER_2019 = [
    ("tax", "税收", "Tax revenue", "亿元", "100 M CNY", 72.26),
    ("new_patents", "当年新增发明专利授权", "New invention patents granted", "件", "patents", 333),
    ("tech_contracts", "技术交易合同成交金额", "Technology contract value", "亿元", "100 M CNY", 19.99),
    ("institutes", "科研院所", "Research institutes", "家", "", 8),
    ("universities", "985高校", "'985' universities", "所", "", 2),
    ("national_centres", "国家级工程技术研究中心", "National engineering research centres", "个", "", 2),
    ("national_labs", "国家重点实验室", "National key laboratories", "个", "", 3),
    ("city_platforms", "市级公共技术服务平台", "City-level public technology platforms", "个", "", 24),
    ("testing", "检验检测机构", "Testing and inspection institutions", "家", "", 14),
]


def table1() -> pd.DataFrame:
    """Table 1 of the plan: one row per indicator (index = key), 2019 baseline (NaN when not given),
    2025 target and the growth the target implies (target / baseline - 1; NaN without a baseline)."""
    df = pd.DataFrame(_TABLE1, columns=["key", "name_zh", "name_en", "unit_zh", "unit_en", "y2019", "y2025"])
    df = df.set_index("key")
    df["y2019"] = pd.to_numeric(df["y2019"])
    df["growth"] = df["y2025"] / df["y2019"] - 1.0
    return df


def other_2019() -> pd.DataFrame:
    """Other 2019 figures the plan gives (index = key)."""
    columns = ["key", "name_zh", "name_en", "unit_zh", "unit_en", "value"]
    return pd.DataFrame(_OTHER_2019, columns=columns).set_index("key")
