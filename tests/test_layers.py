"""Layer registry and translation table: every key exists, styles by category, language columns."""

import pytest

from layers.registry import REGISTRY, get_spec, resolve_field
from layers.webmap import BASEMAPS
from text.display import name_col
from text.messages import CATALOGUE, t


def test_translation_table_complete():
    for key, pair in CATALOGUE.items():
        assert len(pair) == 2 and all(s.strip() for s in pair), key
    assert t("app_title", "zh") == "张江普陀园规划助手" and t("app_title", "en") == "Putuo Park Planner"
    assert t("no_such_key", "en") == "no_such_key"
    assert name_col("en") == "name_en" and name_col("zh") == "name_zh"


def test_every_label_key_used_by_registry_and_basemaps_exists():
    keys = set()
    for spec in REGISTRY:
        keys |= {spec.label_key} | {k for _, k in spec.tooltip + spec.popup} | {c.label_key for c in spec.categories}
    keys |= {b.label_key for b in BASEMAPS}
    assert keys <= set(CATALOGUE)


def test_registry_covers_every_layer(data):
    for spec in REGISTRY:
        gdf = data.layer(spec.id)
        assert len(gdf) > 0
        if spec.category_field:
            assert set(gdf[spec.category_field]) <= {c.value for c in spec.categories}


def test_style_for_category():
    spec = get_spec("subparks")
    assert spec.style_for("north")["fillColor"] != spec.style_for("south")["fillColor"]
    assert spec.style_for("unknown") == spec.style
    with pytest.raises(KeyError):
        get_spec("nope")


def test_resolve_field_prefers_language_column():
    cols = ["name_zh", "name_en", "carriers_zh", "id"]
    assert resolve_field("name", "en", cols) == "name_en"
    assert resolve_field("carriers", "en", cols) == "carriers_zh"  # falls back to Chinese
    assert resolve_field("id", "en", cols) == "id"
    assert resolve_field("missing", "zh", cols) is None


def test_every_template_has_named_placeholders_identical_in_both_languages():
    import string

    for key, (zh, en) in CATALOGUE.items():
        names = [{f for _, f, _, _ in string.Formatter().parse(s) if f is not None} for s in (zh, en)]
        assert names[0] == names[1], key
        assert not any(n == "" or n.isdigit() for n in names[0]), f"{key}: name its placeholders"
