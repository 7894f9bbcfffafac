"""The command line (python -m gis check / convert / users / audit)."""

ENTRIES: dict[str, tuple[str, str]] = {
    "cli_no_such_file": ("找不到文件 {file}。请检查路径。", "No such file: {file}. Check the path."),
    "cli_cannot_open": (
        "无法打开 {file}（{reason}）。请检查权限。",
        "Cannot open {file} ({reason}). Check the permissions.",
    ),
    "cli_not_a_file": (
        "{file} 不是普通文件（可能是文件夹或设备）。请给出一个文件。",
        "{file} is not a regular file (a folder or a device?). Give a file.",
    ),
    "cli_output_format": (
        "无法从文件名 {file} 判断输出格式。应以以下之一结尾：{expected}。",
        "Cannot tell the output format from {file}. Expected a name ending in one of: {expected}.",
    ),
    "cli_output_exists": (
        "{file} 已存在，未覆盖。要替换它请加 --force。",
        "{file} exists and was not overwritten. Add --force to replace it.",
    ),
    "cli_output_dir_missing": (
        "输出文件夹 {folder} 不存在。请先创建它。",
        "The output folder {folder} does not exist. Create it first.",
    ),
    "cli_output_is_input": (
        "输出文件 {file} 就是输入文件。请另选一个输出文件名。",
        "The output {file} is the input file. Choose another output name.",
    ),
    "cli_guess_needs_confirmation": (
        "{file} 没有坐标系，按坐标推测为 {crs}。推测的坐标系不会自动使用：确认无误请加 "
        "--accept-guess，或用 --crs 指定。",
        "{file} has no coordinate system; the coordinates suggest {crs}. A guess is "
        "never used silently: add --accept-guess if it is right, or give --crs.",
    ),
    "cli_problem_guess": (
        "坐标系 {crs} 是按坐标推测的，使用前需要确认。",
        "The CRS {crs} is a guess from the coordinates and needs confirmation before use.",
    ),
    "cli_wrote": (
        "已写入 {file}：{count} 个要素，坐标系 {crs}，{size_kb} KB。",
        "Wrote {file}: {count} features, {crs}, {size_kb} KB.",
    ),
    "cli_gcj02_name_hint": (
        "注意：GCJ-02 坐标的文件名须写明 GCJ-02，已写入 {file}（以免被当作 WGS 84）。",
        "Note: a file of GCJ-02 coordinates must say so in its name; written as {file} (so that nobody takes it for WGS 84).",
    ),
    "cli_label_file": ("文件", "File"),
    "cli_label_layers": ("图层", "Layers"),
    "cli_label_features": ("要素", "Features"),
    "cli_label_crs": ("源坐标系", "Source CRS"),
    "cli_label_encoding": ("编码", "Encoding"),
    "cli_label_columns": ("字段", "Columns"),
    "cli_label_extent": ("范围", "Extent"),
    "cli_label_notes": ("说明", "Notes"),
    "cli_label_problems": ("问题", "Problems"),
    "cli_label_none": ("无", "none"),
    "cli_label_raster": (
        "栅格：{width} × {height} 像元，{bands} 个波段（{dtype}），无数据值 {nodata}",
        "Raster: {width} × {height} pixels, {bands} band(s) ({dtype}), nodata {nodata}",
    ),
    "cli_label_raster_crs": ("坐标系：{crs}", "CRS: {crs}"),
    "cli_label_raster_covers": (
        "覆盖当前 {parcels} 个地块中的 {covered} 个（评估读取 {pixels} 个像元）",
        "Covers {covered} of the {parcels} current parcels (an evaluation reads {pixels} pixels)",
    ),
    "cli_label_scenarios": ("方案文件含 {count} 个方案：", "The scenario file holds {count} scenario(s):"),
    "cli_label_scenario": (
        "  - {name}（编号 {id}，{parcels} 个地块，{drawn} 个自绘区域）",
        "  - {name} (id {id}, {parcels} parcel(s), {drawn} drawn area(s))",
    ),
    "cli_how_file": ("文件中声明", "declared in the file"),
    "cli_how_guessed": ("按坐标推测，需确认", "guessed from the coordinates: confirm it"),
    "cli_how_chosen": ("由用户指定", "chosen by the user"),
}
