"""Accounts and sign-in: roles, passwords, permissions, the sign-in page and user box."""

ENTRIES: dict[str, tuple[str, str]] = {
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
    "login_setup": ("工作空间中还没有账号。请管理员先在服务器上运行下面的命令创建第一个管理员账号（按提示输入两次密码），"
                    "然后刷新本页：",
                    "The workspace has no account yet. An administrator first runs this command on the server to create "
                    "the first admin account (typing the password twice), then reloads this page:"),
    "login_setup_name": ("名称", "NAME"),
    "login_oidc": ("使用单位统一身份认证登录", "Sign in with the bureau's single sign-on"),
    "login_oidc_intro": ("本应用使用单位的统一身份认证（单点登录）。", "This app signs you in through the bureau's single sign-on."),
    "login_oidc_missing": ("单点登录尚未配置：请管理员在 .streamlit/secrets.toml 的 [auth] 部分填写单点登录设置，"
                           "并安装 streamlit[auth]（见说明文档）。",
                           "Single sign-on is not configured: an administrator fills in the [auth] section of "
                           ".streamlit/secrets.toml and installs streamlit[auth] (see the documentation)."),
    "login_proxy_none": ("未能通过单位的身份认证代理识别您的身份（请求中没有 {header} 请求头，或连接不是来自可信代理）。"
                         "请通过单位门户访问本应用。",
                         "The bureau's sign-on proxy did not identify you (the request has no {header} header, or the "
                         "connection does not come from a trusted proxy). Open the app through the bureau's portal."),
    "login_again": ("重新登录", "Sign in again"),
    "login_signed_out": ("您已退出登录。", "You have signed out."),
    "login_reload_note": ("登录只在当前浏览器标签页中有效：刷新或新开标签页需要重新登录。",
                          "A sign-in lasts for this browser tab: reloading or opening a new tab asks again."),
    "user_box": ("当前用户", "Signed in"),
    "user_line": ("{name}（{role}）", "{name} ({role})"),
    "person_local": ("本机用户 {name}", "local user {name}"),
    "person_cli": ("命令行 {name}", "command line {name}"),
    "person_system": ("系统", "system"),
    "user_single": ("单用户模式 · 本机用户 {name}（管理员）", "Single-user mode · local user {name} (admin)"),
    "user_logout": ("退出登录", "Sign out"),
    # admin page: accounts
    "tab_accounts": ("账号", "Accounts"),
    "acc_auth_off": ("当前未启用登录（单用户模式）：这里的账号在设置 PUTUO_AUTH=local 后才用于登录。",
                     "Sign-in is off (single-user mode): these accounts are used once PUTUO_AUTH=local is set."),
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
    "acc_disabled_done": ("已停用账号 {name}，其登录会话已结束。", "Disabled the account {name}; its sessions have ended."),
    "acc_enabled_done": ("已启用账号 {name}。", "Enabled the account {name}."),
    "acc_reset": ("重设密码", "Reset the password"),
    "acc_new_password": ("新密码（至少 {min} 个字符）", "New password (at least {min} characters)"),
    "acc_reset_done": ("已重设账号 {name} 的密码，并解除了锁定。", "Reset the password of {name} and lifted any lock-out."),
}
