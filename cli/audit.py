"""`python -m gis audit verify|export|list`: check the audit trail's chain and its signed checkpoints beside the
server, export or show entries.

Exit codes of ``verify``: 0 intact, 1 tampered (the message names the first entry and what to do), 2 it could not be
checked (the workspace or the server's key cannot be read). ``--json`` prints one JSON object on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from cli.common import add_workspace_options, fail, lang, open_from_args
from gis.errors import PlannerError
from store.audit import audit_csv, audit_xlsx
from text.clip import visible_controls
from text.clock import beijing_days_utc, beijing_time


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text[:20]!r}") from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gis audit", description="Verify or export the audit trail.")
    add_workspace_options(p)
    sub = p.add_subparsers(dest="command", required=True)
    verify = sub.add_parser(
        "verify",
        help="check the chain and the server's checkpoints: exit 0 when intact, 1 naming the first broken entry",
    )
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    for name, text in (("export", "write entries to CSV or XLSX"), ("list", "print the newest entries")):
        s = sub.add_parser(name, help=text)
        s.add_argument("--actor", help="only this user's entries")
        s.add_argument("--object", dest="object_id", help="only entries about this object (scenario id, layer, …)")
        s.add_argument("--since", type=_day, help="from this day (Beijing time), YYYY-MM-DD")
        s.add_argument("--until", type=_day, help="up to and including this day (Beijing time)")
        if name == "export":
            fmt = s.add_mutually_exclusive_group(required=True)
            fmt.add_argument("--csv", metavar="FILE", help="CSV file ('-' for standard output)")
            fmt.add_argument("--xlsx", metavar="FILE", help="XLSX file")
        else:
            s.add_argument("--limit", type=int, default=50)
    return p


def _filters(args: argparse.Namespace) -> dict:
    since_utc, until_utc = beijing_days_utc(args.since, args.until)
    return {"actor": args.actor, "object_id": args.object_id, "since_utc": since_utc, "until_utc": until_utc}


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        ws = open_from_args(args)
        if args.command == "verify":
            check = ws.audit.verify()
            if args.json:
                latest = check.latest_checkpoint
                print(
                    json.dumps(
                        {
                            "ok": check.ok,
                            "count": check.count,
                            "broken_seq": check.broken_seq,
                            "message": check.message.text(lang()),
                            "keyed_from": check.keyed_from,
                            "checkpoints": check.checkpoints,
                            "latest_checkpoint": (
                                {"count": latest[0], "head": latest[1], "at_utc": latest[2]} if latest else None
                            ),
                            "checkpoint_file": check.checkpoint_file,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                print(check.message.text(lang()), file=sys.stdout if check.ok else sys.stderr)
            return 0 if check.ok else 1
        if args.command == "list":
            for e in ws.audit.entries(limit=args.limit, **_filters(args)):
                actor, summary = visible_controls(e.actor), visible_controls(e.summary.text(lang()))
                print(f"{e.seq:>6}  {beijing_time(e.at_utc)}  {actor:<20} {e.action:<20} {summary}")
            return 0
        entries = ws.audit.entries(limit=100_000, newest_first=False, **_filters(args))
        if args.csv:
            data = audit_csv(entries, lang=lang())
            if args.csv == "-":
                sys.stdout.buffer.write(data)
            else:
                Path(args.csv).write_bytes(data)
        else:
            Path(args.xlsx).write_bytes(audit_xlsx(entries, lang=lang()))
        print(f"{len(entries)} entries written", file=sys.stderr)
    except PlannerError as exc:
        if getattr(args, "json", False):  # verify --json: the reason as JSON too (exit 2: it could not be checked)
            print(json.dumps({"ok": False, "error": exc.code, "message": exc.text(lang())}, ensure_ascii=False))
        return fail(exc)
    return 0
