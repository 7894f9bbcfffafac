"""The audit trail's hash chain (each entry holds the previous entry's hash) and its CSV/XLSX export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable

from store.records import AuditCheck, AuditEntry
from text.clock import beijing_time
from text.messages import msg

#: The hash before the first entry.
GENESIS = "0" * 64
#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def entry_hash(prev_hash: str, seq: int, at_utc: str, actor: str, action: str, object_type: str,
               object_id: str, summary: str) -> str:
    """SHA-256 (hex) of the previous hash and this entry's fields, as canonical JSON of the stored text."""
    body = json.dumps([seq, at_utc, actor, action, object_type, object_id, summary], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def verify_chain(rows: Iterable[tuple], head: tuple[int, str]) -> AuditCheck:
    """Check every entry: numbered 1, 2, 3 … without gaps, linked to the previous hash, hash matching its
    fields; and the last entry matching the chain head. ``rows``: (seq, at_utc, actor, action, object_type,
    object_id, summary, prev_hash, row_hash) in seq order; ``head``: (seq, hash) of the audit_head row."""
    previous, expected, count = GENESIS, 1, 0
    for seq, at, actor, action, otype, oid, summary, prev_hash, row_hash in rows:
        if seq != expected:
            return AuditCheck(False, count, expected, msg("aud_verify_broken", seq=expected,
                                                          reason=msg("aud_broken_gap", expected=expected)))
        if prev_hash != previous:
            return AuditCheck(False, count, seq, msg("aud_verify_broken", seq=seq,
                                                     reason=msg("aud_broken_link", previous=seq - 1)))
        if entry_hash(prev_hash, seq, at, actor, action, otype, oid, summary) != row_hash:
            return AuditCheck(False, count, seq, msg("aud_verify_broken", seq=seq, reason=msg("aud_broken_hash")))
        previous, expected, count = row_hash, expected + 1, count + 1
    if (count, previous) != (head[0], head[1]):
        broken = min(count, head[0]) + 1 if head[0] != count else max(count, 1)
        return AuditCheck(False, count, broken, msg("aud_verify_broken", seq=broken, reason=msg("aud_broken_head")))
    return AuditCheck(True, count, None, msg("aud_verify_ok", count=count))


def safe_cell(value: object) -> str:
    """A cell's text that no spreadsheet runs as a formula: a leading = + - @ tab or CR gets a ' before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


AUDIT_COLUMNS = ("seq", "time_beijing", "time_utc", "actor", "action", "object_type", "object_id", "summary",
                 "row_hash")


def audit_rows(entries: Iterable[AuditEntry], lang: str) -> list[list[str]]:
    """The entries as table rows (header first), summaries in ``lang``, every cell neutralised."""
    rows = [list(AUDIT_COLUMNS)]
    for e in entries:
        rows.append([safe_cell(v) for v in (e.seq, beijing_time(e.at_utc), e.at_utc, e.actor, e.action,
                                            e.object_type, e.object_id, e.summary.text(lang), e.row_hash)])
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
