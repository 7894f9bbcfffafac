"""The message catalogue: every code raised or noted in gis/ and planner/ exists in both languages with the
placeholders the caller passes; messages render, nest, and survive a round trip through JSON."""

import ast
from pathlib import Path

import pytest

from gis.errors import CRSError, DataValidationError, PlannerError
from text.messages import CATALOGUE, Message, message_from_json, message_to_json, msg, placeholders, render

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in [*ROOT.glob("gis/**/*.py"), *ROOT.glob("planner/**/*.py"), *ROOT.glob("layers/**/*.py")]
                 if p.name != "messages.py")
#: The project's own error classes (builtins such as ValueError stay for programming errors).
PROJECT_ERRORS = {name for name, obj in vars(__import__("gis.errors", fromlist=["x"])).items()
                  if isinstance(obj, type) and issubclass(obj, PlannerError)}


def _calls():
    """(file, line, code, keyword names) of every Error(...)/Failure(...)/msg(...) call with a literal code."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0]
            if (name in PROJECT_ERRORS or name in ("msg", "Message")) and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                keywords = {k.arg for k in node.keywords if k.arg}
                if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):  # Message(code, {"name": value})
                    keywords |= {k.value for k in node.args[1].keys if isinstance(k, ast.Constant)}
                dynamic = any(k.arg is None for k in node.keywords)
                yield path.relative_to(ROOT), node.lineno, first.value, keywords, dynamic


CALLS = list(_calls())


def test_there_are_calls_to_check():
    assert len(CALLS) > 80


@pytest.mark.parametrize("where,line,code,keywords,dynamic", CALLS, ids=[f"{c[0]}:{c[1]}" for c in CALLS])
def test_every_code_exists_with_the_placeholders_passed(where, line, code, keywords, dynamic):
    assert code in CATALOGUE, f"{where}:{line}: {code!r} is not in text/messages.py"
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

    text = render("rule_m_overlap", {"m2": np.float64(1234.5)}, "en")
    assert text == "overlaps a sub-park by 1,234 m²" or text == "overlaps a sub-park by 1,235 m²"
    nested = msg("raw_zone_share", zone=msg("zone_belt"), share=0.25)
    assert nested.text("zh") == "苏河水岸（一带） 25%" and nested.text("en") == "Suzhou Creek belt 25%"
    assert (render("schema_duplicate_id", {"layer": "x", "id": np.int64(7)}, "en")
            == "Layer x: id 7 is used more than once.")


def test_messages_survive_json_for_the_history():
    m = msg("list_semicolon_join", items=[msg("ws_chg_parcels_added", ids="P1"), msg("ws_chg_notes")])
    back = message_from_json(message_to_json(m))
    assert back.text("zh") == "加入地块 P1；备注有改动" and back.text("en") == "parcels added: P1; notes changed"
    assert message_to_json(m) == message_to_json(back)  # canonical: the audit chain hashes this text
    assert message_from_json("plain old text").text("zh") == "plain old text"
