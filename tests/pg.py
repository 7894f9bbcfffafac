"""A throw-away PostgreSQL + PostGIS cluster for tests and benchmarks (Debian's postgresql-15-postgis-3).

initdb and pg_ctl refuse to run as root, so as root they run as the ``postgres`` user (runuser); the data
directory and the socket live in a fresh folder under /tmp owned by that user; the server listens on
127.0.0.1 on a free port with trust authentication. A missing PostgreSQL or PostGIS raises (a test FAILURE).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.live_app import free_port


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin folder. Raises RuntimeError naming the packages to install."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: run `bash scripts/setup.sh --dev` (apt packages "
            "postgresql and postgresql-15-postgis-3)"
        )
    return Path(found[-1]).parent


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@contextmanager
def postgis_cluster() -> Iterator[str]:
    """Start a cluster, create the database ``putuo`` with PostGIS, yield its URL; stop and delete it after."""
    bindir = pg_bin()
    owner = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="putuo-pg-"))
    data = base / "data"
    if owner:
        pw = pwd.getpwnam(owner)
        os.chown(base, pw.pw_uid, pw.pw_gid)
    port = free_port()
    started = False
    try:
        subprocess.run(
            _as_owner(
                [str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-E", "UTF8", "--locale=C", "-U", "postgres"],
                owner,
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(base / "server.log"),
                    "-w",
                    "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                    "start",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        started = True
        psql = [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
        subprocess.run(
            [*psql, "-d", "postgres", "-c", "CREATE DATABASE putuo"], check=True, capture_output=True, text=True
        )
        out = subprocess.run([*psql, "-d", "putuo", "-c", "CREATE EXTENSION postgis"], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"PostGIS is not installed (apt package postgresql-15-postgis-3): {out.stderr.strip()}")
        yield f"postgresql://postgres@127.0.0.1:{port}/putuo"
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"starting PostgreSQL failed: {exc.cmd[-1] if exc.cmd else ''}: {exc.stderr}") from exc
    finally:
        if started:
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner),
                capture_output=True,
            )
        shutil.rmtree(base, ignore_errors=True)


def psql(url: str, sql: str) -> str:
    """Run ``sql`` with psql against ``url`` (as the superuser); return its output. Raises on error."""
    from sqlalchemy import make_url

    u = make_url(url)
    out = subprocess.run(
        [
            str(pg_bin() / "psql"),
            "-h",
            u.host or "127.0.0.1",
            "-p",
            str(u.port),
            "-U",
            u.username or "postgres",
            "-d",
            u.database or "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def fresh_database(url: str, name: str) -> str:
    """A new empty database with PostGIS on the cluster of ``url``; its URL."""
    from sqlalchemy import make_url

    psql(url, f'CREATE DATABASE "{name}"')
    new = make_url(url).set(database=name)
    psql(new.render_as_string(hide_password=False), "CREATE EXTENSION postgis")
    return new.render_as_string(hide_password=False)


def template_database(url: str, name: str = "putuo_template") -> str:
    """A database on the cluster of ``url`` with PostGIS and the workspace schema already migrated, to copy
    with :func:`database_from_template` (a file copy: much faster than migrating each test's database)."""
    from store import open_workspace

    new = fresh_database(url, name)
    open_workspace(url=new, cached=False).close()
    return new


def database_from_template(url: str, template: str, name: str) -> str:
    """A new database copied from ``template`` (no connection to the template may be open)."""
    from sqlalchemy import make_url

    psql(url, f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)
