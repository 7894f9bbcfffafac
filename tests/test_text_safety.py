"""Control characters and lookalikes from users: kept out of what is stored, written out in what is recorded,
never a crash of an export or a trick on a terminal; account names in one script only."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from gis.errors import AccountNameError
from gis.scenario import Scenario
from planner import scenario_edit as se
from store import open_workspace
from store.accounts import normalise_name
from store.audit import audit_csv, audit_xlsx
from text.clip import clean_text, visible_controls
from text.display import person


def test_clean_text_drops_controls_and_bidi_but_keeps_line_breaks():
    assert clean_text("a\x00b\x1b[31mc\u202ed\u2066e\nf\tg") == "ab[31mcde\nf\tg"
    assert clean_text("e\u0301") == "\u00e9"  # NFC: one character, as typed either way
    assert visible_controls("boss\x01\x0b\u202e") == "boss\\x01\\x0b\\u202e"


@pytest.mark.parametrize("name", ["\u0430dmin", "b\u043ess", "wang\u0391"])  # Cyrillic а, о; Greek Α
def test_an_account_name_mixing_scripts_is_refused(name):
    with pytest.raises(AccountNameError) as refused:
        normalise_name(name)
    assert refused.value.code == "acct_name_mixed_script" and name.lower() in refused.value.text("zh")


def test_one_script_names_are_accepted():
    assert [normalise_name(n) for n in ("li.wei", "王伟", "Li.Wei2", "иван")] == ["li.wei", "王伟", "li.wei2", "иван"]


def test_a_control_character_in_a_name_never_breaks_the_audit_export_or_a_terminal(tmp_path):
    ws = open_workspace(path=tmp_path / "ws.gpkg", cached=False)
    try:
        ws.scenarios.save(Scenario(name="a\x00b\u202e", parcels=("P001",)), actor="eve\x01\x0b", base_version=None)
        entries = ws.audit.entries(newest_first=False)
        book = load_workbook(io.BytesIO(audit_xlsx(entries, lang="en")))  # no IllegalCharacterError
        cells = [c.value for row in book.active.iter_rows() for c in row]
        assert "eve\\x01\\x0b" in cells  # what was received, written out
        text = audit_csv(entries, lang="en").decode("utf-8-sig")
        assert "eve\\x01\\x0b" in text and "\x01" not in text and "\u202e" not in text
    finally:
        ws.close()


def test_names_typed_on_the_scenario_page_are_kept_without_controls():
    h = se.History(Scenario(name="x"))
    h = se.set_header(h, name="方案\u202eA\x00", notes="第一行\n第二行\x07")
    assert (h.current.name, h.current.notes) == ("方案A", "第一行\n第二行")
    assert person("wang\u202e", "zh") == "wang"
