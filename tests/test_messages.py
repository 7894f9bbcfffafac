"""The one catalogue: every code raised, noted or looked up in the application exists in both languages with the
placeholders the caller passes, once; messages render, nest, and survive a round trip through JSON."""

import ast
from pathlib import Path

import pytest

from gis.errors import CRSError, DataValidationError, PlannerError
from text import catalogue
from text.messages import CATALOGUE, Message, message_from_json, message_to_json, msg, placeholders, t

ROOT = Path(__file__).resolve().parent.parent
#: Every application package (and app.py): the code that raises errors and writes messages.
PACKAGES = ("text", "gis", "layers", "ingest", "export", "tiles", "store", "planner", "server", "cli", "pages")
SOURCES = sorted([*(p for pkg in PACKAGES for p in ROOT.glob(f"{pkg}/**/*.py")), ROOT / "app.py"])
#: The project's own error classes (builtins such as ValueError stay for programming errors).
PROJECT_ERRORS = {
    name
    for name, obj in vars(__import__("gis.errors", fromlist=["x"])).items()
    if isinstance(obj, type) and issubclass(obj, PlannerError)
}


def _calls():
    """(file, line, code, keyword names) of every Error(...)/msg(...)/Message(...)/t(...) call with a literal code."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0]
            if (
                (name in PROJECT_ERRORS or name in ("msg", "Message", "t"))
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                keywords = {k.arg for k in node.keywords if k.arg}
                if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):  # Message(code, {"name": value})
                    keywords |= {k.value for k in node.args[1].keys if isinstance(k, ast.Constant)}
                dynamic = any(k.arg is None for k in node.keywords)
                yield path.relative_to(ROOT), node.lineno, first.value, keywords, dynamic


CALLS = list(_calls())


def test_there_are_calls_to_check():
    assert len(CALLS) > 600 and sum(1 for c in CALLS if str(c[0]).startswith("pages")) > 200


@pytest.mark.parametrize("where,line,code,keywords,dynamic", CALLS, ids=[f"{c[0]}:{c[1]}" for c in CALLS])
def test_every_code_exists_with_the_placeholders_passed(where, line, code, keywords, dynamic):
    assert code in CATALOGUE, f"{where}:{line}: {code!r} is not in the catalogue (text/catalogue/)"
    if not dynamic:
        wanted = placeholders(code)["en"]
        missing = wanted - keywords - {"problems"}
        assert not missing, f"{where}:{line}: {code} needs {sorted(missing)}"


def test_errors_render_in_both_languages_and_carry_their_problems():
    exc = DataValidationError("data_schema", count=2, problems=[msg("schema_missing_ids", layer="x", count=3), "raw"])
    assert "2 problem(s)" in str(exc) and "2 个问题" in exc.text("zh")
    assert exc.problem_texts("zh")[0] == "图层 x 有 3 个要素没有编号。" and exc.problem_texts("en")[1] == "raw"
    assert isinstance(exc, ValueError) and exc.title_code == "err_title_data"
    assert CRSError("crs_unknown_datum", datum="utm").message == Message("crs_unknown_datum", {"datum": "utm"})


def test_an_unknown_code_never_reaches_a_user_as_a_code():
    exc = PlannerError("some English sentence that is not a code")
    assert exc.code == "legacy_text" and exc.text("zh") == "some English sentence that is not a code"


def test_numbers_and_nested_messages_render_plainly():
    import numpy as np

    text = t("rule_m_overlap", "en", m2=np.float64(1234.5))
    assert text == "overlaps a sub-park by 1,234 m²" or text == "overlaps a sub-park by 1,235 m²"
    nested = msg("raw_zone_share", zone=msg("zone_belt"), share=0.25)
    assert nested.text("zh") == "苏河水岸（一带） 25%" and nested.text("en") == "Suzhou Creek belt 25%"
    assert t("schema_duplicate_id", "en", layer="x", id=np.int64(7)) == "Layer x: id 7 is used more than once."


def test_messages_survive_json_for_the_history():
    m = msg("list_semicolon_join", items=[msg("ws_chg_parcels_added", ids="P1"), msg("ws_chg_notes")])
    back = message_from_json(message_to_json(m))
    assert back.text("zh") == "加入地块 P1；备注有改动" and back.text("en") == "parcels added: P1; notes changed"
    assert message_to_json(m) == message_to_json(back)  # canonical: the audit chain hashes this text
    assert message_from_json("plain old text").text("zh") == "plain old text"


def test_one_lookup_for_labels_and_messages():
    import numpy as np

    params = {"zone": msg("zone_belt"), "share": np.float64(0.25)}
    for lang in ("zh", "en"):
        assert Message("raw_zone_share", params).text(lang) == t("raw_zone_share", lang, **params)
        assert t("app_title", lang) == Message("app_title").text(lang)
    assert t("raw_zone_share", "zh", **params) == "苏河水岸（一带） 25%"
    assert t("person_cli", "en", name="ops") == "command line ops"
    assert t("list_sep_join", "zh", items=["甲", "乙"]) == "甲、乙"  # a list joined in the language
    assert t("no_such_key", "en", n=1) == "no_such_key"  # an unknown key: itself (the page tests catch it)
    assert t("scen_saved", "en") == CATALOGUE["scen_saved"][1]  # a missing value never raises
    assert t("scen_saved", "en", version=3, extra="ignored") == CATALOGUE["scen_saved"][1].format(version=3)
    assert t("bm_subdomains", "en") == "Subdomains ({s}, optional)"  # braces shown as text are escaped


def test_every_catalogue_module_is_merged_and_a_key_defined_twice_fails():
    from types import SimpleNamespace

    here = ROOT / "text" / "catalogue"
    merged = {m.__name__.rsplit(".", 1)[1] for m in catalogue.MODULES}
    assert {p.stem for p in here.glob("*.py")} - {"__init__"} == merged
    assert 8 <= len(catalogue.MODULES) <= 15
    for path in here.glob("*.py"):  # a dict literal keeps the last of two equal keys: look at the source
        keys = [
            k.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Dict)
            for k in node.keys
            if isinstance(k, ast.Constant)
        ]
        assert len(keys) == len(set(keys)), f"{path.name}: {sorted(k for k in keys if keys.count(k) > 1)}"
    assert len(CATALOGUE) == sum(len(m.ENTRIES) for m in catalogue.MODULES)
    a = SimpleNamespace(__name__="a", ENTRIES={"x": ("甲", "x")})
    b = SimpleNamespace(__name__="b", ENTRIES={"x": ("乙", "x")})
    with pytest.raises(RuntimeError, match="'x' is defined in both a and b"):
        catalogue.merge((a, b))
