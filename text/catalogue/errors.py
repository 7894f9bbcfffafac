"""Error titles, unexpected faults, upload workers' limits and operator settings."""

ENTRIES: dict[str, tuple[str, str]] = {
    # error titles
    "unexpected": (
        "出现意外错误（编号 {error_id}）。请把编号告诉管理员；服务器日志中有详细信息。",
        "Something went wrong (error id {error_id}). Give this id to your administrator; the "
        "server log has the details.",
    ),
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
    "err_title_tiles": ("底图瓦片问题", "Basemap tile problem"),
    "err_title_tile_request": ("地图瓦片请求无效", "Invalid map tile request"),
    "err_title_regulatory": ("合规审查无法进行", "The compliance review cannot be done"),
    "err_title_monitoring": ("实施监测数据无法使用", "The monitoring data cannot be used"),
    "err_title_performance": ("亩均效益评价无法进行", "The land-performance evaluation cannot be done"),
    # operator settings (gis/settings.py)
    "err_title_settings": ("服务器设置无效", "Invalid server setting"),
    "settings_bad_number": (
        "环境变量 {name} 的值 {value} 无效。应为 {low}–{high} 之间的数值；不设置则使用默认值。",
        "{name}={value} is not valid. Expected a number from {low} to {high}; leave it unset for the default.",
    ),
    "settings_bad_whole": (
        "环境变量 {name} 的值 {value} 无效。应为 {low}–{high} 之间的整数；不设置则使用默认值。",
        "{name}={value} is not valid. Expected a whole number from {low} to {high}; leave it unset for the default.",
    ),
    # upload workers (ingest/sandbox.py)
    "worker_task_generic": ("这项处理", "The task"),
    "limit_memory": (
        "{task} 已停止：所需内存超过了单个上传处理允许的 {limit_mb} MB（内存上限）。其他用户不受影响。"
        "请拆分文件或简化图形后重试。",
        "{task} was stopped: it needed more than the {limit_mb} MB of memory allowed for one upload "
        "(memory limit). Other users were not affected. Split the file or simplify it and try again.",
    ),
    "limit_cpu": (
        "{task} 已停止：计算时间超过了允许的 {limit_s} 秒 CPU 时间（CPU 时间上限）。其他用户不受影响。"
        "请拆分文件或简化图形后重试。",
        "{task} was stopped: it used more than the {limit_s} s of CPU time allowed (CPU time limit). "
        "Other users were not affected. Split the file or simplify it and try again.",
    ),
    "limit_wall": (
        "{task} 已停止：耗时超过了允许的 {limit_s} 秒（时间上限）。其他用户不受影响。请拆分文件后重试。",
        "{task} was stopped: it took longer than the {limit_s} s allowed (time limit). Other users were "
        "not affected. Split the file and try again.",
    ),
    "worker_crashed": (
        "{task} 意外中止（{signal}），文件可能已损坏。其他用户不受影响。请用 GIS 软件重新导出后再试。",
        "{task} stopped unexpectedly ({signal}); the file may be damaged. Other users were not "
        "affected. Export it again from your GIS and retry.",
    ),
    "err_title_account_name": ("账号名无效", "Invalid account name"),
    # what a scenario payload's field should be, and what was received (never a Python type name)
    "pl_expect_text": ("最多 {limit} 个字符的文本", "text of at most {limit} characters"),
    "pl_expect_short_text": ("文本", "text"),
    "pl_expect_object": ("JSON 对象", "a JSON object"),
    "pl_expect_no_field": ("不存在（方案数据中没有此字段）", "absent (the scenario data has no such field)"),
    "pl_expect_time": ("ISO 8601 格式的时间", "an ISO 8601 time"),
    "pl_expect_parcels": ("最多 {limit} 个地块编号的列表", "a list of at most {limit} parcel ids"),
    "pl_expect_number": ("有限的数值", "a finite number"),
    "pl_expect_drawn": ("最多含 {limit} 个绘制区域的对象", "an object of at most {limit} drawn areas"),
    "pl_expect_drawn_area": ("[名称, WKT 多边形]", "[name, WKT polygon]"),
    "pl_got_text": ("文本", "text"),
    "pl_got_long_text": ("{count} 个字符的文本", "text of {count} characters"),
    "pl_got_number": ("数值", "a number"),
    "pl_got_boolean": ("真/假值", "true/false"),
    "pl_got_list": ("列表", "a list"),
    "pl_got_object": ("对象", "an object"),
    "pl_got_other": ("其他类型的值", "a value of another kind"),
    # a scenario file's rows and scenarios are two limits, each named on its own
    "ws_file_too_many_rows": (
        "方案文件 {file} 的记录超过上限 {limit} 条记录，已拒绝。请分批导出。",
        "The scenario file {file} holds more than {limit} records, the limit; refused. Fix: export the scenarios "
        "in smaller batches.",
    ),
}
