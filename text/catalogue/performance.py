"""Land performance (亩均效益) page: the statistics table, the scheme, the map by class, the card and the table."""

ENTRIES: dict[str, tuple[str, str]] = {
    "page_performance": ("亩均效益", "Land performance"),
    # the page
    "perf_page_title": ("亩均效益评价", "Land performance evaluation"),
    "perf_page_intro": (
        "按地块汇总企业的税收、产值、能耗和从业人员，计算亩均税收、亩均产值、单位能耗产出和人均产值，"
        "按评价方案加权得分，并分为 A、B、C、D 四类。",
        "Each parcel's enterprises are added up into tax and output per mu, output per unit of energy and output "
        "per worker, scored with the scheme's weights and sorted into classes A, B, C and D.",
    ),
    "perf_page_demo_notice": (
        "当前使用的是虚构演示数据，并非园区统计，仅供演示。请上传统计部门提供的统计表以评价真实地块。",
        "This is fictional demonstration data, not the park's statistics. Upload the bureau's statistics table to "
        "evaluate real parcels.",
    ),
    "perf_page_data_heading": ("统计表", "Statistics table"),
    "perf_page_using_demo": (
        "正在使用演示统计表（{n} 行，虚构数据）。",
        "Using the demonstration table ({n} rows, fictional).",
    ),
    "perf_page_using_upload": (
        "正在使用上传的统计表“{name}”（{n} 行）。",
        "Using the uploaded table '{name}' ({n} rows).",
    ),
    "perf_page_no_table": (
        "数据目录中没有演示统计表。请上传统计表。",
        "The data folder has no demonstration table. Upload a statistics table.",
    ),
    "perf_page_upload": (
        "上传统计表（CSV/XLSX：每个地块或企业每年一行，列为地块编号、年份、税收（万元）、产值（万元）、"
        "能耗（吨标准煤）、从业人员（人），可选用地面积（亩））",
        "Upload a statistics table (CSV/XLSX: one row per parcel or enterprise and year, with the parcel, year, "
        "tax and output in 10k CNY, energy in tonnes of standard coal, workers and optionally the area in mu; "
        "the Chinese headers are recognised too)",
    ),
    "perf_page_read": ("读取统计表", "Read the table"),
    "perf_page_use_demo": ("改用演示统计表", "Use the demonstration table"),
    "perf_page_private": (
        "统计表属于保密数据：上传的表只保存在本次会话的内存中，不写入工作空间，也不随应用分发。",
        "The statistics are confidential: an uploaded table is kept only in this session's memory, never written "
        "to the workspace nor shipped with the app.",
    ),
    "perf_page_year": ("评价年份", "Year"),
    "perf_page_unmatched": (
        "统计表中有 {n} 个地块编号在候选地块图层中找不到，未参与评价：{ids}",
        "{n} parcel numbers of the table are not in the candidate parcels layer and were left out: {ids}",
    ),
    "perf_page_counts": (
        "{year} 年共 {n} 个地块有统计数据：A 类 {a} 个，B 类 {b} 个，C 类 {c} 个，D 类 {d} 个。",
        "{year}: {n} parcels with statistics — class A {a}, B {b}, C {c}, D {d}.",
    ),
    "perf_page_scheme_heading": (
        "评价方案（权重、基准值、封顶倍数、分类阈值）",
        "Scheme (weights, benchmarks, cap, class thresholds)",
    ),
    "perf_page_weights": ("权重（合计为 1）", "Weights (adding up to 1)"),
    "perf_page_benchmarks": (
        "基准值（达到基准即得该项满分的 1 倍）",
        "Benchmarks (reaching one scores 1 on that indicator)",
    ),
    "perf_page_limits": ("封顶倍数与分类阈值", "Cap and class thresholds"),
    "perf_page_benchmark": ("{name}（{unit}）", "{name} ({unit})"),
    "perf_page_cap": ("封顶倍数", "Cap (times the benchmark)"),
    "perf_page_threshold": ("{cls} 类最低得分", "Lowest score of class {cls}"),
    "perf_page_formula_general": (
        "得分 = 100 × Σ 权重ᵢ × min(指标ᵢ ÷ 基准ᵢ, 封顶倍数)；A 类 ≥ {a} 分，B 类 ≥ {b} 分，C 类 ≥ {c} 分，其余为 D 类。",
        "Score = 100 × Σ weightᵢ × min(indicatorᵢ ÷ benchmarkᵢ, cap); class A from {a} points, B from {b}, C from "
        "{c}, D below.",
    ),
    "perf_page_save": ("保存为本单位方案", "Save as the office's scheme"),
    "perf_page_save_admin_only": ("只有管理员可以保存本单位方案。", "Only an admin can save the office's scheme."),
    "perf_page_saved": (
        "已保存为本单位方案（已记入审计日志）。",
        "Saved as the office's scheme (recorded in the audit trail).",
    ),
    "perf_page_reset": ("撤销修改", "Undo the changes"),
    "perf_page_map_hint": ("点击地图上的地块查看其评价卡片。", "Click a parcel on the map to open its card."),
    "perf_page_pick": ("地块", "Parcel"),
    "perf_page_pick_placeholder": ("选择地块", "Choose a parcel"),
    "perf_page_table": ("全部地块", "All parcels"),
    "perf_page_download": ("下载评价表（XLSX）", "Download the table (XLSX)"),
    "perf_page_sheet": ("亩均效益", "Land performance"),
    "perf_page_sheet_demo": ("亩均效益（虚构演示）", "Land performance (fictional demo)"),
    "setting_performance_scheme": ("亩均效益评价方案", "the land performance scheme"),
    # where the scheme comes from
    "perf_scheme_src_example": (
        "示例方案：仿照已公开的县域亩均效益评价拟定，并非普陀区政策，请改为本单位的方案。",
        "An example scheme modelled on published county evaluations, not Putuo's policy: replace it with the "
        "office's own.",
    ),
    "perf_scheme_src_office": ("本单位方案（保存在工作空间中）。", "The office's scheme (stored in the workspace)."),
    "perf_scheme_src_edited": ("已修改，尚未保存为本单位方案。", "Edited; not saved as the office's scheme."),
    "perf_scheme_src_damaged": (
        "工作空间中保存的方案无法使用（{reason}），已改用示例方案。",
        "The scheme stored in the workspace cannot be used ({reason}); the example scheme is used instead.",
    ),
    # the card
    "perf_card_year_line": ("{id} · {year} 年", "{id} · {year}"),
    "perf_card_class": ("等级", "Class"),
    "perf_card_stability": ("等级稳定性", "Class stability"),
    "perf_card_stability_note": (
        "各项权重在 ±{spread} 范围内随机变动 {draws} 次，其中 {share} 的情况下等级不变。",
        "With each weight moved at random within ±{spread} ({draws} draws), the class stays the same in {share} "
        "of them.",
    ),
    "perf_card_formula_heading": ("计算过程", "How the score is computed"),
    "perf_card_formula": ("得分 = 100 × ({terms}) = {score}", "Score = 100 × ({terms}) = {score}"),
    "perf_card_missing": ("缺少数据的指标按 0 计分：{names}", "Indicators without data score 0: {names}"),
    "perf_card_area": (
        "用地面积：申报 {stated} 亩，实测 {measured} 亩（EPSG:4549），计算采用申报面积。",
        "Area: {stated} mu stated, {measured} mu measured (EPSG:4549); the stated area is used.",
    ),
    "perf_card_area_measured": (
        "用地面积：统计表未填报，采用实测 {measured} 亩（EPSG:4549）。",
        "Area: not stated in the table; the measured {measured} mu (EPSG:4549) is used.",
    ),
    "perf_card_mismatch": (
        "申报面积与实测面积相差 {share}，超过 {limit}，请核实。",
        "The stated area differs from the measured one by {share}, more than {limit}: check it.",
    ),
    "perf_card_no_data": ("{id} 在 {year} 年没有统计数据。", "{id} has no statistics for {year}."),
    "perf_card_pick_hint": (
        "点击地图上的地块，或在上方选择一个地块。",
        "Click a parcel on the map or choose one above.",
    ),
    # indicators and units
    "perf_ind_tax_per_mu": ("亩均税收", "Tax per mu"),
    "perf_ind_output_per_mu": ("亩均产值", "Output per mu"),
    "perf_ind_output_per_energy": ("单位能耗产出", "Output per unit of energy"),
    "perf_ind_output_per_worker": ("人均产值", "Output per worker"),
    "perf_unit_tax_per_mu": ("万元/亩", "10k CNY/mu"),
    "perf_unit_output_per_mu": ("万元/亩", "10k CNY/mu"),
    "perf_unit_output_per_energy": ("万元/吨标准煤", "10k CNY/tce"),
    "perf_unit_output_per_worker": ("万元/人", "10k CNY/worker"),
    "perf_with_unit": ("{name}（{unit}）", "{name} ({unit})"),
    # the table
    "perf_col_parcel": ("地块编号", "Parcel"),
    "perf_col_year": ("年份", "Year"),
    "perf_col_class": ("等级", "Class"),
    "perf_col_score": ("得分", "Score"),
    "perf_col_area_used": ("计算面积（亩）", "Area used (mu)"),
    "perf_col_area_stated": ("申报面积（亩）", "Area stated (mu)"),
    "perf_col_area_measured": ("实测面积（亩）", "Area measured (mu)"),
    "perf_col_mismatch": ("面积相差超过 {limit}", "Areas differ by over {limit}"),
    "perf_col_stability": ("等级稳定性（%）", "Class stability (%)"),
    "perf_col_tax": ("税收（万元）", "Tax (10k CNY)"),
    "perf_col_output": ("产值（万元）", "Output (10k CNY)"),
    "perf_col_energy": ("能耗（吨标准煤）", "Energy (tce)"),
    "perf_col_workers": ("从业人员（人）", "Workers"),
    # the map
    "perf_layer": ("亩均效益分类", "Land performance classes"),
    "perf_f_class": ("等级", "Class"),
    "perf_f_tax": ("亩均税收（万元/亩）", "Tax per mu (10k CNY/mu)"),
    "perf_legend_a": ("A 类", "Class A"),
    "perf_legend_b": ("B 类", "Class B"),
    "perf_legend_c": ("C 类", "Class C"),
    "perf_legend_d": ("D 类", "Class D"),
    "perf_legend_none": ("无统计数据", "No statistics"),
    "perf_legend_range": ("{label}（{range}）", "{label} ({range})"),
    "perf_range_top": ("≥ {low} 分", "{low} points or more"),
    "perf_range_mid": ("{low}–{high} 分", "{low}–{high} points"),
    "perf_range_low": ("< {high} 分", "below {high} points"),
    # the weakest land offered to the parcel and scenario tools
    "perf_card_line": (
        "亩均效益：{cls} 类（{year} 年得分 {score}，{source}）",
        "Land performance: class {cls} (score {score} in {year}, {source})",
    ),
    "perf_card_line_renewal": (
        "亩均效益：{cls} 类（{year} 年得分 {score}，{source}）— 低效用地，可作为更新候选",
        "Land performance: class {cls} (score {score} in {year}, {source}) — low-efficiency land, a candidate for renewal",
    ),
    "perf_card_line_demo": ("虚构演示统计", "fictional demonstration statistics"),
    "perf_card_line_own": ("本会话载入的统计", "the statistics loaded this session"),
    "scen_add_renewal": (
        "加入 D 类低效地块（{n} 块，亩均效益更新候选）",
        "Add the class-D low-efficiency parcels ({n}, renewal candidates)",
    ),
    "scen_add_renewal_help": (
        "按“亩均效益”页的统计与评价方案，D 类为低效用地：加入方案作为更新与扩区候选。",
        "By the statistics and scheme of the Land performance page, class D is low-efficiency land: add it to the scenario as candidates for renewal and expansion.",
    ),
}
