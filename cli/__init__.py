"""The command line for GIS staff and admins (`python -m gis COMMAND`): one module per command, the app's code paths."""

from __future__ import annotations

import importlib
import os
import sys

#: command -> (module with ``main(argv) -> int``, one-line help). Modules are imported only when used.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("cli.validate", "check a data folder's schema and invariants"),
    "check": ("cli.files", "read a file exactly as the import page does and say what was found"),
    "convert": ("cli.files", "write a readable file to another format / coordinate system"),
    "users": ("cli.users", "manage local accounts (add, list, disable, passwd)"),
    "audit": ("cli.audit", "verify or export the workspace's audit trail"),
    "review": ("cli.review", "check proposals against the regulatory plan (控规): 合规审查"),
    "monitor": ("cli.monitor", "the plan's indicators against their targets (实施监测)"),
    "performance": ("cli.monitor", "land performance (亩均效益) classes of industrial parcels"),
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
    if command in ("monitor", "performance"):
        return int(getattr(module, command)(rest))
    return int(module.main(rest))


def run() -> None:
    """Run the command named in ``sys.argv`` and exit with its code (``python -m gis`` and ``python -m cli``)."""
    try:
        sys.exit(main())
    except BrokenPipeError:  # the output was piped to a reader that stopped early (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
