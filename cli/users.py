"""`python -m gis users add|list|disable|enable|passwd|role`: manage the workspace's local accounts (audited)."""

from __future__ import annotations

import argparse
import getpass
import sys

from cli.common import add_workspace_options, cli_actor, fail, lang, open_from_args
from gis.errors import PlannerError, StoreError
from store import ROLES
from store import accounts as acct
from text.clock import beijing_time
from text.messages import t


def read_password(*, prompt: str = "Password: ") -> str:
    """The new password: one line of stdin when it is not a terminal, else typed twice (hidden)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    second = getpass.getpass("Again: ")
    if first != second:
        raise StoreError("acct_password_mismatch")
    return first


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gis users", description="Manage the workspace's accounts.")
    add_workspace_options(p)
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add an account (password from stdin, or typed twice)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--sso", action="store_true", help="no password: single sign-on (OIDC or proxy) only")
    add.add_argument("--external-id", help="the OIDC subject ('sub') this account signs in as")
    sub.add_parser("list", help="list the accounts")
    for name, text in (
        ("disable", "disable an account (its sessions end)"),
        ("enable", "enable an account again"),
        ("passwd", "set a new password (from stdin, or typed twice)"),
    ):
        sub.add_parser(name, help=text).add_argument("name")
    role = sub.add_parser("role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        ws = open_from_args(args)
        actor = cli_actor()
        if args.command == "add":
            password = None if args.sso else read_password()
            account = acct.add_account(
                ws, args.name, args.role, actor=actor, password=password, external_id=args.external_id
            )
            print(f"added {account.name} ({account.role})")
        elif args.command == "list":
            print(f"{'name':<24} {'role':<7} {'state':<9} {'sign-in':<9} created (Beijing time)")
            for a in ws.accounts.all():
                state = "disabled" if a.disabled else "locked" if a.locked_until else "active"
                print(
                    f"{a.name:<24} {a.role:<7} {state:<9} {'password' if a.has_password else 'sso':<9} "
                    f"{beijing_time(a.created_at, seconds=False)}"
                )
        elif args.command in ("disable", "enable"):
            ws.accounts.update(acct.normalise_name(args.name), actor=actor, disabled=args.command == "disable")
            print(f"{args.command}d {acct.normalise_name(args.name)}")
        elif args.command == "passwd":
            key = acct.normalise_name(args.name)
            if ws.accounts.get(key) is None:
                raise StoreError("acct_missing", name=key)
            acct.set_password(ws, key, read_password(prompt="New password: "), actor=actor)
            print(f"password changed for {key}")
        elif args.command == "role":
            ws.accounts.update(acct.normalise_name(args.name), actor=actor, role=acct.check_role(args.role))
            print(f"{acct.normalise_name(args.name)} is now {args.role} ({t(f'role_{args.role}', lang())})")
    except PlannerError as exc:
        return fail(exc)
    return 0
