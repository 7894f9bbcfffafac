"""Every message gis/ can give a user (errors, notes, rule results) in Chinese and English, by code."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGS = ("zh", "en")

#: code -> (Chinese, English). Placeholders are named (``{file}``, ``{share:.0%}``) and identical in both.
#: A parameter that is itself a :class:`Message` is rendered in the same language first. Sections keep
#: the work of different issues apart; add new codes in the section of the module that raises them.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- generic -----------------------------------------------------------------------------------------
    "unexpected": ("出现意外错误（编号 {error_id}）。请把编号告诉管理员；服务器日志中有详细信息。",
                   "Something went wrong (error id {error_id}). Give this id to your administrator; the "
                   "server log has the details."),
    "list_sep": ("、", ", "),
    # Kept only so that a caller passing English text instead of a code never shows a raw code; a test
    # fails on any use of it.
    "legacy_text": ("{text}", "{text}"),
    "err_title_generic": ("无法完成", "Could not be done"),
    "err_title_crs": ("坐标系问题", "Coordinate system problem"),
    "err_title_data": ("数据问题", "Data problem"),
    "err_title_scoring": ("评分无法计算", "Scores cannot be computed"),
    "err_title_raster": ("栅格无法使用", "The raster cannot be used"),
    "err_title_scenario": ("方案问题", "Scenario problem"),
    "err_title_print": ("地图无法出图", "The map cannot be printed"),
    "err_title_import": ("文件无法导入", "The file cannot be imported"),
    "err_title_export": ("无法导出", "Cannot export"),
    "err_title_workspace": ("工作空间问题", "Workspace problem"),
    "err_title_conflict": ("方案已被他人更新", "Someone saved this scenario meanwhile"),
    "err_title_auth": ("无法登录", "Cannot sign in"),
    "err_title_permission": ("没有权限", "Not allowed"),
    # --- crs (gis/crs.py) --------------------------------------------------------------------------------
    "crs_missing": ("图层没有坐标系。应为带坐标系的图层（如 EPSG:4326 或 EPSG:4549）。请先声明坐标系。",
                    "The layer has no coordinate reference system. Expected a layer with a CRS such as "
                    "EPSG:4326 or EPSG:4549. Fix: declare the system its coordinates are really in."),
    "crs_geographic_metric": ("无法在地理坐标系 {crs}（单位为度）中计算{operation}。应使用以米为单位的投影坐标系。"
                              "请先投影到 EPSG:4549（CGCS2000 / 3度带高斯-克吕格 中央经线120°E）。",
                              "Cannot compute {operation} in a geographic CRS ({crs}, units of degrees). "
                              "Expected a projected CRS in metres. Fix: reproject to EPSG:4549 (CGCS2000 / "
                              "3-degree GK CM 120E) first."),
    "crs_unknown_datum": ("未知的基准 {datum}。应为 WGS84、GCJ-02 或 BD-09 之一。",
                          "Unknown datum {datum}. Expected WGS84, GCJ-02 or BD-09."),
    "crs_shift_needs_lonlat": ("GCJ-02/BD-09 偏移只适用于经纬度，但图层坐标系为 {crs}。请先转换到 EPSG:4326。",
                               "GCJ-02/BD-09 shifts work on lon/lat degrees, but the layer is in {crs}. "
                               "Fix: reproject to EPSG:4326 first."),
    "op_area": ("面积", "area"),
    "op_length": ("长度", "length"),
    "op_buffer": ("缓冲区", "a buffer"),
    "op_distance": ("距离", "distances"),
    # --- data folder (gis/datasets.py, gis/io.py, gis/validate.py) ----------------------------------------
    "data_file_missing": ("缺少图层文件 {file}。应为 GeoJSON 文件。请从 git 恢复，或放入自己的图层（见 README“替换演示数据”）。",
                          "Layer file not found: {file}. Expected a GeoJSON file there. Fix: restore it from git "
                          "or put your own layer there (see README, 'Replacing the demonstration data')."),
    "data_file_unreadable": ("无法读取图层文件 {file}：{reason}。应为有效的 GeoJSON 文件。",
                             "Cannot read the layer file {file}: {reason}. Expected a valid GeoJSON file."),
    "data_schema": ("数据文件夹不符合要求（{count} 个问题）。请修正所列要素后运行 python -m gis validate DATA_DIR。",
                    "The data folder does not meet the schema ({count} problem(s)). Fix the listed features, "
                    "then run `python -m gis validate DATA_DIR`."),
    "unknown_layer": ("未知图层 {layer}。应为以下之一：{expected}。",
                      "Unknown layer {layer}. Expected one of: {expected}."),
    "unknown_subpark": ("没有编号为 {id} 的子园。应为以下之一：{expected}。",
                        "No sub-park with id {id}. Expected one of: {expected}."),
    "unknown_feature": ("图层 {layer} 中没有编号为 {id} 的要素。",
                        "No feature with id {id} in the layer {layer}."),
    # --- scoring and raster (gis/scoring.py, gis/raster.py) ----------------------------------------------
    # --- scenarios (gis/scenario.py) ---------------------------------------------------------------------
    # --- importers and the check/convert command (gis/importers.py, issue 10) ---------------------------
    # --- exporters (gis/exporters.py, issues 10 and 12) --------------------------------------------------
    # --- workspace, accounts, audit (gis/workspace, issue 11) --------------------------------------------
    # --- workspace, accounts, audit (gis/workspace, issue 11) --------------------------------------------
    # workspace faults: what happened, that nothing was lost, how to recover
    "ws_corrupt": ("工作空间 {where} 已损坏或不是本应用的工作空间（{reason}）。文件保持原样，未被改写。{recovery}",
                   "The workspace {where} is damaged or is not a workspace of this app ({reason}). The file was left "
                   "exactly as it is; nothing was overwritten. {recovery}"),
    "ws_not_workspace": ("{where} 是一个数据库文件，但不是本应用的工作空间（其中已有其他表：{tables}）。文件未被改动。"
                         "请另选一个工作空间文件名（PUTUO_WORKSPACE）。",
                         "{where} is a database file but not a workspace of this app (it already holds other tables: "
                         "{tables}). The file was not changed. Fix: choose another workspace file name "
                         "(PUTUO_WORKSPACE)."),
    "ws_recover_backup": ("恢复方法：停止应用，把受损文件移到别处保存，再把最近的自动备份 {backup}（{when} "
                          "北京时间）复制为 {where}。",
                          "To recover: stop the app, move the damaged file aside, then copy the latest automatic "
                          "backup {backup} (made {when} Beijing time) to {where}."),
    "ws_recover_no_backup": ("没有找到自动备份（应用只在升级工作空间结构前自动备份）。恢复方法：停止应用，"
                             "把受损文件移到别处，从您自己的备份恢复；或改用新的文件名（PUTUO_WORKSPACE），"
                             "已保存的方案需重新导入。",
                             "No automatic backup was found (the app makes one before every change of the workspace's "
                             "structure). To recover: stop the app, move the damaged file aside and restore it from "
                             "your own backup, or use a new file name (PUTUO_WORKSPACE) and import the scenarios "
                             "again."),
    "ws_readonly": ("工作空间 {where} 以只读方式打开：{reason}。可以查看和打开方案，但不能保存。",
                    "The workspace {where} is open read-only: {reason}. Scenarios can be listed and opened, but not "
                    "saved."),
    "ws_ro_permission": ("当前系统用户对该文件或其所在文件夹没有写权限（请管理员授予写权限，或把文件复制到可写的位置）",
                         "the system user running the app may not write to the file or its folder (ask an "
                         "administrator for write permission, or copy the file to a writable place)"),
    "ws_ro_filesystem": ("文件所在的文件系统是只读的（请把文件复制到可写的磁盘）",
                         "the file system holding it is read-only (copy the file to a writable disk)"),
    "ws_ro_role": ("数据库账号只有只读权限或连接的是只读备库（请数据库管理员提供可写的连接）",
                   "the database account may only read, or the server is a read-only standby (ask the database "
                   "administrator for a writable connection)"),
    "ws_ro_newer": ("它由更新版本的应用写入（结构版本 {found}，本应用认识 {expected}）；请升级应用",
                    "it was written by a newer version of the app (schema {found}; this app knows {expected}); "
                    "upgrade the app"),
    "ws_ro_needs_upgrade": ("它需要升级结构（版本 {found} → {expected}），但无法先做备份或写入；请授予写权限后重新打开",
                            "its structure needs an upgrade ({found} → {expected}) but no backup could be made or "
                            "written first; grant write permission and open it again"),
    "ws_write_refused": ("无法{action}：{reason}", "Cannot {action}: {reason}"),
    "ws_disk_full": ("无法{action}：保存工作空间 {where} 的磁盘（或数据库）已满。没有写入任何内容，"
                     "已保存的版本不受影响。请清理磁盘空间（或联系数据库管理员）后再保存一次。",
                     "Cannot {action}: the disk (or database) holding the workspace {where} is full. Nothing was "
                     "written; the saved versions are unchanged. Fix: free some disk space (or ask the database "
                     "administrator), then save again."),
    "ws_permission": ("无法{action}：没有访问工作空间 {where} 的权限（{reason}）。请管理员授予权限。",
                      "Cannot {action}: no permission to use the workspace {where} ({reason}). Fix: ask an "
                      "administrator for access."),
    "ws_unavailable": ("无法连接工作空间 {where}：{reason}。请检查数据库服务器是否运行、地址（PUTUO_DATABASE_URL）"
                       "与网络是否正确，然后重试。",
                       "Cannot reach the workspace {where}: {reason}. Fix: check that the database server is running "
                       "and that the address (PUTUO_DATABASE_URL) and network are right, then try again."),
    "ws_busy": ("无法{action}：工作空间 {where} 正被其他用户长时间占用。没有写入任何内容。请稍后再试。",
                "Cannot {action}: the workspace {where} stayed busy with other users' saves for too long. Nothing was "
                "written. Try again in a moment."),
    "ws_write_failed": ("无法{action}（工作空间 {where}）：{reason}。没有写入任何内容，已保存的版本不受影响。请重试。",
                        "Cannot {action} (workspace {where}): {reason}. Nothing was written; the saved versions are "
                        "unchanged. Try again."),
    "ws_migration_failed": ("升级工作空间 {where} 的结构失败：{reason}。没有改动任何内容。升级前的备份：{backup}。",
                            "Upgrading the structure of the workspace {where} failed: {reason}. Nothing was changed. "
                            "Backup made before the upgrade: {backup}."),
    "ws_backup_failed": ("升级工作空间 {where} 的结构前无法做备份：{reason}。没有升级，文件未被改动。"
                         "请确保所在文件夹可写且有空闲空间。",
                         "Could not back up the workspace {where} before upgrading its structure: {reason}. It was "
                         "not upgraded and the file was not changed. Fix: make sure its folder is writable and has "
                         "free space."),
    "ws_no_postgis": ("数据库 {where} 中没有 PostGIS 扩展，且当前账号无权创建。请数据库管理员执行：CREATE EXTENSION "
                      "postgis;",
                      "The database {where} has no PostGIS extension and this account may not create it. Fix: ask the "
                      "database administrator to run CREATE EXTENSION postgis;"),
    "ws_bad_url": ("无法使用数据库地址 {url}。应为 postgresql://用户@主机:端口/数据库 形式。",
                   "Cannot use the database address {url}. Expected postgresql://user@host:port/database."),
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
    "ws_no_scenario": ("工作空间中没有编号为 {id} 的方案。可能已被归档，或编号有误。",
                       "No scenario with id {id} in the workspace. It may have been archived, or the id is wrong."),
    "ws_no_version": ("方案 {id} 没有第 {version} 版。已有版本：1–{latest}。",
                      "Scenario {id} has no version {version}. Saved versions: 1–{latest}."),
    "ws_archived": ("方案“{name}”已于 {when}（北京时间）由 {who} 归档，不能再保存。请另存为新方案，或请管理员恢复。",
                    "The scenario '{name}' was archived by {who} on {when} (Beijing time) and cannot be saved. Fix: "
                    "save it as a new scenario, or ask an admin to restore it."),
    "ws_not_archived": ("方案“{name}”没有归档。", "The scenario '{name}' is not archived."),
    "ws_archive_reason": ("归档需要填写原因（1–{limit} 个字符）；收到 {length} 个字符。",
                          "Archiving needs a reason (1–{limit} characters); received {length}."),
    "ws_new_scenario_exists": ("方案 {id} 已存在（最新第 {latest} 版）。请从已保存的版本开始修改，或另存为新方案。",
                               "A scenario with id {id} already exists (latest version {latest}). Fix: start from its "
                               "saved version, or save as a new scenario."),
    "ws_conflict": ("方案“{name}”在您打开第 {base_version} 版之后已由 {saved_by} 于 {saved_at}（北京时间）保存为第 "
                    "{latest_version} 版，改动：{changes}。您的修改尚未保存。请选择：另存为新方案（分支），"
                    "或查看对方的改动后覆盖保存。",
                    "The scenario '{name}' was saved as version {latest_version} by {saved_by} at {saved_at} (Beijing "
                    "time) after you opened version {base_version}; they changed: {changes}. Your changes are not "
                    "saved yet. Choose: save as a new scenario (a branch), or review their changes and save "
                    "over them."),
    "ws_bad_scenario_id": ("方案编号 {id} 无效。应为 1–64 个字母、数字、- 或 _。",
                           "The scenario id {id} is not valid. Expected 1–64 letters, digits, - or _."),
    "ws_chg_created": ("新建，含 {parcels} 个地块、{drawn} 个绘制区域",
                       "created with {parcels} parcel(s), {drawn} drawn area(s)"),
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
    # scenario GeoPackage files (export/import; issue 10 items 6 and 7)
    "ws_file_unreadable": ("无法读取方案文件 {file}：{reason}。应为本应用导出的方案 GeoPackage（.gpkg）。",
                           "Cannot read the scenario file {file}: {reason}. Expected a scenario GeoPackage (.gpkg) "
                           "exported by this app."),
    "ws_file_no_scenarios": ("方案文件 {file} 中没有方案。", "The scenario file {file} holds no scenario."),
    "ws_file_too_many": ("方案文件 {file} 含 {count} 个方案，超过上限 {limit}。请分批导出。",
                         "The scenario file {file} holds {count} scenarios, more than the limit of {limit}. Fix: "
                         "export them in smaller batches."),
    "ws_file_record": ("方案文件 {file} 中的第 {row} 条记录无法使用：{reason}。文件中的方案均未导入。",
                       "Record {row} of the scenario file {file} cannot be used: {reason}. No scenario of the file "
                       "was imported."),
    "ws_payload_invalid": ("方案数据无效：字段 {field} 应为 {expected}，收到 {received}。",
                           "The scenario data is not valid: the field {field} should be {expected}; received "
                           "{received}."),
    "ws_payload_not_json": ("方案数据不是有效的 JSON（{reason}）。", "The scenario data is not valid JSON ({reason})."),
    "ws_payload_bad_wkt": ("绘制区域 {piece} 不是有效的面：{reason}。",
                           "The drawn area {piece} is not a valid polygon: {reason}."),
    # shared layers
    "ws_no_layer": ("工作空间中没有已发布的图层 {layer}。", "No published layer {layer} in the workspace."),
    "ws_no_layer_version": ("图层 {layer} 没有第 {version} 版。已有版本：1–{latest}。",
                            "The layer {layer} has no version {version}. Published versions: 1–{latest}."),
    "ws_layer_invalid": ("无法发布图层 {layer}：{reason}。", "Cannot publish the layer {layer}: {reason}."),
    "ws_layer_bad_id": ("图层编号 {layer} 无效。应为 1–40 个小写字母、数字或 _。",
                        "The layer id {layer} is not valid. Expected 1–40 lower-case letters, digits or _."),
    "ws_layer_reason_crs": ("坐标系应为 EPSG:4326，收到 {crs}", "its CRS should be EPSG:4326; received {crs}"),
    "ws_layer_reason_empty": ("没有要素", "it has no features"),
    "ws_layer_reason_geometry": ("有 {count} 个要素没有几何", "{count} feature(s) have no geometry"),
    # accounts
    "acct_bad_name": ("账号名 {name} 无效。应为 1–64 个字符：字母、数字、中文或 . _ @ -，不含空格。",
                      "The account name {name} is not valid. Expected 1–64 characters: letters, digits, Chinese "
                      "characters or . _ @ -, no spaces."),
    "acct_bad_role": ("角色 {role} 无效。应为以下之一：{expected}。",
                      "The role {role} is not valid. Expected one of: {expected}."),
    "acct_exists": ("账号 {name} 已存在。", "The account {name} already exists."),
    "acct_missing": ("没有账号 {name}。", "There is no account {name}."),
    "acct_password_short": ("密码太短：至少 {min} 个字符。", "The password is too short: at least {min} characters."),
    "acct_password_long": ("密码太长：最多 {max} 个字符。", "The password is too long: at most {max} characters."),
    "acct_password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "acct_last_admin": ("不能停用或降级最后一个启用的管理员账号 {name}。请先添加另一个管理员。",
                        "Cannot disable or demote {name}: it is the last enabled admin account. Fix: add another "
                        "admin first."),
    "role_viewer": ("查看者", "viewer"),
    "role_editor": ("编辑者", "editor"),
    "role_admin": ("管理员", "admin"),
    # sign-in
    "auth_failed": ("账号名或密码错误。", "Wrong account name or password."),
    "auth_locked": ("登录失败次数过多，该账号已锁定至 {until}（北京时间）。请稍后再试，或请管理员重设密码。",
                    "Too many failed sign-ins: this account is locked until {until} (Beijing time). Try again later, "
                    "or ask an admin to reset the password."),
    "auth_no_accounts": ("工作空间中还没有账号。请先在服务器上创建第一个管理员："
                         "python -m gis users add 名称 --role admin",
                         "The workspace has no account yet. Create the first admin on the server: "
                         "python -m gis users add NAME --role admin"),
    "auth_session_expired": ("登录已过期，请重新登录。", "Your sign-in has expired. Please sign in again."),
    "auth_no_account": ("单点登录用户 {who} 在本应用中没有账号。请管理员添加：python -m gis users add {who} --role "
                        "viewer --sso",
                        "The single-sign-on user {who} has no account in this app. Fix: ask an admin to add it: "
                        "python -m gis users add {who} --role viewer --sso"),
    "auth_bad_mode": ("PUTUO_AUTH 的值 {mode} 无效。应为以下之一：{expected}。",
                      "PUTUO_AUTH={mode} is not valid. Expected one of: {expected}."),
    "auth_bad_proxy_config": ("可信代理设置无效：{reason}。需要 PUTUO_PROXY_HEADER（如 X-Remote-User）和 "
                              "PUTUO_TRUSTED_PROXIES（逗号分隔的 IP 或网段）。",
                              "The trusted-proxy settings are not valid: {reason}. Expected PUTUO_PROXY_HEADER (e.g. "
                              "X-Remote-User) and PUTUO_TRUSTED_PROXIES (comma-separated IPs or networks)."),
    "auth_bad_number": ("{name} 的值 {value} 无效。应为 {low}–{high} 之间的整数。",
                        "{name}={value} is not valid. Expected a whole number from {low} to {high}."),
    "perm_denied": ("{who}（{role}）无权{action}。需要的角色：{needed}。",
                    "{who} ({role}) may not {action}. Role needed: {needed}."),
    "perm_not_owner": ("{who} 不能修改 {owner} 创建的方案“{name}”。请另存为新方案。",
                       "{who} may not change the scenario '{name}' created by {owner}. Fix: save it as a new "
                       "scenario."),
    # audit trail: what each entry says (shown in either language)
    "aud_scenario_saved": ("保存方案“{name}”第 {version} 版：{changes}",
                           "saved scenario '{name}' version {version}: {changes}"),
    "aud_scenario_overwrite": ("审阅后覆盖保存方案“{name}”第 {version} 版（覆盖了第 {overwritten} "
                               "版之上的改动）：{changes}",
                               "saved scenario '{name}' version {version} over version {overwritten} after review: "
                               "{changes}"),
    "aud_scenario_branched": ("由方案 {parent} 第 {parent_version} 版另存为新方案“{name}”",
                              "saved '{name}' as a new scenario branched from {parent} version {parent_version}"),
    "aud_scenario_imported": ("从文件 {file} 导入方案“{name}”（文件中的编号 {source_id}）",
                              "imported scenario '{name}' from the file {file} (id in the file: {source_id})"),
    "aud_scenario_archived": ("归档方案“{name}”，原因：{reason}", "archived scenario '{name}'; reason: {reason}"),
    "aud_scenario_unarchived": ("恢复已归档的方案“{name}”", "restored the archived scenario '{name}'"),
    "aud_layer_published": ("发布图层 {layer} 第 {version} 版（{features} 个要素）",
                            "published layer {layer} version {version} ({features} features)"),
    "aud_layer_restored": ("恢复图层 {layer}：把第 {from_version} 版重新发布为第 {version} 版",
                           "restored layer {layer}: version {from_version} published again as version {version}"),
    "aud_account_added": ("添加账号 {name}，角色：{role}", "added account {name} with role {role}"),
    "aud_account_role": ("账号 {name} 的角色由 {before} 改为 {after}",
                         "account {name}: role changed from {before} to {after}"),
    "aud_account_disabled": ("停用账号 {name}", "disabled account {name}"),
    "aud_account_enabled": ("启用账号 {name}", "enabled account {name}"),
    "aud_password_changed": ("重设账号 {name} 的密码", "changed the password of account {name}"),
    "aud_login": ("登录（{via}）", "signed in ({via})"),
    "aud_login_failed": ("以账号名 {name} 登录失败", "failed sign-in as {name}"),
    "aud_login_locked": ("账号 {name} 因多次登录失败被锁定至 {until}（北京时间）",
                         "account {name} locked until {until} (Beijing time) after repeated failed sign-ins"),
    "aud_logout": ("退出登录", "signed out"),
    "aud_setting_changed": ("设置 {key} 由 {before} 改为 {after}", "setting {key} changed from {before} to {after}"),
    "aud_mapping_saved": ("记住 {kind} 文件的字段对应关系", "remembered the field mapping for {kind} files"),
    "aud_schema_upgraded": ("工作空间结构由 {before} 升级到 {after}；升级前备份：{backup}",
                            "workspace structure upgraded from {before} to {after}; backup made first: {backup}"),
    "aud_none": ("（无）", "(none)"),
    "aud_verify_ok": ("审计记录完整：{count} 条记录，哈希链无断裂。",
                      "The audit trail is intact: {count} entries, hash chain unbroken."),
    "aud_verify_broken": ("审计记录在第 {seq} 条处被改动：{reason}",
                          "The audit trail was altered at entry {seq}: {reason}"),
    "aud_broken_gap": ("缺少条目（应为第 {expected} 条）", "an entry is missing (expected entry {expected})"),
    "aud_broken_link": ("它记录的前一条哈希与第 {previous} 条不符（前面的条目被删除或改动）",
                        "its previous-entry hash does not match entry {previous} (an earlier entry was removed or "
                        "changed)"),
    "aud_broken_hash": ("其内容与其哈希不符（该条目被改动）",
                        "its contents do not match its hash (the entry was edited)"),
    "aud_broken_head": ("最后一条记录与链头不符（末尾的条目被删除或改动）",
                        "the last entry does not match the chain head (entries at the end were removed or edited)"),
    "via_local": ("本地账号", "local account"),
    "via_oidc": ("单点登录", "single sign-on"),
    "via_proxy": ("可信代理", "trusted proxy"),
    "via_single_user": ("单用户模式", "single-user mode"),
    "via_cli": ("命令行", "command line"),
    # --- context data, datum check (issue 12) ------------------------------------------------------------
    # --- tiles (issue 13) --------------------------------------------------------------------------------
}


class _Formatter(string.Formatter):
    """str.format without attribute or index lookups in field names (templates stay data, not code)."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return self.get_value(field_name, args, kwargs), field_name


