"""The audit trail: its hash chain (each entry holds the previous entry's hash; appended by the workspace's write
transaction), the repository that lists and verifies it (``ws.audit``), and its CSV/XLSX export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy import text as sql_text

from store.records import AuditCheck, AuditEntry
from text.clip import visible_controls
from text.clock import beijing_time, utc_now_iso
from text.messages import message_from_json, msg

if TYPE_CHECKING:
    from store.workspace import Workspace

#: The hash before the first entry.
GENESIS = "0" * 64
#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def entry_hash(
    prev_hash: str, seq: int, at_utc: str, actor: str, action: str, object_type: str, object_id: str, summary: str
) -> str:
    """SHA-256 (hex) of the previous hash and this entry's fields, as canonical JSON of the stored text."""
    body = json.dumps(
        [seq, at_utc, actor, action, object_type, object_id, summary], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


#: The stored columns of an audit entry, in the order of the audit_log table.
ENTRY_COLUMNS = ("seq", "at_utc", "actor", "action", "object_type", "object_id", "summary", "prev_hash", "row_hash")


def chain_entries(head: tuple[int, str], pending: Sequence[tuple[str, str, str, str, str]]) -> list[dict[str, Any]]:
    """The audit_log rows of ``pending`` entries (actor, action, object_type, object_id, summary as stored JSON
    text) appended after ``head`` (seq, hash of the last entry): numbered on, timed now, each hash chained."""
    seq, last = head
    rows = []
    for actor, action, object_type, object_id, text_ in pending:
        seq, at = seq + 1, utc_now_iso()
        row_hash = entry_hash(last, seq, at, actor, action, object_type, object_id, text_)
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


def verify_chain(rows: Iterable[tuple], head: tuple[int, str]) -> AuditCheck:
    """Check every entry: numbered 1, 2, 3 … without gaps, linked to the previous hash, hash matching its
    fields; and the last entry matching the chain head. ``rows``: (seq, at_utc, actor, action, object_type,
    object_id, summary, prev_hash, row_hash) in seq order; ``head``: (seq, hash) of the audit_head row."""
    previous, expected, count = GENESIS, 1, 0
    for seq, at, actor, action, otype, oid, summary, prev_hash, row_hash in rows:
        if seq != expected:
            return AuditCheck(
                False,
                count,
                expected,
                msg("aud_verify_broken", seq=expected, reason=msg("aud_broken_gap", expected=expected)),
            )
        if prev_hash != previous:
            return AuditCheck(
                False, count, seq, msg("aud_verify_broken", seq=seq, reason=msg("aud_broken_link", previous=seq - 1))
            )
        if entry_hash(prev_hash, seq, at, actor, action, otype, oid, summary) != row_hash:
            return AuditCheck(False, count, seq, msg("aud_verify_broken", seq=seq, reason=msg("aud_broken_hash")))
        previous, expected, count = row_hash, expected + 1, count + 1
    if (count, previous) != (head[0], head[1]):
        broken = min(count, head[0]) + 1 if head[0] != count else max(count, 1)
        return AuditCheck(False, count, broken, msg("aud_verify_broken", seq=broken, reason=msg("aud_broken_head")))
    return AuditCheck(True, count, None, msg("aud_verify_ok", count=count))


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
        """Walk the whole hash chain; the first broken entry (edited, removed, inserted) is named."""
        al = self.t.audit_log
        with self._ws.read() as conn:
            head = conn.execute(select(self.t.audit_head.c.seq, self.t.audit_head.c.hash)).one()
            rows = conn.execute(
                select(*(al.c[name] for name in ENTRY_COLUMNS)).order_by(al.c.seq).execution_options(yield_per=2000)
            )
            return verify_chain((tuple(r) for r in rows), (head[0], head[1]))


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
