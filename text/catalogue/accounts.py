"""Accounts, sign-in and the audit trail: roles, passwords, permissions, what each audit entry says."""

ENTRIES: dict[str, tuple[str, str]] = {
    # accounts
    "acct_bad_role": (
        "角色 {role} 无效。应为以下之一：{expected}。",
        "The role {role} is not valid. Expected one of: {expected}.",
    ),
    "acct_exists": ("账号 {name} 已存在。", "The account {name} already exists."),
    "acct_missing": ("没有账号 {name}。", "There is no account {name}."),
    "acct_password_short": ("密码太短：至少 {min} 个字符。", "The password is too short: at least {min} characters."),
    "acct_password_long": ("密码太长：最多 {max} 个字符。", "The password is too long: at most {max} characters."),
    "acct_password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "acct_last_admin": (
        "不能停用或降级最后一个启用的管理员账号 {name}。请先添加另一个管理员。",
        "Cannot disable or demote {name}: it is the last enabled admin account. Fix: add another admin first.",
    ),
    "role_viewer": ("查看者", "viewer"),
    "role_editor": ("编辑者", "editor"),
    "role_admin": ("管理员", "admin"),
    "acct_name_mixed_script": (
        "账号名“{name}”混用了多种文字（如拉丁字母与形似的西里尔或希腊字母），可能冒充他人的账号名。请只用一种文字，如 li.wei 或 王伟。",
        "The account name '{name}' mixes scripts (such as Latin with lookalike Cyrillic or Greek letters) and could pass for someone else's. Use one script, e.g. li.wei or 王伟.",
    ),
    "acct_name_invalid": (
        "收到的账号名 {name} 无效。账号名应为 1–64 个字符，只含字母、数字、中文或 . _ @ -，不含空格。"
        "请改用这样的名称，例如 li.wei 或 li.wei@bureau.example。",
        "The account name {name} received is not valid. An account name is 1–64 characters: "
        "letters, digits, Chinese characters or . _ @ -, no spaces. Fix: use a name like li.wei "
        "or li.wei@bureau.example.",
    ),
    # sign-in
    "auth_failed": ("账号名或密码错误。", "Wrong account name or password."),
    "auth_locked": (
        "登录失败次数过多，该账号已锁定至 {until}（北京时间）。请稍后再试，或请管理员重设密码。",
        "Too many failed sign-ins: this account is locked until {until} (Beijing time). Try again later, "
        "or ask an admin to reset the password.",
    ),
    "auth_throttled": (
        "从这台电脑登录失败的次数过多：请等 {seconds} 秒后再试。其他电脑上的登录不受影响；忘记密码请找管理员重设。",
        "Too many failed sign-ins from this computer: wait {seconds} s before trying again. Sign-ins from other "
        "computers are not affected; if you forgot the password, ask an admin to set a new one.",
    ),
    "auth_name_invalid": (
        "账号名 {name} 无效：账号名为 1–64 个字母、数字、中文或 . _ @ -，不含空格或控制字符。请检查后重新输入。",
        "The account name {name} is not valid: an account name is 1–64 letters, digits, Chinese characters or "
        ". _ @ -, without spaces or control characters. Check it and type it again.",
    ),
    "auth_no_accounts": (
        "工作空间中还没有账号。请先在服务器上创建第一个管理员：python -m gis users add 名称 --role admin",
        "The workspace has no account yet. Create the first admin on the server: "
        "python -m gis users add NAME --role admin",
    ),
    "auth_session_expired": ("登录已过期，请重新登录。", "Your sign-in has expired. Please sign in again."),
    "auth_no_account": (
        "单点登录用户 {who} 在本应用中没有账号。请管理员添加：python -m gis users add {who} --role viewer --sso",
        "The single-sign-on user {who} has no account in this app. Fix: ask an admin to add it: "
        "python -m gis users add {who} --role viewer --sso",
    ),
    "auth_bad_mode": (
        "PUTUO_AUTH 的值 {mode} 无效。应为以下之一：{expected}。",
        "PUTUO_AUTH={mode} is not valid. Expected one of: {expected}.",
    ),
    "auth_proxy_forwarded": (
        "可信代理登录要求服务器按套接字对端判断代理：请以 scripts/run_app.sh 启动，或在启动前设置环境变量 FORWARDED_ALLOW_IPS 为空（FORWARDED_ALLOW_IPS=）。否则任何本机进程都可借 X-Forwarded-For 冒充代理。",
        "Sign-in by a trusted proxy needs the server to judge the proxy by the socket's peer: start it with scripts/run_app.sh, or set FORWARDED_ALLOW_IPS to empty (FORWARDED_ALLOW_IPS=) before starting. Otherwise any local process could pose as the proxy with X-Forwarded-For.",
    ),
    "auth_bad_proxy_config": (
        "可信代理设置无效：{reason}。需要 PUTUO_PROXY_HEADER（如 X-Remote-User）和 "
        "PUTUO_TRUSTED_PROXIES（逗号分隔的 IP 或网段）。",
        "The trusted-proxy settings are not valid: {reason}. Expected PUTUO_PROXY_HEADER (e.g. "
        "X-Remote-User) and PUTUO_TRUSTED_PROXIES (comma-separated IPs or networks).",
    ),
    "auth_bad_number": (
        "{name} 的值 {value} 无效。应为 {low}–{high} 之间的整数。",
        "{name}={value} is not valid. Expected a whole number from {low} to {high}.",
    ),
    "perm_denied": (
        "{who}（{role}）无权{action}。需要的角色：{needed}。",
        "{who} ({role}) may not {action}. Role needed: {needed}.",
    ),
    "perm_not_owner": (
        "{who} 不能修改 {owner} 创建的方案“{name}”。请另存为新方案。",
        "{who} may not change the scenario '{name}' created by {owner}. Fix: save it as a new scenario.",
    ),
    "aud_scenario_saved": (
        "保存方案“{name}”第 {version} 版：{changes}",
        "saved scenario '{name}' version {version}: {changes}",
    ),
    "aud_scenario_overwrite": (
        "审阅后覆盖保存方案“{name}”第 {version} 版（覆盖了第 {overwritten} 版之上的改动）：{changes}",
        "saved scenario '{name}' version {version} over version {overwritten} after review: {changes}",
    ),
    "aud_scenario_branched": (
        "由方案 {parent} 第 {parent_version} 版另存为新方案“{name}”",
        "saved '{name}' as a new scenario branched from {parent} version {parent_version}",
    ),
    "aud_scenario_imported": (
        "从文件 {file} 导入方案“{name}”（文件中的编号 {source_id}）",
        "imported scenario '{name}' from the file {file} (id in the file: {source_id})",
    ),
    "aud_scenario_archived": ("归档方案“{name}”，原因：{reason}", "archived scenario '{name}'; reason: {reason}"),
    "aud_scenario_unarchived": ("恢复已归档的方案“{name}”", "restored the archived scenario '{name}'"),
    "aud_layer_published": (
        "发布图层 {layer} 第 {version} 版（{features} 个要素）",
        "published layer {layer} version {version} ({features} features)",
    ),
    "aud_layer_restored": (
        "恢复图层 {layer}：把第 {from_version} 版重新发布为第 {version} 版",
        "restored layer {layer}: version {from_version} published again as version {version}",
    ),
    "aud_account_added": ("添加账号 {name}，角色：{role}", "added account {name} with role {role}"),
    "aud_account_role": (
        "账号 {name} 的角色由 {before} 改为 {after}",
        "account {name}: role changed from {before} to {after}",
    ),
    "aud_account_disabled": ("停用账号 {name}", "disabled account {name}"),
    "aud_account_enabled": ("启用账号 {name}", "enabled account {name}"),
    "aud_password_changed": ("重设账号 {name} 的密码", "changed the password of account {name}"),
    "aud_login": ("登录（{via}）", "signed in ({via})"),
    "aud_login_failed": ("以账号名 {name} 登录失败", "failed sign-in as {name}"),
    "aud_login_locked": (
        "账号 {name} 因多次登录失败被锁定至 {until}（北京时间）",
        "account {name} locked until {until} (Beijing time) after repeated failed sign-ins",
    ),
    "aud_logout": ("退出登录", "signed out"),
    "aud_login_failed_unlisted": (
        "另有 {n} 次以不存在的账号名登录失败，未逐条记录（每 15 分钟最多逐条记录 20 次）",
        "{n} further failed sign-ins with names that are no account were not listed one by one (at most 20 are, "
        "per 15 minutes)",
    ),
    "aud_setting_changed": ("将“{key}”由“{before}”改为“{after}”", "setting {key} changed from {before} to {after}"),
    "aud_mapping_saved": ("记住“{kind}”文件的字段对应关系", "remembered the field mapping for “{kind}” files"),
    "aud_schema_upgraded": (
        "工作空间结构由 {before} 升级到 {after}；升级前备份：{backup}",
        "workspace structure upgraded from {before} to {after}; backup made first: {backup}",
    ),
    "aud_none": ("（无）", "(none)"),
    "setting_basemap_url": ("单位底图服务地址", "the bureau's tile service URL"),
    "setting_basemap_datum": ("单位底图坐标基准", "the bureau's tile service datum"),
    "setting_basemap_attribution": ("单位底图版权说明", "the bureau's tile service attribution"),
    "setting_basemap_subdomains": ("单位底图子域名", "the bureau's tile service subdomains"),
    "setting_basemap_max_zoom": ("单位底图最大原生级别", "the bureau's tile service maximum zoom"),
    "aud_verify_ok": (
        "审计记录完整：{count} 条记录，哈希链无断裂。",
        "The audit trail is intact: {count} entries, hash chain unbroken.",
    ),
    "aud_verify_broken": (
        "审计记录在第 {seq} 条处被改动：{reason}",
        "The audit trail was altered at entry {seq}: {reason}",
    ),
    "aud_broken_gap": ("缺少条目（应为第 {expected} 条）", "an entry is missing (expected entry {expected})"),
    "aud_broken_link": (
        "它记录的前一条哈希与第 {previous} 条不符（前面的条目被删除或改动）",
        "its previous-entry hash does not match entry {previous} (an earlier entry was removed or changed)",
    ),
    "aud_broken_hash": (
        "其内容与其哈希不符（该条目被改动）",
        "its contents do not match its hash (the entry was edited)",
    ),
    "aud_broken_head": (
        "最后一条记录与链头不符（末尾的条目被删除或改动）",
        "the last entry does not match the chain head (entries at the end were removed or edited)",
    ),
    "aud_verify_tampered": (
        "审计记录在第 {seq} 条处被改动：{reason}。{advice}",
        "The audit trail was altered at entry {seq}: {reason}. {advice}",
    ),
    "aud_tamper_advice": (
        "处理办法：第 {seq} 条及之后的记录不可信；先把数据库（或工作空间文件）与服务器旁的检查点文件各复制一份留作证据，"
        "再与您的备份比对，并查明谁有数据库的写权限。",
        "What to do: do not trust entry {seq} and after; copy the database (or workspace file) and the "
        "checkpoint file beside the server as evidence, compare them with your backups, and find out who "
        "could write to the database.",
    ),
    "aud_broken_mac": (
        "其内容与其消息认证码（MAC）不符（该条目被改动，或由不持有服务器密钥的人伪造）",
        "its contents do not match its MAC (the entry was edited, or made by someone without the server's key)",
    ),
    "aud_broken_foreign_key": (
        "它由另一把密钥（编号 {found}）签名，而本服务器的密钥编号为 {expected}"
        "（由另一台服务器写入，或被伪造；若为前者，请在那台服务器上核验，或设置与它相同的 PUTUO_SECRET_KEY）",
        "it is signed with another key (id {found}; this server's key is {expected}): it was written by "
        "another server or forged (if the former, verify on that server, or set the same PUTUO_SECRET_KEY here)",
    ),
    "aud_broken_unkeyed": (
        "它没有消息认证码，而第 {first} 条起的记录都有（整条链被不持有密钥的人重新计算过）",
        "it carries no MAC although the entries from {first} on do (the chain was recomputed by someone "
        "without the server's key)",
    ),
    "aud_broken_checkpoint": (
        "它与服务器旁检查点文件第 {line} 行（{at}，北京时间）记录的链头不符（此处或之前的记录被改动后重新计算了链）",
        "it differs from the head recorded by the checkpoint at line {line} of the file beside the server "
        "({at}, Beijing time): entries here or before were changed and the chain recomputed",
    ),
    "aud_broken_cut": (
        "服务器旁检查点文件第 {line} 行（{at}，北京时间）记录已有 {recorded} 条，而现在只剩 {count} 条"
        "（最新的记录被删除，或整个审计记录被清空重置）",
        "the checkpoint at line {line} of the file beside the server ({at}, Beijing time) records {recorded} "
        "entries, but only {count} remain (the newest entries were removed, or the whole trail was reset)",
    ),
    "aud_cp_bad_line": (
        "检查点文件 {file} 第 {line} 行的签名不对或无法读取",
        "line {line} of the checkpoint file {file} has a wrong signature or cannot be read",
    ),
    "aud_cp_unreadable": ("无法读取检查点文件 {file}：{reason}", "cannot read the checkpoint file {file}: {reason}"),
    "aud_cp_tampered": (
        "审计检查点文件被改动：{problem}（共 {count} 处）。只有服务器的系统用户能写这个文件；"
        "请检查服务器是否被入侵，保留文件 {file} 作为证据，并从备份核对审计记录。",
        "The audit checkpoint file was altered: {problem} ({count} in all). Only the server's system user "
        "can write that file: check whether the server was broken into, keep {file} as evidence, and check "
        "the audit trail against your backups.",
    ),
    "aud_verify_anchored": ("{result}{keyed}{anchor}", "{result} {keyed} {anchor}"),
    "aud_keyed_from": (
        "第 {first} 条起的记录带有服务器密钥的消息认证码（之前的 {legacy} 条是旧格式，仅核对哈希链）。",
        "Entries from {first} on carry the server's MAC (the {legacy} before are of the older kind, checked "
        "by their hash chain only).",
    ),
    "aud_keyed_none": (
        "还没有带服务器密钥消息认证码的记录（旧格式，仅核对哈希链）。",
        "No entry carries the server's MAC yet (older kind, checked by the hash chain only).",
    ),
    "aud_anchor_ok": (
        "已与服务器旁的 {n} 个签名检查点核对一致（最新：第 {seq} 条，{at}，北京时间）。",
        "It agrees with {n} signed checkpoints beside the server (latest: entry {seq}, {at}, Beijing time).",
    ),
    "aud_anchor_none": (
        "注意：服务器旁没有本工作空间的检查点（{file}），无法证明最新的记录没有被删除；此后每次写入都会记录检查点。",
        "Note: there is no checkpoint of this workspace beside the server ({file}), so the newest entries "
        "cannot be proven complete; a checkpoint is written at every change from now on.",
    ),
    "anchor_key_mode": (
        "服务器密钥文件 {path} 的权限为 {mode}，其他系统用户也能读取。请执行 chmod 600 {path} 后重试。",
        "The server key file {path} has mode {mode}: other system users can read it. Fix: chmod 600 {path}, "
        "then try again.",
    ),
    "anchor_key_unusable": (
        "无法读取或创建服务器密钥文件 {path}：{reason}。没有写入任何内容。请让运行应用的系统用户能写入该文件夹"
        "（或用 PUTUO_STATE_DIR 指定另一个文件夹，或设置 PUTUO_SECRET_KEY）。",
        "Cannot read or create the server key file {path}: {reason}. Nothing was written. Fix: let the "
        "system user running the app write to that folder (or choose another with PUTUO_STATE_DIR, or set "
        "PUTUO_SECRET_KEY).",
    ),
    "via_local": ("本地账号", "local account"),
    "via_oidc": ("单点登录", "single sign-on"),
    "via_proxy": ("可信代理", "trusted proxy"),
    "via_single_user": ("单用户模式", "single-user mode"),
    "via_cli": ("命令行", "command line"),
    # sign-in page and user box
    "user_parcels": ("我添加的地块", "My parcels"),
    "login_title": ("登录张江普陀园规划助手", "Sign in to the Putuo Park Planner"),
    "login_intro": ("请使用管理员为您创建的账号登录。", "Sign in with the account an administrator created for you."),
    "login_name": ("账号名", "Account name"),
    "login_password": ("密码", "Password"),
    "login_submit": ("登录", "Sign in"),
    "login_setup": (
        "工作空间中还没有账号。请管理员先在服务器上运行下面的命令创建第一个管理员账号（按提示输入两次密码），"
        "然后刷新本页：",
        "The workspace has no account yet. An administrator first runs this command on the server to create "
        "the first admin account (typing the password twice), then reloads this page:",
    ),
    "login_setup_name": ("名称", "NAME"),
    "login_oidc": ("使用单位统一身份认证登录", "Sign in with the bureau's single sign-on"),
    "login_oidc_intro": (
        "本应用使用单位的统一身份认证（单点登录）。",
        "This app signs you in through the bureau's single sign-on.",
    ),
    "login_oidc_missing": (
        "单点登录尚未配置：请管理员在 .streamlit/secrets.toml 的 [auth] 部分填写单点登录设置，"
        "并安装 streamlit[auth]（见说明文档）。",
        "Single sign-on is not configured: an administrator fills in the [auth] section of "
        ".streamlit/secrets.toml and installs streamlit[auth] (see the documentation).",
    ),
    "login_proxy_none": (
        "未能通过单位的身份认证代理识别您的身份（请求中没有 {header} 请求头，或连接不是来自可信代理）。"
        "请通过单位门户访问本应用。",
        "The bureau's sign-on proxy did not identify you (the request has no {header} header, or the "
        "connection does not come from a trusted proxy). Open the app through the bureau's portal.",
    ),
    "login_again": ("重新登录", "Sign in again"),
    "login_signed_out": ("您已退出登录。", "You have signed out."),
    "login_reload_note": (
        "登录在此浏览器中有效，直到退出登录、会话到期或关闭浏览器。",
        "A sign-in lasts in this browser until you sign out, the session expires or the browser is closed.",
    ),
    "login_binding": ("正在完成登录…", "Completing the sign-in…"),
    "user_box": ("当前用户", "Signed in"),
    "user_line": ("{name}（{role}）", "{name} ({role})"),
    "person_local": ("本机用户 {name}", "local user {name}"),
    "person_cli": ("命令行 {name}", "command line {name}"),
    "person_system": ("系统", "system"),
    "user_single": ("单用户模式 · 本机用户 {name}（管理员）", "Single-user mode · local user {name} (admin)"),
    "user_logout": ("退出登录", "Sign out"),
    # admin page: accounts
    "tab_accounts": ("账号", "Accounts"),
    "acc_auth_off": (
        "当前未启用登录（单用户模式）：这里的账号在设置 PUTUO_AUTH=local 后才用于登录。",
        "Sign-in is off (single-user mode): these accounts are used once PUTUO_AUTH=local is set.",
    ),
    "acc_none": ("还没有账号。", "No account yet."),
    "acc_col_name": ("账号名", "Account"),
    "acc_col_role": ("角色", "Role"),
    "acc_col_state": ("状态", "State"),
    "acc_col_signin": ("登录方式", "Sign-in"),
    "acc_col_created": ("创建时间（北京时间）", "Created (Beijing time)"),
    "acc_col_created_by": ("创建人", "Created by"),
    "acc_col_failed": ("近期登录失败次数", "Recent failed sign-ins"),
    "acc_state_active": ("正常", "active"),
    "acc_state_disabled": ("已停用", "disabled"),
    "acc_state_locked": ("锁定至 {until}", "locked until {until}"),
    "acc_signin_password": ("密码", "password"),
    "acc_signin_sso": ("单点登录", "single sign-on"),
    "acc_add": ("添加账号", "Add an account"),
    "acc_role": ("角色", "Role"),
    "acc_password": ("密码（至少 {min} 个字符）", "Password (at least {min} characters)"),
    "acc_password_again": ("再次输入密码", "Password again"),
    "acc_sso": ("仅单点登录（不设密码）", "Single sign-on only (no password)"),
    "acc_add_submit": ("添加账号", "Add the account"),
    "acc_added": ("已添加账号 {name}（{role}）。", "Added the account {name} ({role})."),
    "acc_change": ("修改账号", "Change an account"),
    "acc_pick": ("选择账号", "Pick an account"),
    "acc_set_role": ("修改角色", "Change the role"),
    "acc_role_changed": ("账号 {name} 的角色已改为{role}。", "The account {name} is now {role}."),
    "acc_disable": ("停用账号", "Disable the account"),
    "acc_enable": ("启用账号", "Enable the account"),
    "acc_disabled_done": (
        "已停用账号 {name}，其登录会话已结束。",
        "Disabled the account {name}; its sessions have ended.",
    ),
    "acc_enabled_done": ("已启用账号 {name}。", "Enabled the account {name}."),
    "acc_reset": ("重设密码", "Reset the password"),
    "acc_new_password": ("新密码（至少 {min} 个字符）", "New password (at least {min} characters)"),
    "acc_reset_done": (
        "已重设账号 {name} 的密码，并解除了锁定。",
        "Reset the password of {name} and lifted any lock-out.",
    ),
    # audit page
    "audit_title": ("审计记录（留痕）", "Audit trail"),
    "audit_intro": (
        "每一次修改都记录在工作空间中，并以哈希链相连：事后改动任何一条记录都能被发现。",
        "Every change is recorded in the workspace, linked in a hash chain: editing any entry afterwards is detected.",
    ),
    "audit_user": ("用户", "User"),
    "audit_all_users": ("全部用户", "All users"),
    "audit_object_type": ("对象类型", "Object type"),
    "audit_all_types": ("全部类型", "All types"),
    "audit_object": ("对象编号", "Object id"),
    "audit_object_help": (
        "方案编号、图层编号或账号名；留空表示全部。",
        "A scenario id, layer id or account name; empty for all.",
    ),
    "audit_since": ("起始日期（北京时间）", "From (Beijing date)"),
    "audit_until": ("截止日期（含当天）", "Until (inclusive)"),
    "audit_bad_dates": (
        "起始日期晚于截止日期：请调整日期。",
        "The start date is after the end date: change the dates.",
    ),
    "audit_col_seq": ("序号", "No."),
    "audit_col_time": ("时间（北京时间）", "Time (Beijing)"),
    "audit_col_actor": ("用户", "User"),
    "audit_col_action": ("操作", "Action"),
    "audit_col_type": ("对象类型", "Object type"),
    "audit_col_object": ("对象", "Object"),
    "audit_col_summary": ("内容", "What changed"),
    "audit_count": ("共 {n} 条记录，最新的在前。", "Entries: {n}, newest first."),
    "audit_count_limited": (
        "只显示最新的 {n} 条记录：请缩小筛选范围，或导出全部记录。",
        "Showing the newest {n} entries: narrow the filters, or export them all.",
    ),
    "audit_none": ("没有符合条件的记录。", "No entry matches the filters."),
    "audit_verify": ("校验哈希链", "Verify the chain"),
    "audit_export_csv": ("导出 CSV", "Export CSV"),
    "audit_export_xlsx": ("导出 XLSX", "Export XLSX"),
    "audit_act_scenario_save": ("保存方案", "scenario saved"),
    "audit_act_scenario_overwrite": ("覆盖保存方案", "scenario saved over"),
    "audit_act_scenario_branch": ("另存为新方案", "scenario branched"),
    "audit_act_scenario_import": ("导入方案", "scenario imported"),
    "audit_act_scenario_archive": ("归档方案", "scenario archived"),
    "audit_act_scenario_unarchive": ("恢复归档方案", "scenario brought back"),
    "audit_act_layer_publish": ("发布图层", "layer published"),
    "audit_act_layer_restore": ("恢复图层版本", "layer version restored"),
    "audit_act_settings_mapping": ("记住字段对应", "field mapping saved"),
    "audit_act_settings_change": ("修改设置", "setting changed"),
    "audit_act_account_add": ("添加账号", "account added"),
    "audit_act_account_role": ("修改角色", "role changed"),
    "audit_act_account_disable": ("停用账号", "account disabled"),
    "audit_act_account_enable": ("启用账号", "account enabled"),
    "audit_act_account_password": ("重设密码", "password changed"),
    "audit_act_auth_login": ("登录", "signed in"),
    "audit_act_auth_login_failed": ("登录失败", "failed sign-in"),
    "audit_act_auth_login_failed_unlisted": ("未逐条记录的登录失败", "failed sign-ins not listed one by one"),
    "audit_act_auth_locked": ("账号锁定", "account locked"),
    "audit_act_auth_logout": ("退出登录", "signed out"),
    "audit_act_workspace_upgrade": ("升级工作空间", "workspace upgraded"),
    "audit_obj_scenario": ("方案", "scenario"),
    "audit_obj_layer": ("图层", "layer"),
    "audit_obj_account": ("账号", "account"),
    "audit_obj_setting": ("设置", "setting"),
    "audit_obj_mapping": ("字段对应", "field mapping"),
    "audit_obj_workspace": ("工作空间", "workspace"),
}
