"""What the admin commands share: the workspace options, the acting command-line user, error printing."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from gis.errors import PlannerError


def add_workspace_options(parser: argparse.ArgumentParser) -> None:
    """--workspace PATH / --database-url URL (default: PUTUO_DATABASE_URL, PUTUO_WORKSPACE, the default file)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workspace", metavar="PATH", help="GeoPackage workspace file (default: PUTUO_WORKSPACE)")
    group.add_argument("--database-url", metavar="URL", help="postgresql://… (default: PUTUO_DATABASE_URL)")


def open_from_args(args: argparse.Namespace):
    """The workspace the options (or the environment, like the app) point at."""
    from store import open_workspace

    if args.database_url:
        return open_workspace(url=args.database_url, cached=False)
    if args.workspace:
        return open_workspace(path=args.workspace, cached=False)
    return open_workspace(cached=False)


def cli_actor() -> str:
    """Who acts from the command line: ``cli:<OS user>`` (recorded in the audit trail)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def lang() -> str:
    """Message language of the commands: PUTUO_LANG (zh or en), Chinese by default like the app."""
    return "en" if os.environ.get("PUTUO_LANG", "zh").lower().startswith("en") else "zh"


def fail(exc: PlannerError, code: int = 2) -> int:
    """Print the error's message (no traceback) on stderr; return the exit code."""
    print(exc.text(lang()), file=sys.stderr)
    return code
