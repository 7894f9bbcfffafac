"""Scenarios: comparison measures, suggestions, history, conflicts, the scenarios page."""

ENTRIES: dict[str, tuple[str, str]] = {
    # scenarios (gis/scenario.py)
    "cmp_total_km2": ("园区总面积（km²）", "Park total (km²)"),
    "cmp_added_km2": ("新增面积（km²）", "Added (km²)"),
    "cmp_change_km2": ("较规划 10.08 km² 的变化（km²）", "Change vs plan 10.08 km² (km²)"),
    "cmp_north_km2": ("北区块面积（km²）", "North cluster (km²)"),
    "cmp_south_km2": ("南区块面积（km²）", "South cluster (km²)"),
    "cmp_north_compactness": ("北区块紧凑度", "North cluster compactness"),
    "cmp_south_compactness": ("南区块紧凑度", "South cluster compactness"),
    "cmp_added_belt_km2": ("苏河水岸新增（km²）", "Added in the creek belt (km²)"),
    "cmp_added_core_km2": ("真如副中心新增（km²）", "Added in the Zhenru core (km²)"),
    "cmp_added_city_km2": ("桃浦智创城新增（km²）", "Added in Taopu city (km²)"),
    "cmp_capacity_added_m2": ("新增建筑容量（m²）", "Floor-area capacity added (m²)"),
    "cmp_capacity_north_m2": ("北区块新增建筑容量（m²）", "Capacity added, north cluster (m²)"),
    "cmp_capacity_south_m2": ("南区块新增建筑容量（m²）", "Capacity added, south cluster (m²)"),
    "cmp_capacity_belt_m2": ("苏河水岸新增建筑容量（m²）", "Capacity added in the creek belt (m²)"),
    "cmp_capacity_core_m2": ("真如副中心新增建筑容量（m²）", "Capacity added in the Zhenru core (m²)"),
    "cmp_capacity_city_m2": ("桃浦智创城新增建筑容量（m²）", "Capacity added in Taopu city (m²)"),
    "cmp_park_use_share": ("新增用地中产业用地占比", "Share of added land under park uses"),
    "cmp_pieces": ("连续片区数", "Contiguous pieces"),
    "cmp_gap_m": ("最大间隔（米）", "Largest gap (m)"),
    "cmp_buildings": ("覆盖重点载体数", "Carriers covered"),
    "cmp_stations": ("覆盖地铁站数", "Stations covered"),
    "cmp_mean_score": ("新增用地平均得分", "Mean score of added land"),
    "cmp_flagged": ("违反硬性规则的地块数", "Parcels breaking a hard rule"),
    "scen_drawn_not_polygon": (
        "绘制的范围必须是多边形；收到的是 {found}。",
        "A drawn area must be a polygon; received {found}.",
    ),
    "scen_unknown_parcels": (
        "方案“{name}”包含当前地块图层中没有的地块：{ids}。请移除它们，或导入包含它们的地块图层。",
        "Scenario '{name}' includes parcels that are not in the current parcel layer: {ids}. "
        "Fix: remove them, or load the parcel layer that has them.",
    ),
    "scen_bad_target": (
        "新子园归属 {target} 需要指定北区块或南区块。",
        "New sub-park target {target} needs the north or south cluster.",
    ),
    "cmp_count": ("一次可比较 1–4 个方案；收到 {count} 个。", "Compare 1 to 4 scenarios at a time; received {count}."),
    "sug_budget_invalid": (
        "面积上限必须大于 0 km²；收到 {budget}。",
        "The area budget must be above 0 km²; received {budget}.",
    ),
    "sug_objective_invalid": ("未知目标 {objective}。", "Unknown objective {objective}."),
    "sug_no_candidates": ("没有通过全部硬性规则的候选地块。", "No candidate parcel passes every hard rule."),
    "sug_zone_unreachable": (
        "园区 {tol:,.0f} 米范围内可连通的{zone}用地只有 {have:.3f} km²，少于要求的 {asked:.3f} km²。"
        "请降低该最低要求，或增大合并容差。",
        "{zone} land reachable within {tol:,.0f} m of the park: {have:.3f} km² < {asked:.3f} km² asked. "
        "Relax: lower that minimum, or raise the merge tolerance.",
    ),
    "sug_zone_over_budget": (
        "{zone}最低要求 {asked:.3f} km² 超过了面积上限 {budget:.3f} km²。请提高上限或降低最低要求。",
        "The {zone} minimum of {asked:.3f} km² exceeds the area budget of {budget:.3f} km². "
        "Relax: raise the budget or lower the minimum.",
    ),
    "sug_mins_over_budget": (
        "各布局区最低要求合计 {total:.3f} km²，超过了面积上限 {budget:.3f} km²（同一地块可同时计入多个区时仍可能满足）。",
        "The zone minimums add up to {total:.3f} km², above the area budget of {budget:.3f} km² "
        "(only land that lies in several zones at once could meet them).",
    ),
    "sug_infeasible_combined": (
        "在 {budget:.3f} km² 上限内、且与园区连续（容差 {tol:,.0f} 米）的地块组合无法同时满足所有最低要求。"
        "请降低某一最低要求，或提高面积上限。",
        "No parcel set within the {budget:.3f} km² budget and contiguous with the park (tolerance "
        "{tol:,.0f} m) meets every minimum at once. Relax: lower a minimum or raise the budget.",
    ),
    "sug_time_limit": (
        "求解在 {seconds:.0f} 秒内未找到可行解。请缩小问题（降低最低要求或减少候选地块）后重试。",
        "The solver found no solution within {seconds:.0f} s. Make the problem smaller (lower the minimums "
        "or fewer candidates) and try again.",
    ),
    # scenarios page
    "scen_title": ("扩区方案：纳入地块、比较、保存与建议", "Expansion scenarios: add parcels, compare, save, suggest"),
    "layer_scenario_parcels": ("候选地块（方案）", "Candidate parcels (scenario)"),
    "layer_scenario_added": ("各方案新增范围", "What each scenario adds"),
    "scen_in": ("已纳入", "Included"),
    "scen_out": ("未纳入", "Not included"),
    "scen_fail": ("未通过硬性规则", "Fails a hard rule"),
    "scen_drawn": ("手绘范围", "Drawn area"),
    "scen_slot0": ("方案 1", "Scenario 1"),
    "scen_slot1": ("方案 2", "Scenario 2"),
    "scen_slot2": ("方案 3", "Scenario 3"),
    "scen_slot3": ("方案 4", "Scenario 4"),
    "f_target": ("归属", "Joins"),
    "scen_current": ("当前方案", "Current scenario"),
    "scen_name": ("方案名称", "Scenario name"),
    "scen_author": ("编制人", "Author"),
    "scen_notes": ("备注", "Notes"),
    "scen_new": ("从现状新建", "New from the base park"),
    "scen_open": ("打开已保存方案", "Open a saved scenario"),
    "scen_load": ("打开", "Open"),
    "scen_save": ("保存新版本", "Save a new version"),
    "scen_saved": ("已保存：第 {version} 版", "Saved: version {version}"),
    "scen_undo": ("撤销", "Undo"),
    "scen_redo": ("重做", "Redo"),
    "scen_unsaved": ("（未保存）", "(unsaved)"),
    "scen_history": ("版本历史", "Version history"),
    "scen_default_name": ("新方案", "New scenario"),
    "tab_edit": ("编辑", "Edit"),
    "tab_compare": ("比较", "Compare"),
    "tab_suggest": ("智能建议", "Suggest"),
    "tab_transfer": ("导入导出", "Import / export"),
    "scen_click_hint": (
        "点击地图上的候选地块即可纳入或移出；也可在下表中勾选。",
        "Click a candidate parcel on the map to add or remove it, or tick it in the table.",
    ),
    "scen_add_drawn": ("把绘制的范围加入方案", "Add the drawn area to the scenario"),
    "scen_drawn_name": ("手绘范围名称", "Name of the drawn area"),
    "scen_assign": ("新增地块归属", "Where the added land goes"),
    "scen_nearest": ("最近子园（默认）", "nearest sub-park (default)"),
    "scen_new_sub": ("新子园（{cluster}）", "new sub-park ({cluster})"),
    "m_total": ("园区总面积", "Park total"),
    "m_added": ("新增面积", "Added"),
    "m_vs_plan": ("较规划 10.08 km²", "vs plan 10.08 km²"),
    "m_pieces": ("连续片区数", "Contiguous pieces"),
    "m_gap": ("最大间隔", "Largest gap"),
    "m_buildings": ("覆盖重点载体", "Carriers covered"),
    "m_stations": ("覆盖地铁站", "Stations covered"),
    "m_mean_score": ("新增用地平均得分", "Mean score of added land"),
    "m_flagged": ("违反硬性规则的地块", "Parcels breaking a hard rule"),
    "m_capacity": ("新增建筑容量", "Floor-area capacity added"),
    "m_capacity_help": (
        "按控规容积率上限计：新增用地落在各控规地块内的面积 × 该地块的容积率上限，逐块相加；已在园区内的用地不重复计，"
        "不在任何控规地块内的用地不计。",
        "By the regulatory plan's limits: the added land's area inside each regulatory-plan parcel × that parcel's "
        "maximum floor-area ratio, summed; land already in the park is not counted again, land outside every "
        "regulatory-plan parcel adds nothing.",
    ),
    "m_capacity_of": ("新增建筑容量 · {part}", "Capacity · {part}"),
    "m_capacity_m2": ("新增建筑容量（m²）", "Capacity added (m²)"),
    "m_park_use_share": ("新增用地中产业用地占比", "Added land under park uses"),
    "cap_source_bundled": (
        "容积率上限来自数据目录中的控规图层；随附的控规图层是虚构的演示数据，不能作为审批依据。",
        "Floor-area ratio limits from the data folder's regulatory-plan layer; the bundled one is fictional "
        "demonstration data, not a basis for approval.",
    ),
    "cap_source_loaded": (
        "容积率上限来自合规审查页加载的控规图层。",
        "Floor-area ratio limits from the regulatory-plan layer loaded on the compliance review page.",
    ),
    "cap_source_layer": (
        "容积率上限来自所用的控规图层。",
        "Floor-area ratio limits from the regulatory-plan layer used.",
    ),
    "cap_source_none": (
        "没有控规图层，新增建筑容量无法计算（显示为“—”）。",
        "No regulatory-plan layer: the floor-area capacity cannot be worked out (shown as “—”).",
    ),
    "m_zones": ("各布局区新增（km²）", "Added per layout zone (km²)"),
    "m_clusters": ("按区块", "Per cluster"),
    "m_compactness": ("紧凑度", "Compactness"),
    "m_tolerance": ("合并容差（米）", "Merge tolerance (m)"),
    "cmp_pick": ("选择 2–4 个方案比较", "Pick 2–4 scenarios to compare"),
    "cmp_hint": ("与第一个方案不同的数值已高亮。", "Values that differ from the first scenario are highlighted."),
    "sug_budget": ("新增面积上限（km²）", "Added-area budget (km²)"),
    "sug_zone_min": ("{zone} 最少新增（km²）", "Minimum added in {zone} (km²)"),
    "sug_objective": ("目标", "Objective"),
    "sug_obj_score": ("得分之和最大", "Highest total score"),
    "sug_obj_score_area": ("得分×面积之和最大", "Highest score × area"),
    "sug_run": ("计算建议", "Suggest"),
    "sug_accept": ("采纳为新方案", "Accept as a new scenario"),
    "sug_result": (
        "精确整数规划（HiGHS）选出 {n} 个地块，新增 {km2:.3f} km²，目标值 {objective:.3f}。",
        "Exact integer programme (HiGHS): {n} parcels, {km2:.3f} km² added, objective {objective:.3f}.",
    ),
    "sug_name": ("建议方案", "Suggested scenario"),
    "sug_intro": (
        "在面积上限内选出得分最高、且与现有园区连续（经由被选地块相连，容差内）的地块组合；只考虑通过全部硬性规则的地块。",
        "Chooses the highest-scoring set of parcels within the budget that stays contiguous with the park "
        "(linked through chosen parcels, within the tolerance); only parcels passing every hard rule are considered.",
    ),
    "xfer_export": ("下载所选方案（GeoPackage）", "Download the chosen scenarios (GeoPackage)"),
    "xfer_import": ("导入方案文件（GeoPackage）", "Import scenarios (GeoPackage)"),
    "xfer_imported": ("已导入：", "Imported: "),
    "layer_scenario_current": ("当前方案新增范围", "Current scenario: added land"),
    "scen_open_hint": ("选择已保存的方案", "Pick a saved scenario"),
    "scen_new_name": ("新子园名称", "New sub-park name"),
    "f_piece": ("地块/范围", "Piece"),
    "cmp_placeholder": ("选择方案", "Pick scenarios"),
    "cmp_hint_pick": (
        "至少选择两个方案（可包含当前未保存的方案）。",
        "Pick at least two scenarios (the current, unsaved one counts).",
    ),
    "sug_infeasible": ("按当前条件找不到可行的地块组合：", "No parcel set meets these conditions:"),
    "sug_greedy": (
        "对照：贪心基线（不考虑布局区最低要求）选出 {n} 个地块，新增 {km2:.3f} km²，目标值 {objective:.3f}。",
        "For comparison, the greedy baseline (ignores the zone minimums): {n} parcels, {km2:.3f} km² added, "
        "objective {objective:.3f}.",
    ),
    "hist_version": ("版本", "Version"),
    "hist_saved": ("保存时间（北京时间）", "Saved (Beijing time)"),
    "hist_author": ("保存人", "Saved by"),
    "hist_changes": ("变化", "What changed"),
    "help_counts": (
        "共 {n} 个地块：{passing} 个通过全部硬性规则，{failing} 个未通过。当前权重：",
        "{n} parcels: {passing} pass every hard rule, {failing} fail. Weights:",
    ),
    "layer_scenario_new": ("方案新增地块", "Parcels the scenario adds"),
    # conflicts and history
    "scen_from_version": ("基于第 {version} 版修改", "editing from version {version}"),
    "scen_viewer_note": (
        "只读账号不能保存方案；需要编辑权限时请联系管理员。",
        "Viewers cannot save scenarios; ask an administrator for editor rights.",
    ),
    "conflict_branch": ("另存为新方案（保留对方的版本）", "Save as a new scenario (keep theirs)"),
    "conflict_overwrite": ("已核对，覆盖保存（基于第 {version} 版）", "Reviewed: save over version {version}"),
    "conflict_cancel": ("暂不保存", "Not now"),
    "hist_kind": ("方式", "How"),
    "hist_kind_save": ("保存", "saved"),
    "hist_kind_overwrite": ("覆盖保存", "saved over"),
    "hist_kind_branch": ("另存为新方案", "branched"),
    "hist_kind_import": ("导入", "imported"),
    # work in progress restored (pages/drafts.py)
    "draft_restored": (
        "已恢复您上次未完成的方案「{name}」（自动保存于 {when}）。可继续编辑，或放弃草稿重新开始。",
        "Your unfinished scenario “{name}” was restored (autosaved {when}). Go on editing it, or discard the "
        "draft and start anew.",
    ),
    "scen_import_suffix": ("（导入 {date}）", " (imported {date})"),
    "draft_keep": ("继续编辑", "Keep editing"),
    "draft_discard": ("放弃草稿", "Discard the draft"),
}
