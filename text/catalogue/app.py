"""The app and its navigation, and words used on every page (lists, separators, the demo banner)."""

ENTRIES: dict[str, tuple[str, str]] = {
    # lists and separators; text given instead of a code
    "list_sep": ("、", ", "),
    "list_semicolon": ("；", "; "),
    "list_sep_join": ("{items}", "{items}"),
    "list_semicolon_join": ("{items}", "{items}"),
    # Kept only so that a caller passing English text instead of a code never shows a raw code; a test
    # fails on any use of it.
    "legacy_text": ("{text}", "{text}"),
    # app and navigation
    "app_title": ("张江普陀园规划助手", "Putuo Park Planner"),
    "app_subtitle": ("上海张江高新技术产业开发区普陀园", "Zhangjiang Hi-tech Park, Putuo sub-park"),
    "page_explorer": ("园区地图", "Park map"),
    "page_indicators": ("实施监测", "Plan monitoring"),
    "page_data": ("数据与来源", "Data & sources"),
    "demo_banner": (
        "演示数据：子园边界为根据公开信息绘制的示意范围，并非官方边界。",
        "Demonstration data: sub-park outlines are schematic, drawn from public facts; not official boundaries.",
    ),
    "page_parcels": ("候选地块评估", "Candidate parcels"),
    "page_scenarios": ("扩区方案", "Expansion scenarios"),
    "page_export": ("导出", "Export"),
    "page_import": ("数据导入", "Data import"),
    "page_login": ("登录", "Sign in"),
    "page_admin": ("系统管理", "Administration"),
    "page_audit": ("审计记录", "Audit trail"),
    # words used on many pages
    "colon": ("：", ": "),
    "selection": ("选中的要素", "Selection"),
    "rows_shown": (
        "此处显示前 {shown:,} 行（共 {total:,} 个地块）；下载文件包含全部。",
        "The first {shown:,} rows are shown (of {total:,} parcels); the downloads hold them all.",
    ),
    "working": ("正在生成…", "Working…"),
    "confirm_yes": ("确认", "Confirm"),
    "confirm_no": ("取消", "Cancel"),
    # Streamlit's own widget texts, said in Chinese (pages/widget_text.py)
    "st_upload_button": ("选择文件", "Upload"),
    "st_upload_limit": ("每个文件不超过 {mb} MB", "{mb} MB per file"),
    "st_input_enter": ("按回车键确认", "Press Enter to apply"),
}
