"""The workspace: faults, scenarios and shared layers stored, actions, the admin page's layers and archive."""

ENTRIES: dict[str, tuple[str, str]] = {
    # workspace faults: what happened, that nothing was lost, how to recover
    "ws_corrupt": (
        "工作空间 {where} 已损坏或不是本应用的工作空间（{reason}）。文件保持原样，未被改写。{recovery}",
        "The workspace {where} is damaged or is not a workspace of this app ({reason}). The file was left "
        "exactly as it is; nothing was overwritten. {recovery}",
    ),
    "ws_not_workspace": (
        "{where} 是一个数据库文件，但不是本应用的工作空间（其中已有其他表：{tables}）。文件未被改动。"
        "请另选一个工作空间文件名（PUTUO_WORKSPACE）。",
        "{where} is a database file but not a workspace of this app (it already holds other tables: "
        "{tables}). The file was not changed. Fix: choose another workspace file name "
        "(PUTUO_WORKSPACE).",
    ),
    "ws_recover_backup": (
        "恢复方法：停止应用，把受损文件连同旁边同名的 -journal/-wal 文件一起移到别处保存（只移其一会真正损坏它），再把最近的自动备份 {backup}（{when} 北京时间）复制为 {where}。",
        "To recover: stop the app, move the damaged file aside together with any -journal or -wal file "
        "of the same name beside it (moving one without the other really damages it), then copy the latest "
        "automatic backup {backup} (made {when} Beijing time) to {where}.",
    ),
    "ws_recover_no_backup": (
        "没有找到自动备份（应用只在升级工作空间结构前自动备份）。恢复方法：停止应用，"
        "把受损文件连同旁边同名的 -journal/-wal 文件一起移到别处（只移其一会真正损坏它），从您自己的备份恢复；"
        "或改用新的文件名（PUTUO_WORKSPACE），已保存的方案需重新导入。",
        "No automatic backup was found (the app makes one before every change of the workspace's "
        "structure). To recover: stop the app, move the damaged file aside together with any -journal "
        "or -wal file of the same name beside it (moving one without the other really damages it) and "
        "restore it from your own backup, or use a new file name (PUTUO_WORKSPACE) and import the "
        "scenarios again.",
    ),
    "ws_where_hidden": ("（团队工作空间）", "(the team workspace)"),
    "ws_reason_hidden": (
        "详情已记入服务器日志",
        "the details are in the server's log",
    ),
    "ws_readonly": (
        "工作空间 {where} 以只读方式打开：{reason}。可以查看和打开方案，但不能保存。",
        "The workspace {where} is open read-only: {reason}. Scenarios can be listed and opened, but not saved.",
    ),
    "ws_ro_permission": (
        "当前系统用户对该文件或其所在文件夹没有写权限（请管理员授予写权限，或把文件复制到可写的位置）",
        "the system user running the app may not write to the file or its folder (ask an "
        "administrator for write permission, or copy the file to a writable place)",
    ),
    "ws_ro_filesystem": (
        "文件所在的文件系统是只读的（请把文件复制到可写的磁盘）",
        "the file system holding it is read-only (copy the file to a writable disk)",
    ),
    "ws_ro_role": (
        "数据库账号只有只读权限或连接的是只读备库（请数据库管理员提供可写的连接）",
        "the database account may only read, or the server is a read-only standby (ask the database "
        "administrator for a writable connection)",
    ),
    "ws_ro_newer": (
        "它由更新版本的应用写入（结构版本 {found}，本应用认识 {expected}）；请升级应用",
        "it was written by a newer version of the app (schema {found}; this app knows {expected}); upgrade the app",
    ),
    "ws_ro_needs_upgrade": (
        "它需要升级结构（版本 {found} → {expected}），但无法先做备份或写入；请授予写权限后重新打开",
        "its structure needs an upgrade ({found} → {expected}) but no backup could be made or "
        "written first; grant write permission and open it again",
    ),
    "ws_write_refused": ("无法{action}：{reason}", "Cannot {action}: {reason}"),
    "ws_disk_full": (
        "无法{action}：保存工作空间 {where} 的磁盘（或数据库）已满。没有写入任何内容，"
        "已保存的版本不受影响。请清理磁盘空间（或联系数据库管理员）后再保存一次。",
        "Cannot {action}: the disk (or database) holding the workspace {where} is full. Nothing was "
        "written; the saved versions are unchanged. Fix: free some disk space (or ask the database "
        "administrator), then save again.",
    ),
    "ws_permission": (
        "无法{action}：没有访问工作空间 {where} 的权限（{reason}）。请管理员授予权限。",
        "Cannot {action}: no permission to use the workspace {where} ({reason}). Fix: ask an administrator for access.",
    ),
    "ws_unavailable": (
        "无法连接工作空间 {where}：{reason}。请检查数据库服务器是否运行、地址（PUTUO_DATABASE_URL）"
        "与网络是否正确，然后重试。",
        "Cannot reach the workspace {where}: {reason}. Fix: check that the database server is running "
        "and that the address (PUTUO_DATABASE_URL) and network are right, then try again.",
    ),
    "ws_busy": (
        "无法{action}：工作空间 {where} 正被其他用户长时间占用。没有写入任何内容。请稍后再试。",
        "Cannot {action}: the workspace {where} stayed busy with other users' saves for too long. Nothing was "
        "written. Try again in a moment.",
    ),
    "ws_write_failed": (
        "无法{action}（工作空间 {where}）：{reason}。没有写入任何内容，已保存的版本不受影响。请重试。",
        "Cannot {action} (workspace {where}): {reason}. Nothing was written; the saved versions are "
        "unchanged. Try again.",
    ),
    "ws_migration_failed": (
        "升级工作空间 {where} 的结构失败：{reason}。没有改动任何内容。升级前的备份：{backup}。",
        "Upgrading the structure of the workspace {where} failed: {reason}. Nothing was changed. "
        "Backup made before the upgrade: {backup}.",
    ),
    "ws_backup_failed": (
        "升级工作空间 {where} 的结构前无法做备份：{reason}。没有升级，文件未被改动。请确保所在文件夹可写且有空闲空间。",
        "Could not back up the workspace {where} before upgrading its structure: {reason}. It was "
        "not upgraded and the file was not changed. Fix: make sure its folder is writable and has "
        "free space.",
    ),
    "ws_no_postgis": (
        "数据库 {where} 中没有 PostGIS 扩展，且当前账号无权创建。请数据库管理员执行：CREATE EXTENSION postgis;",
        "The database {where} has no PostGIS extension and this account may not create it. Fix: ask the "
        "database administrator to run CREATE EXTENSION postgis;",
    ),
    "ws_bad_url": (
        "无法使用数据库地址 {url}。应为 postgresql://用户@主机:端口/数据库 形式。",
        "Cannot use the database address {url}. Expected postgresql://user@host:port/database.",
    ),
    "act_save": ("保存方案", "save the scenario"),
    "act_write": ("写入工作空间", "write to the workspace"),
    "act_read": ("读取工作空间", "read the workspace"),
    "act_archive": ("归档方案", "archive the scenario"),
    "act_publish": ("发布图层", "publish the layer"),
    "act_accounts": ("管理账号", "manage accounts"),
    "act_view_audit": ("查看审计记录", "read the audit trail"),
    "act_view_archived": ("查看已归档的方案", "see archived scenarios"),
    "act_import": ("导入方案", "import scenarios"),
    "act_settings": ("修改设置", "change settings"),
    "act_edit_others": ("修改他人创建的方案", "change a scenario someone else created"),
    "act_login": ("登录", "sign in"),
    # scenarios in the workspace
    "ws_no_scenario": (
        "工作空间中没有编号为 {id} 的方案。可能已被归档，或编号有误。",
        "No scenario with id {id} in the workspace. It may have been archived, or the id is wrong.",
    ),
    "ws_no_version": (
        "方案 {id} 没有第 {version} 版。已有版本：1–{latest}。",
        "Scenario {id} has no version {version}. Saved versions: 1–{latest}.",
    ),
    "ws_archived": (
        "方案“{name}”已于 {when}（北京时间）由 {who} 归档，不能再保存。请另存为新方案，或请管理员恢复。",
        "The scenario '{name}' was archived by {who} on {when} (Beijing time) and cannot be saved. Fix: "
        "save it as a new scenario, or ask an admin to restore it.",
    ),
    "ws_not_archived": ("方案“{name}”没有归档。", "The scenario '{name}' is not archived."),
    "ws_archive_reason": (
        "归档需要填写原因（1–{limit} 个字符）；收到 {length} 个字符。",
        "Archiving needs a reason (1–{limit} characters); received {length}.",
    ),
    "ws_new_scenario_exists": (
        "方案 {id} 已存在（最新第 {latest} 版）。请从已保存的版本开始修改，或另存为新方案。",
        "A scenario with id {id} already exists (latest version {latest}). Fix: start from its "
        "saved version, or save as a new scenario.",
    ),
    "ws_conflict": (
        "方案“{name}”在您打开第 {base_version} 版之后已由 {saved_by} 于 {saved_at}（北京时间）保存为第 "
        "{latest_version} 版，改动：{changes}。您的修改尚未保存。请选择：另存为新方案（分支），"
        "或查看对方的改动后覆盖保存。",
        "The scenario '{name}' was saved as version {latest_version} by {saved_by} at {saved_at} (Beijing "
        "time) after you opened version {base_version}; they changed: {changes}. Your changes are not "
        "saved yet. Choose: save as a new scenario (a branch), or review their changes and save "
        "over them.",
    ),
    "ws_bad_scenario_id": (
        "方案编号 {id} 无效。应为 1–64 个字母、数字、- 或 _。",
        "The scenario id {id} is not valid. Expected 1–64 letters, digits, - or _.",
    ),
    "ws_chg_created": (
        "新建，含 {parcels} 个地块、{drawn} 个绘制区域",
        "created with {parcels} parcel(s), {drawn} drawn area(s)",
    ),
    "ws_chg_parcels_added": ("加入地块 {ids}", "parcels added: {ids}"),
    "ws_chg_parcels_removed": ("移除地块 {ids}", "parcels removed: {ids}"),
    "ws_chg_drawn": ("绘制区域有改动", "drawn areas changed"),
    "ws_chg_assign": ("归属有改动", "assignments changed"),
    "ws_chg_weights": ("权重有改动", "weights changed"),
    "ws_chg_name": ("名称由“{before}”改为“{after}”", "name changed from '{before}' to '{after}'"),
    "ws_chg_notes": ("备注有改动", "notes changed"),
    "ws_chg_none": ("无改动", "no change"),
    "ws_chg_list": ("{items}", "{items}"),
    "ws_chg_legacy": ("{text}", "{text}"),
    "ws_chg_versions": ("{count} 个版本（{authors}）：{items}", "{count} version(s) by {authors}: {items}"),
    # scenario GeoPackage files (export and import)
    "ws_task_read": ("读取方案文件“{file}”", "reading the scenario file '{file}'"),
    "ws_file_unreadable": (
        "无法读取方案文件 {file}：{reason}。应为本应用导出的方案 GeoPackage（.gpkg）。",
        "Cannot read the scenario file {file}: {reason}. Expected a scenario GeoPackage (.gpkg) exported by this app.",
    ),
    "ws_reason_not_sqlite": ("不是 GeoPackage 文件", "not a GeoPackage file"),
    "ws_reason_damaged": ("文件已损坏", "the file is damaged"),
    "ws_reason_no_table": ("其中没有方案表", "it holds no table of scenarios"),
    "ws_file_not_plain": (
        "方案文件 {file} 含非普通的表（计算列或虚拟表，读取时会执行文件中的表达式）或表过多，未读取。应为本应用导出的方案 GeoPackage。",
        "The scenario file {file} was not read: it has tables that are not plain (generated columns or virtual tables run the file's own expressions when read) or too many tables. Expected a scenario GeoPackage exported by this app.",
    ),
    "ws_file_no_scenarios": ("方案文件 {file} 中没有方案。", "The scenario file {file} holds no scenario."),
    "ws_file_too_many": (
        "方案文件 {file} 含 {count} 个方案，超过上限 {limit}。请分批导出。",
        "The scenario file {file} holds {count} scenarios, more than the limit of {limit}. Fix: "
        "export them in smaller batches.",
    ),
    "ws_file_record": (
        "方案文件 {file} 中的第 {row} 条记录无法使用：{reason}。文件中的方案均未导入。",
        "Record {row} of the scenario file {file} cannot be used: {reason}. No scenario of the file was imported.",
    ),
    "ws_payload_invalid": (
        "方案数据无效：字段 {field} 应为 {expected}，收到 {received}。",
        "The scenario data is not valid: the field {field} should be {expected}; received {received}.",
    ),
    "ws_payload_not_json": ("方案数据不是有效的 JSON（{reason}）。", "The scenario data is not valid JSON ({reason})."),
    "ws_payload_bad_wkt": (
        "绘制区域 {piece} 不是有效的面：{reason}。",
        "The drawn area {piece} is not a valid polygon: {reason}.",
    ),
    # shared layers
    "ws_no_layer": ("工作空间中没有已发布的图层 {layer}。", "No published layer {layer} in the workspace."),
    "ws_no_layer_version": (
        "图层 {layer} 没有第 {version} 版。已有版本：1–{latest}。",
        "The layer {layer} has no version {version}. Published versions: 1–{latest}.",
    ),
    "ws_layer_invalid": ("无法发布图层 {layer}：{reason}。", "Cannot publish the layer {layer}: {reason}."),
    "ws_layer_bad_id": (
        "图层编号 {layer} 无效。应为 1–40 个小写字母、数字或 _。",
        "The layer id {layer} is not valid. Expected 1–40 lower-case letters, digits or _.",
    ),
    "ws_layer_reason_crs": ("坐标系应为 EPSG:4326，收到 {crs}", "its CRS should be EPSG:4326; received {crs}"),
    "ws_layer_reason_empty": ("没有要素", "it has no features"),
    "ws_layer_reason_geometry": ("有 {count} 个要素没有几何", "{count} feature(s) have no geometry"),
    "ws_payload_outside": (
        "绘制区域“{name}”（{piece}）不在上海范围内，无法计入园区。请检查该方案文件的坐标。",
        "The drawn area '{name}' ({piece}) lies outside Shanghai and cannot count towards the park. Check the coordinates of the scenario file.",
    ),
    "ws_payload_no_area": (
        "绘制区域“{name}”（{piece}）的边界自相交，修复后没有面积。请重新绘制。",
        "The outline of the drawn area '{name}' ({piece}) crosses itself and encloses no area once repaired. Draw it again.",
    ),
    # admin page: shared layers and archived scenarios
    "admin_title": ("系统管理", "Administration"),
    "tab_layers": ("共享图层", "Shared layers"),
    "tab_archive": ("归档方案", "Archived scenarios"),
    "lay_none": (
        "还没有发布共享图层。管理员可在“数据导入”页面导入图层后勾选“发布为全局图层”。",
        "No shared layer has been published yet. Admins publish one on the Data import page (tick "
        "'Publish as the shared layer').",
    ),
    "lay_col_layer": ("图层", "Layer"),
    "lay_col_version": ("版本", "Version"),
    "lay_col_current": ("当前", "Current"),
    "lay_col_by": ("发布人", "Published by"),
    "lay_col_at": ("发布时间（北京时间）", "Published (Beijing time)"),
    "lay_col_features": ("要素数", "Features"),
    "lay_col_restored": ("恢复自", "Restored from"),
    "lay_col_note": ("说明", "Note"),
    "lay_current_mark": ("✓ 当前", "✓ current"),
    "lay_restore": ("恢复旧版本", "Restore an old version"),
    "lay_pick_layer": ("图层", "Layer"),
    "lay_pick_version": ("要恢复的版本", "Version to restore"),
    "lay_version_label": ("第 {version} 版 · {who} · {when}", "version {version} · {who} · {when}"),
    "lay_restore_button": ("把该版本重新发布为最新版本", "Publish this version again as the newest"),
    "lay_restored": (
        "已把图层 {layer} 第 {from_version} 版重新发布为第 {version} 版。",
        "Layer {layer}: version {from_version} is published again as version {version}.",
    ),
    "lay_only_one": (
        "该图层只有一个版本，没有可恢复的旧版本。",
        "This layer has one version: there is nothing older to restore.",
    ),
    "arc_archive": ("归档方案", "Archive a scenario"),
    "arc_pick": ("选择方案", "Pick a scenario"),
    "arc_reason": ("归档原因（必填）", "Reason (required)"),
    "arc_button": ("归档", "Archive"),
    "arc_done": ("已归档方案“{name}”。", "Archived the scenario '{name}'."),
    "arc_none_active": ("没有可归档的方案。", "There is no scenario to archive."),
    "arc_list": ("已归档的方案", "Archived scenarios"),
    "arc_none": ("没有已归档的方案。", "No scenario is archived."),
    "arc_col_name": ("方案", "Scenario"),
    "arc_col_version": ("最新版本", "Latest version"),
    "arc_col_at": ("归档时间（北京时间）", "Archived (Beijing time)"),
    "arc_col_by": ("归档人", "Archived by"),
    "arc_col_reason": ("原因", "Reason"),
    "arc_pick_archived": ("选择已归档的方案", "Pick an archived scenario"),
    "arc_restore": ("恢复方案", "Bring it back"),
    "arc_restored": ("已恢复方案“{name}”。", "The scenario '{name}' is back."),
    "scen_label": ("{name} · 第 {version} 版", "{name} · version {version}"),
}
