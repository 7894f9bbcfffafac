"""scripts/pg_roles.sql on a real PostgreSQL: afterwards the app's role does its ordinary work (accounts, sign-in,
the audit chain and its checkpoints) but can neither change, delete nor truncate audit entries, nor switch off or
rewrite the append-only trigger — which the app's own role could do before (it owned the tables)."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError

from store import accounts as acct
from store import open_workspace
from tests.live_app import ROOT
from tests.pg import database_from_template, pg_bin, psql

PASSWORD = "correct horse 1"
ATTACKS = {
    "update": "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
    "delete": "DELETE FROM audit_log WHERE seq = 1",
    "truncate": "TRUNCATE audit_log",
    "disable trigger": "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "drop trigger": "DROP TRIGGER audit_log_append_only ON audit_log",
    "rewrite trigger function": "CREATE OR REPLACE FUNCTION putuo_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
    "drop table": "DROP TABLE audit_log",
}


@pytest.fixture
def app_and_owner(postgis_url, postgis_template):
    """A fresh workspace database whose tables the setup's superuser made; an app role (login) and an owner role."""
    db_url = database_from_template(postgis_url, postgis_template, "r_" + uuid.uuid4().hex[:12])
    app_role, owner_role = "app_" + uuid.uuid4().hex[:8], "own_" + uuid.uuid4().hex[:8]
    psql(postgis_url, f"CREATE ROLE {app_role} LOGIN")
    return db_url, app_role, owner_role


def apply_roles(db_url: str, app_role: str, owner_role: str) -> None:
    u = make_url(db_url)
    subprocess.run(
        [
            str(pg_bin() / "psql"),
            "-h", u.host or "127.0.0.1", "-p", str(u.port), "-U", u.username or "postgres", "-d", u.database or "",
            "-v", "ON_ERROR_STOP=1", "-v", f"app_role={app_role}", "-v", f"owner_role={owner_role}",
            "-f", str(ROOT / "scripts" / "pg_roles.sql"),
        ],
        check=True, capture_output=True, text=True,
    )  # fmt: skip


def as_role(db_url: str, role: str) -> str:
    return make_url(db_url).set(username=role).render_as_string(hide_password=False)


def refused(url: str, sql: str) -> bool:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
        return False
    except ProgrammingError as exc:
        return "permission denied" in str(exc) or "must be owner" in str(exc)
    finally:
        engine.dispose()


def test_before_the_script_the_apps_own_role_can_switch_off_the_trigger(app_and_owner):
    db_url, app_role, _ = app_and_owner
    psql(db_url, f"ALTER TABLE audit_log OWNER TO {app_role}")  # what the app's migration leaves: it owns the table
    assert not refused(as_role(db_url, app_role), ATTACKS["disable trigger"])


def test_after_the_script_the_app_works_but_cannot_touch_the_audit_trail(app_and_owner):
    db_url, app_role, owner_role = app_and_owner
    apply_roles(db_url, app_role, owner_role)
    url = as_role(db_url, app_role)
    ws = open_workspace(url=url, cached=False)
    try:
        acct.add_account(ws, "ada", "admin", actor="cli:test", password=PASSWORD)
        acct.authenticate(ws, "ada", PASSWORD, policy=acct.LoginPolicy(), client="10.0.0.1")
        with pytest.raises(Exception):  # noqa: B017 - a wrong password: refused and audited, as always
            acct.authenticate(ws, "ada", "wrong password", policy=acct.LoginPolicy(), client="10.0.0.1")
        check = ws.audit.verify()
        assert check.ok and check.count >= 3
    finally:
        ws.close()
    for what, sql in ATTACKS.items():
        assert refused(url, sql), what
    owner_tables = psql(db_url, "SELECT tableowner FROM pg_tables WHERE tablename IN ('audit_log', 'audit_head')")
    assert set(owner_tables.split()) == {owner_role}
