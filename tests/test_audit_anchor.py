"""The audit trail anchored outside the database, on both engines: a MAC under the server's key and signed checkpoints
beside the server catch whoever rewrites the database (cut off the newest entries, recompute the chain, delete the
failed sign-ins and re-chain, wipe and reset to genesis, forge with a guessed key); older unkeyed entries stay
readable; the checkpoint file and the key file are guarded."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from gis.errors import StoreError
from store import open_workspace
from store.audit import ENTRY_COLUMNS, GENESIS, entry_hash, entry_mac
from store.server_key import server_secret
from tests.pg import database_from_template
from text.messages import msg


@pytest.fixture(params=["geopackage", "postgis"])
def location(request, tmp_path) -> dict:
    if request.param == "geopackage":
        return {"path": tmp_path / "ws.gpkg"}
    url = request.getfixturevalue("postgis_url")
    template = request.getfixturevalue("postgis_template")
    return {"url": database_from_template(url, template, "a_" + uuid.uuid4().hex[:12])}


@pytest.fixture
def ws(location):
    workspace = open_workspace(**location, cached=False)
    yield workspace
    workspace.close()


def record(ws, actor: str, action: str, object_id: str = "x") -> None:
    """One write transaction with one audit entry (what every change of the app does)."""
    with ws.write(msg("act_login")) as tx:
        tx.audit(actor, action, "account", object_id, msg("aud_login_failed", name=actor))


def busy_trail(ws) -> int:
    """A trail of sign-ins, failed sign-ins and changes; returns its length."""
    for i in range(3):
        record(ws, "ada", "auth.login")
        record(ws, "mallory", "auth.login_failed", "ada")
        record(ws, "ada", "settings.change", f"k{i}")
    return ws.audit.verify().count


INSERT = text(
    f"INSERT INTO audit_log ({', '.join(ENTRY_COLUMNS)}) VALUES ({', '.join(':' + c for c in ENTRY_COLUMNS)})"
)


def rows(ws) -> list[dict]:
    with ws.backend.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY seq"))]


def rewrite(ws, new_rows: list[dict], *, mac=entry_hash, head: tuple[int, str] | None = None) -> None:
    """What a database writer can do today: replace the whole trail by ``new_rows`` (renumbered, each hash
    recomputed with ``mac``), move the head to its end (or to ``head``), with the append-only triggers off."""
    with ws.backend.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER ALL"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log"))
        previous = GENESIS
        for seq, r in enumerate(new_rows, start=1):
            fields = (seq, r["at_utc"], r["actor"], r["action"], r["object_type"], r["object_id"], r["summary"])
            row_hash = mac(previous, *fields)
            conn.execute(
                INSERT,
                dict(zip(ENTRY_COLUMNS, (*fields, previous, row_hash))),
            )
            previous = row_hash
        seq, hash_ = head or (len(new_rows), previous)
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": seq, "h": hash_})
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER ALL"))


def cut_tail(ws, n: int) -> None:
    """Delete the newest ``n`` entries and move the head back onto the entry before them (no recomputing)."""
    kept = rows(ws)[:-n]
    with ws.backend.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER ALL"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": len(kept)})
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
            {"s": len(kept), "h": kept[-1]["row_hash"]},
        )


def verify_cli(location: dict, monkeypatch, capsys) -> tuple[int, dict]:
    """``python -m gis audit verify --json`` (in this process) against the workspace."""
    from cli.audit import main

    monkeypatch.setenv("PUTUO_LANG", "en")
    args = ["--database-url", location["url"]] if "url" in location else ["--workspace", str(location["path"])]
    capsys.readouterr()
    code = main([*args, "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


# --- each manipulation of the issue is caught -------------------------------------------------------------------
def test_an_untouched_trail_verifies_against_its_checkpoints(ws, location, monkeypatch, capsys):
    n = busy_trail(ws)
    check = ws.audit.verify()
    assert check.ok and check.count == n and check.checkpoints >= 9 and check.latest_checkpoint[0] == n
    assert "agrees with" in check.message.text("en") and "MAC" in check.message.text("en")
    code, out = verify_cli(location, monkeypatch, capsys)
    assert code == 0 and out["ok"] and out["count"] == n and out["latest_checkpoint"]["count"] == n


def test_cutting_off_the_newest_entries_and_moving_the_head_is_caught(ws, location, monkeypatch, capsys):
    n = busy_trail(ws)
    cut_tail(ws, 2)
    check = ws.audit.verify()
    assert not check.ok and check.broken_seq == n - 1
    assert f"records {n} entries, but only {n - 2} remain" in check.message.text("en")
    assert "What to do" in check.message.text("en")
    code, out = verify_cli(location, monkeypatch, capsys)
    assert (
        code == 1 and not out["ok"] and out["broken_seq"] == n - 1 and "newest entries were removed" in out["message"]
    )


def test_recomputing_the_chain_after_an_edit_is_caught(ws):
    busy_trail(ws)
    trail = rows(ws)
    trail[3]["actor"] = "somebody else"
    rewrite(ws, trail)  # the way anyone can compute it: plain SHA-256, no key
    check = ws.audit.verify()
    assert not check.ok and check.broken_seq is not None and check.broken_seq <= 4


def test_deleting_the_failed_sign_ins_and_re_chaining_is_caught(ws):
    busy_trail(ws)
    trail = [r for r in rows(ws) if r["action"] != "auth.login_failed"]
    rewrite(ws, trail)
    check = ws.audit.verify()
    assert not check.ok
    assert ws.audit.entries(action_prefix="auth.login_failed") == []  # really gone from the database ...
    assert "altered at entry" in check.message.text("en")  # ... and that is said


def test_wiping_everything_and_resetting_to_genesis_is_caught(ws, location, monkeypatch, capsys):
    n = busy_trail(ws)
    rewrite(ws, [], head=(0, GENESIS))
    check = ws.audit.verify()
    assert not check.ok and check.count == 0 and check.broken_seq == 1
    assert f"records {n} entries, but only 0 remain" in check.message.text("en")
    code, out = verify_cli(location, monkeypatch, capsys)
    assert code == 1 and out["count"] == 0 and "reset" in out["message"]


def test_re_chaining_with_a_guessed_key_in_the_mac_format_is_caught(ws):
    busy_trail(ws)
    trail = rows(ws)
    kid = trail[-1]["row_hash"].split(":")[0]
    forged = entry_mac(b"a guess")

    def same_id(*fields):  # even the right key id in front: the MAC itself cannot be made without the key
        return kid + ":" + forged(*fields).split(":", 1)[1]

    rewrite(ws, trail[:-1], mac=same_id)
    check = ws.audit.verify()
    assert not check.ok and check.broken_seq is not None
    assert "MAC" in check.message.text("en")


def test_a_row_inserted_in_the_right_format_without_the_key_is_caught_at_once(ws):
    busy_trail(ws)
    last = rows(ws)[-1]
    with ws.backend.engine.begin() as conn:
        seq = last["seq"] + 1
        fields = (seq, last["at_utc"], "ada", "account.add", "account", "eve", last["summary"])
        forged = entry_mac(b"no key")(last["row_hash"], *fields)
        conn.execute(
            INSERT,
            dict(zip(ENTRY_COLUMNS, (*fields, last["row_hash"], forged))),
        )
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": seq, "h": forged})
    check = ws.audit.verify()
    assert not check.ok and check.broken_seq == seq and "another key" in check.message.text("en")


# --- older workspaces, the files beside the server ------------------------------------------------------------
def test_an_older_unkeyed_trail_stays_readable_and_keyed_entries_follow_it(ws):
    busy_trail(ws)
    legacy = rows(ws)
    rewrite(ws, legacy)  # what the app wrote before the MAC: a plain SHA-256 chain ...
    ws.anchor.path.unlink()  # ... and no checkpoints
    check = ws.audit.verify()
    assert check.ok and check.keyed_from is None and check.checkpoints == 0
    assert "cannot be proven complete" in check.message.text("en")
    record(ws, "ada", "auth.login")
    check = ws.audit.verify()
    assert check.ok and check.keyed_from == len(legacy) + 1 and check.checkpoints == 1
    assert f"the {len(legacy)} before are of the older kind" in check.message.text("en")
    # re-chaining the whole trail without the key now drops the MACs: said even before the checkpoints are read
    rewrite(ws, rows(ws)[: len(legacy)] + rows(ws)[len(legacy) :])
    assert not ws.audit.verify().ok


def test_an_edited_checkpoint_file_is_reported(ws):
    busy_trail(ws)
    path = ws.anchor.path
    lines = path.read_text().splitlines()
    d = json.loads(lines[2])
    d["seq"] = 1
    lines[2] = json.dumps(d)
    path.write_text("\n".join(lines) + "\n")
    check = ws.audit.verify()
    assert (
        not check.ok
        and "checkpoint file was altered" in check.message.text("en")
        and "line 3" in check.message.text("en")
    )


def test_a_checkpoint_line_cut_off_by_a_crash_is_no_tampering(ws):
    busy_trail(ws)
    with open(ws.anchor.path, "a") as f:
        f.write('{"v": 1, "where": "x", "se\n')  # power lost mid-write; later lines follow it
    record(ws, "ada", "auth.login")
    check = ws.audit.verify()
    assert check.ok and check.latest_checkpoint[0] == check.count


def test_checkpoint_and_key_files_are_only_the_servers_to_read(ws):
    record(ws, "ada", "auth.login")
    key_file = Path(os.environ["PUTUO_STATE_DIR"]) / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(ws.anchor.path.stat().st_mode) == 0o600
    before = ws.anchor.path.read_text().count("\n")
    record(ws, "ada", "auth.logout")
    record(ws, "ada", "auth.login")
    assert ws.anchor.path.read_text().count("\n") == before + 2  # one line per write transaction


def test_a_key_file_others_can_read_is_refused_and_a_missing_one_is_made(tmp_path):
    env = {"PUTUO_STATE_DIR": str(tmp_path / "state")}
    key = server_secret(env)
    assert server_secret(env) == key and len(key) == 64  # made once, then read
    path = tmp_path / "state" / "secret.key"
    os.chmod(path, 0o644)
    with pytest.raises(StoreError) as err:
        server_secret(env)
    assert err.value.code == "anchor_key_mode" and "chmod 600" in err.value.text("en")


def test_the_key_never_reaches_the_database(ws):
    record(ws, "ada", "auth.login")
    secret = server_secret()
    if "url" not in ws.backend.where and Path(ws.backend.where).exists():
        assert secret not in Path(ws.backend.where).read_bytes()
    with ws.backend.engine.connect() as conn:
        for table in ("audit_log", "audit_head"):
            dump = " ".join(str(v) for r in conn.execute(text(f"SELECT * FROM {table}")) for v in r)
            assert secret.decode() not in dump


def test_another_servers_key_cannot_vouch_for_the_trail(location, monkeypatch):
    first = open_workspace(**location, cached=False)
    record(first, "ada", "auth.login")
    first.close()
    monkeypatch.setenv("PUTUO_SECRET_KEY", "another server's secret " * 2)
    second = open_workspace(**location, cached=False)
    try:
        check = second.audit.verify()
        assert not check.ok and "another key" in check.message.text("en")
    finally:
        second.close()


def test_verify_json_says_why_it_could_not_check(tmp_path, monkeypatch, capsys):
    from cli.audit import main

    state = tmp_path / "state"
    state.mkdir()
    (state / "secret.key").write_text("a" * 64)
    os.chmod(state / "secret.key", 0o644)
    monkeypatch.setenv("PUTUO_STATE_DIR", str(state))
    monkeypatch.delenv("PUTUO_SECRET_KEY", raising=False)
    monkeypatch.setenv("PUTUO_LANG", "en")
    capsys.readouterr()
    code = main(["--workspace", str(tmp_path / "ws.gpkg"), "verify", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2 and out == {"ok": False, "error": "anchor_key_mode", "message": out["message"]}
    assert "chmod 600" in out["message"]
