"""text/display.py directly: data text in the user's language, Beijing time, people as officials read them."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from text.clock import beijing_time
from text.display import data_text, person


def test_data_text_prefers_the_language_column_then_the_field_then_chinese():
    row = {"kind_zh": "办公楼", "kind_en": "Office", "kind": "official words"}
    assert data_text(row, "kind", "en") == "Office"
    assert data_text(row, "kind", "zh") == "办公楼"
    # no English column: the field as its authors wrote it, before the Chinese one
    assert data_text({"kind_zh": "办公楼", "kind": "原文"}, "kind", "en") == "原文"
    assert data_text({"kind_zh": "办公楼"}, "kind", "en") == "办公楼"
    # blank, NaN and missing values fall through; nothing at all gives ""
    assert data_text(pd.Series({"kind_en": "  ", "kind": np.nan, "kind_zh": "厂房"}), "kind", "en") == "厂房"
    assert data_text({"kind_en": None}, "kind", "en") == ""
    assert data_text({}, "kind", "zh") == ""


def test_data_text_treats_pandas_missing_values_as_missing():
    # a nullable string column (pd.NA) or a missing time (NaT) is no text: never "<NA>" or "NaT"
    assert data_text({"kind_en": pd.NA, "kind_zh": "厂房"}, "kind", "en") == "厂房"
    assert data_text({"kind_en": pd.NaT, "kind_zh": "厂房"}, "kind", "en") == "厂房"
    frame = pd.DataFrame({"kind_en": pd.array([None, "Lab"], dtype="string"), "kind_zh": ["厂房", "实验室"]})
    assert [data_text(r, "kind", "en") for _, r in frame.iterrows()] == ["厂房", "Lab"]


def test_data_text_of_a_number_is_its_text():
    assert data_text({"floors": 12}, "floors", "zh") == "12"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-27T12:38:05.123456Z", "2026-11-27 20:38"),  # stored form: UTC with Z
        ("2026-12-31T17:30:00+00:00", "2027-01-01 01:30"),  # crosses midnight and the year in Beijing
        ("2026-06-01T10:00:00", "2026-06-01 18:00"),  # naive text is UTC
        ("2026-06-01T10:00:00+08:00", "2026-06-01 10:00"),  # already Beijing time
        (datetime(2026, 3, 1, 23, 59, tzinfo=UTC), "2026-03-02 07:59"),
        (pd.Timestamp("2026-01-01T00:00Z"), "2026-01-01 08:00"),
    ],
)
def test_beijing_time_is_utc_plus_8(value, shown):
    assert beijing_time(value, seconds=False) == shown


def test_beijing_time_seconds_unknown_and_garbage():
    assert beijing_time("2026-11-27T12:38:05Z") == "2026-11-27 20:38:05"
    for unknown in (None, "", float("nan"), np.nan, pd.NaT, pd.NA):
        assert beijing_time(unknown) == "–", repr(unknown)
    assert beijing_time("not a time") == "not a time"
    assert beijing_time("2026-13-45") == "2026-13-45"
    assert beijing_time(42) == "42"


def test_person_reads_local_and_command_line_users_in_both_languages():
    assert person("local:root", "zh") == "本机用户 root"
    assert person("local:root", "en") == "local user root"
    assert person("cli:ops", "zh") == "命令行 ops"
    assert person("cli:ops", "en") == "command line ops"
    # an account name is shown as typed, prefixes only count at the start
    assert person("alice", "zh") == "alice"
    assert person("alice local:x", "en") == "alice local:x"
    assert person(None, "en") == ""
    assert person("local:", "zh") == "本机用户 "
