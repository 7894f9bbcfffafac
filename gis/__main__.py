"""`python -m gis COMMAND ...`: the command line for GIS staff and admins (same code paths as the app)."""

from __future__ import annotations

import importlib
import os
import sys

#: command -> (module with ``main(argv) -> int``, one-line help). Modules are imported only when used.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("gis.validate", "check a data folder's schema and invariants"),
    "check": ("gis.cli_files", "read a file exactly as the import page does and say what was found"),
    "convert": ("gis.cli_files", "write a readable file to another format / coordinate system"),
    "users": ("gis.cli_users", "manage local accounts (add, list, disable, passwd)"),
    "audit": ("gis.cli_audit", "verify or export the workspace's audit trail"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: python -m gis COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "python -m gis COMMAND --help shows a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the command's module; exit code 2 for an unknown command (as argparse does)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"unknown command {command!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    if command in ("check", "convert"):  # one module serves both
        return int(module.main([command, *rest]))
    return int(module.main(rest))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the output was piped to a reader that stopped early (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
