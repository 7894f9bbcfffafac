"""Operator settings: the upload limits read from the environment, safe defaults when unset, bad values refused."""

import pytest

from gis.errors import SettingsError
from gis.settings import ENV_LIMITS, Settings


def test_unset_or_empty_variables_keep_the_safe_defaults():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({name: " " for name in ENV_LIMITS}) == Settings()
    assert Settings().max_import_features == 500_000 and Settings().max_upload_mb == 100


def test_an_operator_raises_the_limits_for_a_million_features():
    s = Settings.from_env(
        {
            "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "1024",
            "PUTUO_MAX_IMPORT_FEATURES": "1500000",
            "PUTUO_PARSE_MEMORY_MB": "6144",
            "PUTUO_PARSE_CPU_S": "300",
            "PUTUO_PARSE_WALL_S": "300",
            "PUTUO_PARSE_WORKERS": "1",
            "PUTUO_MAX_UNZIPPED_MB": "2048",
        }
    )
    assert (
        s.max_upload_mb,
        s.max_import_features,
        s.parse_memory_mb,
        s.parse_cpu_s,
        s.parse_wall_s,
        s.parse_workers,
        s.max_unzipped_mb,
    ) == (1024, 1_500_000, 6144, 300, 300, 1, 2048)
    assert isinstance(s.max_import_features, int) and isinstance(s.parse_workers, int)
    assert s.max_table_rows == Settings().max_table_rows  # the rest unchanged


@pytest.mark.parametrize(
    "name,value",
    [
        ("PUTUO_MAX_IMPORT_FEATURES", "1.5e6"),
        ("PUTUO_MAX_IMPORT_FEATURES", "0"),
        ("PUTUO_PARSE_CPU_S", "soon"),
        ("PUTUO_PARSE_CPU_S", "nan"),
        ("PUTUO_PARSE_MEMORY_MB", "inf"),
        ("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", "-5"),
    ],
)
def test_a_value_that_is_no_number_in_range_is_refused_in_both_languages(name, value):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({name: value})
    assert name in str(info.value) and value in str(info.value) and name in info.value.text("zh")
