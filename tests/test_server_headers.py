"""The running server (`streamlit run app.py`): framing by other sites refused on every answer, metrics closed."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.live_app import running_app


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/parcels",
        "/app/static/js/planner_map.js",
        "/_stcore/health",
        "/api/layer/d0000000000000000/subparks?lang=zh&datum=wgs84&sig=x",
    ],
)
def test_every_answer_forbids_framing_by_other_sites(app_url, path):
    status, headers = _get(app_url + path)
    assert status in (200, 403), status
    assert headers.get("x-frame-options") == "SAMEORIGIN"
    assert headers.get("content-security-policy") == "frame-ancestors 'self'"
    assert headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metrics?families=cache"])
def test_streamlits_metrics_are_closed(app_url, path):
    status, _ = _get(app_url + path)
    assert status == 404
