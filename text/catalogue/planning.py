"""Planning checks: the compliance review (合规审查), plan monitoring (实施监测), land performance (亩均效益)."""

ENTRIES: dict[str, tuple[str, str]] = {
    # compliance review (合规审查): land-use tables, regulatory-plan layer, proposals
    "reg_table_missing": (
        "找不到用地分类表 {file}。请恢复 data/regulatory/ 下的表格。",
        "The land-use table {file} is missing. Restore the tables under data/regulatory/.",
    ),
    "reg_table_columns": (
        "用地分类表 {file} 缺少列：{columns}。请按说明补齐表头。",
        "The land-use table {file} lacks the columns {columns}. Add them as documented.",
    ),
    "reg_table_unknown_code": (
        "用地分类表 {file} 引用了代码表中没有的代码：{codes}。请先在 landuse_codes.csv 中加入这些代码。",
        "The land-use table {file} names codes that are not in the code list: {codes}. Add them to landuse_codes.csv first.",
    ),
    "reg_layer_konggui": ("控规图层", "regulatory-plan layer"),
    "reg_layer_proposals": ("方案图层", "proposals layer"),
    "reg_empty": (
        "{layer}中没有要素。请选择含有地块的文件。",
        "The {layer} has no features. Choose a file that holds parcels.",
    ),
    "reg_missing_fields": (
        "{layer}缺少必需字段：{fields}（可识别的字段名：{known}）。请在字段对应中指定，或按此命名。",
        "The {layer} lacks required fields: {fields} (recognised names: {known}). Map them in the field mapping, or name them so.",
    ),
    "reg_bad_number": (
        "{layer}中 {feature} 的“{field}”不是有效的非负数值（收到“{value}”）。请填写数字，单位 {unit}。",
        "In the {layer}, '{field}' of {feature} is not a valid non-negative number (got '{value}'). Write a number, unit {unit}.",
    ),
    "reg_unknown_use": (
        "{layer}中 {feature} 的用地代码“{code}”不在《国土空间调查、规划、用途管制用地用海分类指南》（2023）代码表中。请使用如 0802、100101 的代码。",
        "In the {layer}, the land-use code '{code}' of {feature} is not in the 2023 land and sea use classification. Use codes such as 0802 or 100101.",
    ),
    "reg_not_polygon": (
        "{layer}中 {feature} 不是面（收到{kind}）。地块和用地红线必须是面。",
        "In the {layer}, {feature} is not a polygon (got {kind}). Parcels and sites must be polygons.",
    ),
    "reg_outside": (
        "方案“{name}”的用地红线不在任何控规地块内（重叠均不足用地的 1%）。请检查其坐标系或所用的控规图层。",
        "The site of proposal '{name}' lies outside every regulatory-plan parcel (each overlap is under 1 % of the site). Check its coordinate system or the regulatory layer used.",
    ),
    # plan monitoring (实施监测) and land performance (亩均效益)
    "mon_missing_columns": (
        "指标实际值表缺少列：{columns}。表头应为“指标”“年份”“数值”。",
        "The actuals table lacks the columns {columns}. Its header should be 指标 (indicator), 年份 (year), 数值 (value).",
    ),
    "mon_unknown_indicator": (
        "实际值表中有规划表1之外的指标：{names}。请使用表1的指标名称，如“高新技术企业数量（家）”。",
        "The actuals table names indicators that are not in Table 1 of the plan: {names}. Use Table 1's names, e.g. 高新技术企业数量（家）.",
    ),
    "mon_bad_row": (
        "实际值表第 {row} 行的年份或数值不是数字（年份“{year}”，数值“{value}”）。请改正后重新导入。",
        "Row {row} of the actuals table has a year or value that is not a number (year '{year}', value '{value}'). Correct it and import again.",
    ),
    "perf_no_key": (
        "统计表中没有“地块编号”列；若按“统一社会信用代码”填报，请同时提供企业与地块的对应表。",
        "The statistics table has no 地块编号 (parcel number) column; if it is keyed by 统一社会信用代码, give the table mapping enterprises to parcels too.",
    ),
    "perf_missing_column": (
        "统计表缺少“{column}”列。请按说明填写表头。",
        "The statistics table lacks the column {column}. Head it as documented.",
    ),
    "perf_bad_number": (
        "统计表“{column}”列第 {row} 行不是有效的非负数值（收到“{value}”）。请改为数字。",
        "Row {row} of column {column} in the statistics table is not a valid non-negative number (got '{value}'). Write a number.",
    ),
    "perf_scheme_keys": (
        "评价方案必须为每项指标给出权重和基准值：{keys}。",
        "The scheme must give a weight and a benchmark for every indicator: {keys}.",
    ),
    "perf_scheme_weights": (
        "评价方案的权重之和应为 1（现为 {total}），且不能为负。请调整权重。",
        "The scheme's weights must be non-negative and add up to 1 (they add up to {total}). Adjust them.",
    ),
    "perf_scheme_benchmarks": (
        "评价方案的基准值和封顶值必须大于 0。",
        "The scheme's benchmarks and cap must be above 0.",
    ),
    "perf_scheme_thresholds": (
        "分类阈值必须从 A 到 C 递减（现为 A {a}、B {b}、C {c}）。",
        "The class thresholds must fall from A to C (they are A {a}, B {b}, C {c}).",
    ),
    "rev_rule_use": ("用地性质", "Land use"),
    "rev_rule_far_max": ("容积率上限", "Floor area ratio, maximum"),
    "rev_rule_far_min": ("容积率下限", "Floor area ratio, minimum"),
    "rev_rule_height": ("建筑限高", "Building height limit"),
    "rev_rule_density": ("建筑密度上限", "Building coverage, maximum"),
    "rev_rule_green": ("绿地率下限", "Green ratio, minimum"),
    "rev_pass": ("符合", "pass"),
    "rev_fail": ("不符合", "fail"),
    "rev_no_data": ("缺少数据", "no data"),
    "rev_fix_use": (
        "拟建用途不符合控规用地性质（{planned}）：改用该用地或其子类，或兼容表中允许的用途。",
        "The proposed use does not agree with the planned use ({planned}): use that class or one of its sub-classes, or a use the compatibility table allows.",
    ),
    "rev_fix_gfa_less": (
        "计容建筑面积减少 {amount} m² 即可满足容积率上限。",
        "Reduce the floor area counted in the FAR by {amount} m² to meet the maximum FAR.",
    ),
    "rev_fix_gfa_more": (
        "计容建筑面积增加 {amount} m² 即可满足容积率下限。",
        "Add {amount} m² of floor area counted in the FAR to meet the minimum FAR.",
    ),
    "rev_fix_height": (
        "建筑高度降低 {amount} m 即可满足限高。",
        "Lower the building by {amount} m to meet the height limit.",
    ),
    "rev_fix_footprint": (
        "建筑基底面积减少 {amount} m² 即可满足建筑密度上限。",
        "Reduce the building footprint by {amount} m² to meet the maximum coverage.",
    ),
    "rev_fix_green": (
        "绿地面积增加 {amount} m² 即可满足绿地率下限。",
        "Add {amount} m² of green space to meet the minimum green ratio.",
    ),
    "rev_cli_head": (
        "{name}：{verdict}（用地 {area} m²，最大可建计容面积 {max_gfa} m²）",
        "{name}: {verdict} (site {area} m², largest compliant floor area {max_gfa} m²)",
    ),
    "mon_status_met": ("达成", "met"),
    "mon_status_not_met": ("未达成", "not met"),
    "mon_status_on_track": ("进度正常", "on track"),
    "mon_status_off_track": ("进度滞后", "off track"),
    "mon_status_no_baseline": ("无基期值", "no baseline"),
    "mon_status_no_data": ("无数据", "no data"),
}
