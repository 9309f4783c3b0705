"""The dashboards' users: a JSON file of bcrypt-hashed passwords and roles, and its command line.

    python -m dashboards.users add USERNAME --role ROLE [--team TEAM] [--agent AGENT_ID]
                                [--password-env VAR]     (else the password is read from stdin)
    python -m dashboards.users add USERNAME --agent AGENT_ID     (role and team from the roster)
    python -m dashboards.users list | remove USERNAME | set-password USERNAME [--password-env VAR]

The file is DASHBOARD_USERS (default: users.json beside the warehouse), written with mode 0600.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

import bcrypt

from dashboards.access import ROLES, Viewer
from ingest import settings


def users_path() -> Path:
    configured = os.environ.get("DASHBOARD_USERS", "").strip()
    return Path(configured).expanduser() if configured else settings.warehouse_path().parent / "users.json"


def audit_path() -> Path:
    """Logins, failed logins and downloads: one JSON line each (readable by the file's owner only)."""
    return settings.warehouse_path().with_name(settings.warehouse_path().name + ".audit.jsonl")


def load(path: Path | None = None) -> dict[str, dict]:
    try:
        return json.loads((path or users_path()).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _save(users: dict[str, dict], path: Path | None = None) -> None:
    path = path or users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(users, handle, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


# The roster's role (docs/data-contracts.md) → the dashboards' role.
ROSTER_ROLES = {"agent": "agent", "team_leader": "team_leader", "qa": "quality", "manager": "manager"}


def from_roster(agent_id: str) -> tuple[str, str | None]:
    """The dashboards' role and team of a person on the roster (the published dim_agents)."""
    import duckdb

    try:
        with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
            found = con.execute(
                "select role, team from marts.dim_agents where agent_id = ?", [agent_id]
            ).fetchall()
    except duckdb.Error as exc:
        raise UserError(f"the roster cannot be read ({settings.warehouse_path()}): give --role") from exc
    if not found:
        raise UserError(f"agent {agent_id!r} is not on the roster (marts.dim_agents)")
    role, team = found[0]
    if role not in ROSTER_ROLES:
        raise UserError(f"agent {agent_id!r} has the roster role {role!r}: give --role")
    return ROSTER_ROLES[role], team


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


class UserError(ValueError):
    """A user cannot be added or changed as asked (the message says why)."""


def add(username: str, password: str, role: str, team: str | None = None, agent: str | None = None,
        path: Path | None = None) -> None:  # fmt: skip
    if role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role == "team_leader" and not team:
        raise UserError("a team leader needs --team (the team whose agents they may see)")
    if role == "agent" and not agent:
        raise UserError("an agent needs --agent (their agent_id in the roster)")
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    users = load(path)
    if username in users:
        raise UserError(f"user {username!r} exists (use set-password, or remove it first)")
    users[username] = {"password_hash": _hash(password), "role": role, "team": team, "agent_id": agent}
    _save(users, path)


def remove(username: str, path: Path | None = None) -> None:
    users = load(path)
    if users.pop(username, None) is None:
        raise UserError(f"no user {username!r}")
    _save(users, path)


def set_password(username: str, password: str, path: Path | None = None) -> None:
    users = load(path)
    if username not in users:
        raise UserError(f"no user {username!r}")
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    users[username]["password_hash"] = _hash(password)
    _save(users, path)


def authenticate(username: str, password: str, path: Path | None = None) -> Viewer | None:
    """The viewer for a correct username and password, else None (same answer for both mistakes)."""
    entry = load(path).get(username)
    if entry is None:
        bcrypt.checkpw(b"x", _DUMMY)  # as slow as a real check: no telling which names exist
        return None
    if not bcrypt.checkpw(password.encode("utf-8"), entry["password_hash"].encode("ascii")):
        return None
    return Viewer(username, entry["role"], entry.get("team"), entry.get("agent_id"))


_DUMMY = bcrypt.hashpw(b"dummy", bcrypt.gensalt(4))


def audit(event: str, username: str, **details) -> None:
    """Append one line to the audit log (created readable by its owner only)."""
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "event": event,
            "user": username, **details}  # fmt: skip
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def read_audit(limit: int = 200) -> list[dict]:
    try:
        lines = audit_path().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines[-limit:]][::-1]


DEMO_PASSWORD = "demo-password"  # published: the demo center only


def add_demo_users() -> list[tuple[str, str, str]]:
    """One user per role for the demo center, from its roster (only into an empty users file)."""
    import duckdb

    if load():
        return []
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        leader, team = con.execute(
            "select agent_id, team from marts.dim_agents where role = 'team_leader' "
            "order by team, agent_id limit 1"
        ).fetchall()[0]
        (agent,) = con.execute(
            "select agent_id from marts.dim_agents where role = 'agent' and team = ? "
            "order by agent_id limit 1",
            [team],
        ).fetchall()[0]
    made = [("manager", "manager", None, None), (f"leader_{leader}", "team_leader", team, None),
            (f"agent_{agent}", "agent", None, agent), ("quality", "quality", None, None),
            ("analyst", "analyst", None, None)]  # fmt: skip
    for name, role, user_team, agent_id in made:
        add(name, DEMO_PASSWORD, role, user_team, agent_id)
    return [(name, role, user_team or agent_id or "") for name, role, user_team, agent_id in made]


def _password(args) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise UserError(f"the environment variable {args.password_env} is empty or not set")
        return value
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboards.users", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add_p = sub.add_parser("add", help="add a user")
    add_p.add_argument("username")
    add_p.add_argument("--role", choices=ROLES, help="default: from the roster's role of --agent")
    add_p.add_argument("--team")
    add_p.add_argument("--agent", help="the agent_id of an agent user")
    add_p.add_argument("--password-env", help="read the password from this environment variable")
    sub.add_parser("list", help="list users and roles (never passwords)")
    sub.add_parser("demo", help="the demo center's users, one per role (into an empty users file)")
    rm = sub.add_parser("remove", help="remove a user")
    rm.add_argument("username")
    pw = sub.add_parser("set-password", help="set a user's password")
    pw.add_argument("username")
    pw.add_argument("--password-env")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            role, team = args.role, args.team
            if role is None:
                if not args.agent:
                    raise UserError("give --role, or --agent to take the role and team from the roster")
                role, roster_team = from_roster(args.agent)
                team = team or (roster_team if role == "team_leader" else None)
            add(args.username, _password(args), role, team, args.agent)
            print(f"Added {args.username} ({role}{', ' + team if team else ''}) to {users_path()}")
        elif args.command == "demo":
            made = add_demo_users()
            if made:
                print(f"Dashboard users of the demo (password for all: {DEMO_PASSWORD}):")
                for name, role, scope in made:
                    print(f"  {name:<16} {role:<12} {scope}")
            else:
                print(f"Dashboard users: {users_path()} has users already (python -m dashboards.users list)")
        elif args.command == "list":
            for name, entry in sorted(load().items()):
                scope = entry.get("team") or entry.get("agent_id") or ""
                print(f"{name:<20} {entry['role']:<12} {scope}")
        elif args.command == "remove":
            remove(args.username)
            print(f"Removed {args.username}")
        else:
            set_password(args.username, _password(args))
            print(f"Password of {args.username} changed")
    except UserError as exc:
        print(f"Not done: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