_FORMATTER = _Formatter()


def _param_text(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, Message)) for v in value):
        return template("list_sep", lang).join(_param_text(v, lang) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if hasattr(value, "item") and callable(value.item):  # numpy scalar -> plain Python (no np.int64(...) reprs)
        return value.item()
    return value


def template(code: str, lang: str) -> str:
    """The raw template of ``code`` in ``lang`` ('zh' or 'en'). Raises KeyError for an unknown code."""
    zh, en = CATALOGUE[code]
    return en if lang == "en" else zh


def render(code: str, params: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """The text of message ``code`` with ``params`` in ``lang``; nested :class:`Message` params too.

    A missing placeholder value leaves the template's own text (never raises): the catalogue test
    checks that every raise passes every placeholder.
    """
    text = template(code, lang)
    values = {k: _param_text(v, lang) for k, v in (params or {}).items()}
    try:
        return _FORMATTER.vformat(text, (), values)
    except (KeyError, ValueError, IndexError):
        return text


@dataclass(frozen=True)
class Message:
    """A message for a user: a catalogue ``code`` and the values of its placeholders."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ('zh' or 'en')."""
        return render(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text("en")


def msg(code: str, /, **params: Any) -> Message:
    """Shorthand for ``Message(code, params)``."""
    return Message(code, params)


def placeholders(code: str) -> dict[str, set[str]]:
    """The placeholder names of ``code`` per language (for the catalogue test)."""
    return {lang: {name for _, name, _, _ in string.Formatter().parse(template(code, lang)) if name}
            for lang in LANGS}
