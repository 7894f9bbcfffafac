"""Run the real app (`streamlit run app.py`) on a free loopback port: shared by browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # No network at all: every host name fails to resolve except the local server.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


class AppUrl(str):
    """The running app's URL; ``pid`` is its server process (benchmarks read its CPU time and memory)."""

    pid: int


#: Resolves once the element's box has not moved for 10 animation frames (Streamlit loads some widgets' code
#: after the first paint, and the page below them moves down by a label's height a few frames later).
_STILL_JS = """(el) => new Promise((resolve) => {
  let last = '', same = 0;
  const tick = () => {
    const r = el.getBoundingClientRect(), now = [r.left, r.top, r.width, r.height].join(',');
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 10) resolve(true); else requestAnimationFrame(tick);
  };
  tick();
})"""


def wait_still(page, selector: str, *, timeout_ms: int = 30_000) -> None:
    """Wait until the element ``selector`` stays in place (a click at a computed point then hits it)."""
    page.locator(selector).first.evaluate(_STILL_JS, timeout=timeout_ms)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(
    *,
    log_path: Path | None = None,
    timeout_s: float = 60.0,
    workspace: Path | None = None,
    data_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    root: Path = ROOT,
    script: str = "app.py",
) -> Iterator[AppUrl]:
    """Start the app (the bundled data, or ``data_dir``), wait until /_stcore/health answers, yield its URL,
    stop it.

    The scenario workspace is ``workspace`` (default: a file in a new temporary folder), never the
    repository's own ``workspace/``; ``extra_env`` adds environment variables (e.g. PUTUO_AUTH).

    Raises
    ------
    RuntimeError
        When the server exits or is not healthy within ``timeout_s`` (the log is in the message).
    """
    port = free_port()
    tmp = tempfile.TemporaryDirectory()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PUTUO_WORKSPACE": str(workspace or Path(tmp.name) / "workspace.gpkg"),
        "FORWARDED_ALLOW_IPS": "",  # as scripts/run_app.sh starts the app
        "PUTUO_AUTOSAVE": "0",  # one test's draft must not open the next test's page (a test of drafts sets 1)
    }
    env.pop("PUTUO_DATA_DIR", None)
    if data_dir is not None:
        env["PUTUO_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
    out = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 - the server writes it until it stops
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=root,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = AppUrl(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log = Path(log_path).read_text() if log_path else "(no log kept)"
                raise RuntimeError(f"Streamlit did not become healthy at {url}; log:\n{log}")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if log_path:
            out.close()
        tmp.cleanup()
