"""The audit trail: its chain (each entry holds the previous entry's hash and a MAC keyed with the server's own key,
appended by the workspace's write transaction), the signed checkpoints of its head kept in an append-only file
beside the server, the repository that lists and verifies both (``ws.audit``), and its CSV/XLSX export.

The database holds neither the key nor the checkpoints: whoever can write the database can still delete or
change rows, but cannot make entries that pass the MAC, and cannot make the chain agree with the checkpoints
again after cutting off, recomputing or resetting it (docs/team-workspace.md, "What the audit trail proves").
Entries written before the MAC existed (a plain SHA-256 chain) stay readable and are checked as before.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy import text as sql_text

from store.records import AuditCheck, AuditEntry
from store.server_key import derived_key, key_id, state_dir
from text.clip import visible_controls
from text.clock import beijing_time, utc_now_iso
from text.messages import Message, message_from_json, msg

if TYPE_CHECKING:
    from store.workspace import Workspace

LOG = logging.getLogger("putuo.audit")

#: The hash before the first entry.
GENESIS = "0" * 64
#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: What the server's audit key is derived for (:func:`store.server_key.derived_key`).
KEY_PURPOSE = "putuo audit chain v1"

#: An entry's fields as stored, after its previous hash: seq, at_utc, actor, action, object_type, object_id, summary.
Mac = Callable[[str, int, str, str, str, str, str, str], str]


def _body(prev_hash: str, seq: int, at_utc: str, actor: str, action: str, otype: str, oid: str, summary: str) -> bytes:
    body = json.dumps([seq, at_utc, actor, action, otype, oid, summary], ensure_ascii=False, separators=(",", ":"))
    return f"{prev_hash}\n{body}".encode()


def entry_hash(
    prev_hash: str, seq: int, at_utc: str, actor: str, action: str, object_type: str, object_id: str, summary: str
) -> str:
    """SHA-256 (hex) of the previous hash and this entry's fields, as canonical JSON of the stored text (the
    entries written before the MAC; anyone can compute it, so alone it proves nothing against a database writer)."""
    return hashlib.sha256(_body(prev_hash, seq, at_utc, actor, action, object_type, object_id, summary)).hexdigest()


def entry_mac(key: bytes) -> Mac:
    """The function giving an entry's ``row_hash`` under ``key``: ``<key id>:<HMAC-SHA256 hex>`` of the same text
    :func:`entry_hash` covers. Only a holder of the key can make one."""
    kid = key_id(key)

    def mac(prev_hash: str, seq: int, at: str, actor: str, action: str, otype: str, oid: str, summary: str) -> str:
        body = _body(prev_hash, seq, at, actor, action, otype, oid, summary)
        return f"{kid}:{hmac.new(key, body, hashlib.sha256).hexdigest()}"

    return mac


#: The stored columns of an audit entry, in the order of the audit_log table.
ENTRY_COLUMNS = ("seq", "at_utc", "actor", "action", "object_type", "object_id", "summary", "prev_hash", "row_hash")


def chain_entries(
    head: tuple[int, str], pending: Sequence[tuple[str, str, str, str, str]], *, mac: Mac = entry_hash
) -> list[dict[str, Any]]:
    """The audit_log rows of ``pending`` entries (actor, action, object_type, object_id, summary as stored JSON
    text) appended after ``head`` (seq, hash of the last entry): numbered on, timed now, each chained by ``mac``
    (the workspace passes the server's keyed MAC, :meth:`Anchor.mac`)."""
    seq, last = head
    rows = []
    for actor, action, object_type, object_id, text_ in pending:
        seq, at = seq + 1, utc_now_iso()
        row_hash = mac(last, seq, at, actor, action, object_type, object_id, text_)
        rows.append(
            {
                "seq": seq,
                "at_utc": at,
                "actor": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "summary": text_,
                "prev_hash": last,
                "row_hash": row_hash,
            }
        )
        last = row_hash
    return rows


@cache
def append_statement(n: int) -> Any:
    """PostgreSQL: move the audit head from ``old_seq`` and insert ``n`` chained entries, in one statement
    (nothing is inserted when another writer moved the head first)."""
    values = ", ".join(
        "(" + ", ".join(f"CAST(:{c}{i} AS {'integer' if c == 'seq' else 'text'})" for c in ENTRY_COLUMNS) + ")"
        for i in range(n)
    )
    return sql_text(f"""WITH moved AS (UPDATE audit_head SET seq = :new_seq, hash = :new_hash
                                   WHERE id = 1 AND seq = :old_seq RETURNING id)
                    INSERT INTO audit_log ({", ".join(ENTRY_COLUMNS)})
                    SELECT v.* FROM (VALUES {values}) AS v({", ".join(ENTRY_COLUMNS)})
                    WHERE EXISTS (SELECT 1 FROM moved)""")


# --- the anchor outside the database --------------------------------------------------------------------------
@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint: after entry ``seq`` the chain's head was ``head``, at ``at_utc``; ``line`` of the file."""

    line: int
    seq: int
    head: str
    at_utc: str


class Anchor:
    """The audit chain's anchor outside the database, for one workspace: the MAC key (derived from the server's
    secret, :mod:`store.server_key`) and the append-only checkpoint file
    ``<PUTUO_STATE_DIR>/audit/<workspace id>.checkpoints`` (one JSON line per write transaction: count, head
    hash, UTC time, the key's id and a MAC over them). The workspace id is a hash of where the workspace is
    (the file path, or the database address without password)."""

    def __init__(self, where: str, env: Mapping[str, str] | None = None) -> None:
        self.where = where
        self._env = dict(os.environ if env is None else env)
        name = hashlib.sha256(where.encode()).hexdigest()[:20]
        self.path = state_dir(self._env) / "audit" / f"{name}.checkpoints"
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The MAC key (StoreError when the server's secret cannot be read or made)."""
        if self._key is None:
            self._key = derived_key(KEY_PURPOSE, self._env)
        return self._key

    @property
    def kid(self) -> str:
        return key_id(self.key)

    def mac(self) -> Mac:
        """The entry MAC under this server's key (for :func:`chain_entries`)."""
        return entry_mac(self.key)

    def _line_mac(self, fields: list) -> str:
        body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
        return hmac.new(self.key, b"checkpoint\n" + body, hashlib.sha256).hexdigest()

    def write(self, seq: int, head: str) -> None:
        """Append a signed checkpoint of the head (one ``write`` of one line with O_APPEND, then fsync, so lines of
        several processes never mix). Called after the commit: a checkpoint never names a head that was not
        committed. A failure is logged, never raised — the change is already saved."""
        at = utc_now_iso()
        fields = [1, self.where, seq, head, at, self.kid]
        line = json.dumps(
            {
                "v": 1,
                "where": self.where,
                "seq": seq,
                "head": head,
                "at": at,
                "kid": self.kid,
                "mac": self._line_mac(fields),
            },
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            LOG.warning("audit checkpoint not written to %s: %s", self.path, exc.strerror or exc)

    def read(self) -> tuple[list[Checkpoint], list[Message]]:
        """The checkpoints of this workspace signed by this server's key, and the problems found in the file (a
        line whose MAC is wrong: the file was edited). Lines of another key, and lines that are no complete JSON
        (cut short by a crash), are skipped."""
        found: list[Checkpoint] = []
        problems: list[Message] = []
        try:
            with open(self.path, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return found, problems
        except OSError as exc:
            return found, [msg("aud_cp_unreadable", file=str(self.path), reason=exc.strerror or type(exc).__name__)]
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                d = json.loads(raw)
                seq, head, at, kid = int(d["seq"]), str(d["head"]), str(d["at"]), str(d["kid"])
                fields = [int(d["v"]), str(d["where"]), seq, head, at, kid]
                mac = str(d["mac"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash (power loss mid-write): no claim, so nothing to check
            if kid != self.kid:
                continue  # another key's checkpoint (a server with another secret): not ours to judge
            if not hmac.compare_digest(mac, self._line_mac(fields)) or fields[1] != self.where:
                problems.append(msg("aud_cp_bad_line", line=number, file=str(self.path)))
                continue
            found.append(Checkpoint(number, seq, head, at))
        return found, problems


def verify_chain(
    rows: Iterable[tuple],
    head: tuple[int, str],
    *,
    key: bytes | None = None,
    checkpoints: Sequence[Checkpoint] = (),
    checkpoint_file: str = "",
) -> AuditCheck:
    """Check every entry: numbered 1, 2, 3 … without gaps, linked to the previous hash, its MAC (or, for entries
    from before the MAC, its SHA-256) matching its fields, no entry without a MAC after one with; the last entry
    matching the chain head; and every checkpoint matching the entry it names, none naming an entry that is
    gone. ``rows``: (seq, at_utc, actor, action, object_type, object_id, summary, prev_hash, row_hash) in seq
    order; ``head``: (seq, hash) of the audit_head row; ``key``: the server's audit key (None: keyed entries
    cannot be checked and are reported)."""
    mac = entry_mac(key) if key is not None else None
    kid = key_id(key) if key is not None else "–"
    by_seq: dict[int, list[Checkpoint]] = {}
    for cp in checkpoints:
        by_seq.setdefault(cp.seq, []).append(cp)
    latest = max(checkpoints, key=lambda c: (c.seq, c.at_utc), default=None)
    extra: dict[str, Any] = {
        "checkpoints": len(checkpoints),
        "latest_checkpoint": (latest.seq, latest.head, latest.at_utc) if latest else None,
        "checkpoint_file": checkpoint_file,
    }
    previous, expected, count = GENESIS, 1, 0
    keyed_from: int | None = None

    def broken(seq: int, reason: Message) -> AuditCheck:
        return AuditCheck(
            False,
            count,
            seq,
            msg("aud_verify_tampered", seq=seq, reason=reason, advice=msg("aud_tamper_advice", seq=seq)),
            keyed_from=keyed_from,
            **extra,
        )

    for seq, at, actor, action, otype, oid, summary, prev_hash, row_hash in rows:
        if seq != expected:
            return broken(expected, msg("aud_broken_gap", expected=expected))
        if prev_hash != previous:
            return broken(seq, msg("aud_broken_link", previous=seq - 1))
        fields = (prev_hash, seq, at, actor, action, otype, oid, summary)
        fault = _entry_fault(fields, row_hash, mac=mac, kid=kid, keyed_from=keyed_from)
        if fault is not None:
            return broken(seq, fault)
        if keyed_from is None and ":" in row_hash:
            keyed_from = seq
        for cp in by_seq.get(seq, ()):
            if cp.head != row_hash:
                return broken(seq, msg("aud_broken_checkpoint", at=beijing_time(cp.at_utc), line=cp.line))
        previous, expected, count = row_hash, expected + 1, count + 1
    if (count, previous) != (head[0], head[1]):
        at = min(count, head[0]) + 1 if head[0] != count else max(count, 1)
        return broken(at, msg("aud_broken_head"))
    if latest is not None and latest.seq > count:
        return broken(
            count + 1,
            msg("aud_broken_cut", at=beijing_time(latest.at_utc), recorded=latest.seq, count=count, line=latest.line),
        )
    return AuditCheck(True, count, None, _ok_message(count, keyed_from, latest, extra), keyed_from=keyed_from, **extra)


def _entry_fault(
    fields: tuple[str, int, str, str, str, str, str, str],
    row_hash: str,
    *,
    mac: Mac | None,
    kid: str,
    keyed_from: int | None,
) -> Message | None:
    """What is wrong with one entry's own hash or MAC (``fields``: previous hash, seq, stored fields), or None."""
    if ":" in row_hash:
        found_kid = row_hash.split(":", 1)[0]
        if mac is None or found_kid != kid:
            return msg("aud_broken_foreign_key", found=visible_controls(found_kid[:20]), expected=kid)
        if not hmac.compare_digest(mac(*fields), row_hash):
            return msg("aud_broken_mac")
        return None
    if keyed_from is not None:
        return msg("aud_broken_unkeyed", first=keyed_from)
    if entry_hash(*fields) != row_hash:
        return msg("aud_broken_hash")
    return None


def _ok_message(count: int, keyed_from: int | None, latest: Checkpoint | None, extra: dict[str, Any]) -> Message:
    if latest is None:
        anchor = msg("aud_anchor_none", file=extra["checkpoint_file"] or "–")
    else:
        anchor = msg("aud_anchor_ok", n=extra["checkpoints"], seq=latest.seq, at=beijing_time(latest.at_utc))
    legacy = (count if keyed_from is None else keyed_from - 1) if count else 0
    keyed = msg("aud_keyed_from", first=keyed_from, legacy=legacy) if keyed_from else msg("aud_keyed_none")
    return msg("aud_verify_anchored", result=msg("aud_verify_ok", count=count), keyed=keyed, anchor=anchor)


class AuditRepository:
    """The audit trail of one workspace (``ws.audit``): its entries, filtered, and the check of its chain."""

    def __init__(self, ws: Workspace) -> None:
        self._ws, self.t = ws, ws.t

    def entries(
        self,
        *,
        actor: str | None = None,
        object_id: str | None = None,
        object_type: str | None = None,
        action_prefix: str | None = None,
        since_utc: str | None = None,
        until_utc: str | None = None,
        limit: int = 1000,
        newest_first: bool = True,
    ) -> list[AuditEntry]:
        """Audit entries matching every given filter (times: UTC ISO text, ``until`` exclusive)."""
        al = self.t.audit_log
        query = select(al)
        if actor is not None:
            query = query.where(al.c.actor == actor)
        if object_id is not None:
            query = query.where(al.c.object_id == object_id)
        if object_type is not None:
            query = query.where(al.c.object_type == object_type)
        if since_utc is not None:
            query = query.where(al.c.at_utc >= since_utc)
        if until_utc is not None:
            query = query.where(al.c.at_utc < until_utc)
        if action_prefix:
            query = query.where(al.c.action.startswith(action_prefix, autoescape=True))
        query = query.order_by(al.c.seq.desc() if newest_first else al.c.seq).limit(max(1, min(int(limit), 100_000)))
        with self._ws.read() as conn:
            return [
                AuditEntry(
                    r.seq,
                    r.at_utc,
                    r.actor,
                    r.action,
                    r.object_type,
                    r.object_id,
                    message_from_json(r.summary),
                    r.prev_hash,
                    r.row_hash,
                )
                for r in conn.execute(query)
            ]

    def verify(self) -> AuditCheck:
        """Walk the whole chain and compare it with the signed checkpoints beside the server: the first broken
        entry (edited, removed, inserted, re-chained, cut off, reset) is named, and what to do.

        Raises
        ------
        StoreError
            The server's key cannot be read (``anchor_key_*``): nothing can be proven then.
        """
        al = self.t.audit_log
        anchor = self._ws.anchor
        key = anchor.key
        checkpoints, problems = anchor.read()
        if problems:
            return AuditCheck(
                False,
                0,
                None,
                msg("aud_cp_tampered", problem=problems[0], count=len(problems), file=str(anchor.path)),
                checkpoint_file=str(anchor.path),
            )
        with self._ws.read() as conn:
            head = conn.execute(select(self.t.audit_head.c.seq, self.t.audit_head.c.hash)).one()
            rows = conn.execute(
                select(*(al.c[name] for name in ENTRY_COLUMNS)).order_by(al.c.seq).execution_options(yield_per=2000)
            )
            return verify_chain(
                (tuple(r) for r in rows),
                (head[0], head[1]),
                key=key,
                checkpoints=checkpoints,
                checkpoint_file=str(anchor.path),
            )


def safe_cell(value: object) -> str:
    """A cell's text that no spreadsheet runs as a formula: a leading = + - @ tab or CR gets a ' before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


AUDIT_COLUMNS = (
    "seq",
    "time_beijing",
    "time_utc",
    "actor",
    "action",
    "object_type",
    "object_id",
    "summary",
    "row_hash",
)


def audit_rows(entries: Iterable[AuditEntry], lang: str) -> list[list[str]]:
    """The entries as table rows (header first), summaries in ``lang``, every cell neutralised."""
    rows = [list(AUDIT_COLUMNS)]
    for e in entries:
        rows.append(
            [
                safe_cell(visible_controls(v) if isinstance(v, str) else v)  # shown as received, never acted on
                for v in (
                    e.seq,
                    beijing_time(e.at_utc),
                    e.at_utc,
                    e.actor,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.summary.text(lang),
                    e.row_hash,
                )
            ]
        )
    return rows


def audit_csv(entries: Iterable[AuditEntry], *, lang: str = "zh") -> bytes:
    """The entries as UTF-8 CSV with a BOM (Excel opens Chinese correctly), no cell starting like a formula."""
    buf = io.StringIO()
    csv.writer(buf).writerows(audit_rows(entries, lang))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def audit_xlsx(entries: Iterable[AuditEntry], *, lang: str = "zh") -> bytes:
    """The entries as an XLSX workbook whose cells are all text (never a formula)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("audit")
    for row in audit_rows(entries, lang):
        cells = []
        for value in row:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # text, even for '=...' (already prefixed with ')
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
