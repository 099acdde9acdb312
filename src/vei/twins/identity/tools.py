"""Directory tools the agent calls (an Okta-like admin console), and ``use_token`` for
other code (a person finishing activation or a reset with the token they were sent).

Users are named by id (``USR-0003``) or login; groups and apps by name or id. Reads need
``identity:read``; every change needs ``identity:admin`` and is written to the audit log.
Lists are in id order (the audit log newest first). Error codes are in ``ERROR_CODES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.events import Event
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.identity.state import (
    ACTIVATION_COMPLETED,
    ACTIVATION_TTL_MS,
    APP_ASSIGNED,
    APP_UNASSIGNED,
    GROUP_MEMBER_ADDED,
    GROUP_MEMBER_REMOVED,
    PASSWORD_CHANGED,
    PASSWORD_RESET,
    STATUSES,
    TRANSITIONS,
    USER_ACTIVATED,
    USER_CREATED,
    USER_DEACTIVATED,
    USER_SUSPENDED,
    USER_UNSUSPENDED,
    UserRecord,
    allowed_actions,
    apps_of,
    find_named,
    find_user,
    groups_of,
    next_user_id,
    token_status,
)

ERROR_CODES: dict[str, str] = {
    "identity.user_not_found": "No user with that id or login; identity_list_users finds people by name.",
    "identity.group_not_found": "No group of that name or id; the message lists the groups.",
    "identity.app_not_found": "No application of that name or id; the message lists the apps.",
    "identity.token_not_found": "No password reset or activation token like that was ever issued.",
    "identity.invalid_transition": "The user's status does not allow that lifecycle action; the message names the status and the actions it allows.",
    "identity.membership_conflict": "The user is already in that group (adding) or not in it (removing); nothing changed.",
    "identity.assignment_conflict": "The user already has that app (assigning) or does not have it (unassigning); nothing changed.",
    "identity.user_deprovisioned": "A deactivated (DEPROVISIONED) user cannot be added to groups or assigned apps; activate them first.",
    "identity.login_taken": "Another user already signs in with that login.",
    "identity.invalid_argument": "A login that is not an address at the company's domain, an unknown status filter or an empty query.",
}

_USER = Field(
    min_length=1, max_length=120, description="User id (USR-0003) or login (name@company.example)."
)
_GROUP = Field(min_length=1, max_length=80, description="Group name (engineering) or id (GRP-2).")
_APP = Field(min_length=1, max_length=80, description="Application name (github) or id (APP-1).")
_REASON = Field(default="", max_length=500, description="Why (kept in the audit log).")
_LIMIT = Field(default=50, ge=1, le=200, description="At most this many rows.")


class ListUsersArgs(ToolArgs):
    query: str | None = Field(
        default=None,
        max_length=200,
        description="Words that must all appear (any case) in the name, login, title, department or location.",
    )
    status: str | None = Field(
        default=None, description="Only users in this status (ACTIVE, SUSPENDED, ...)."
    )
    group: str | None = Field(
        default=None, max_length=80, description="Only members of this group."
    )
    limit: int = _LIMIT


class UserArgs(ToolArgs):
    user: str = _USER


class ReasonArgs(ToolArgs):
    user: str = _USER
    reason: str = _REASON


class ResetArgs(ToolArgs):
    user: str = _USER
    ttl_minutes: int = Field(
        default=60,
        ge=5,
        le=7 * 24 * 60,
        description="How long the reset token stays valid (virtual minutes).",
    )


class GroupArgs(ToolArgs):
    group: str = _GROUP


class MemberArgs(ToolArgs):
    user: str = _USER
    group: str = _GROUP


class AppArgs(ToolArgs):
    app: str = _APP


class AssignArgs(ToolArgs):
    user: str = _USER
    app: str = _APP


class CreateArgs(ToolArgs):
    login: str = Field(
        min_length=3, max_length=120, description="Sign-in address at the company's domain."
    )
    first_name: str = Field(min_length=1, max_length=60, description="Given name.")
    last_name: str = Field(min_length=1, max_length=60, description="Family name.")
    title: str = Field(default="", max_length=120, description="Job title.")
    department: str = Field(default="", max_length=120, description="Department.")
    manager: str | None = Field(default=None, max_length=120, description="Manager's id or login.")


class TokenArgs(ToolArgs):
    token: str = Field(
        min_length=1,
        max_length=64,
        description="A token identity_reset_password or identity_activate returned.",
    )


class AuditArgs(ToolArgs):
    user: str | None = Field(
        default=None, max_length=120, description="Only entries about this user (id or login)."
    )
    limit: int = _LIMIT


def user_of(state: Mapping[str, Any], ref: str) -> UserRecord:
    """The user ``ref`` names; ``identity.user_not_found`` otherwise."""
    user = find_user(state["identity"], ref)
    if user is None:
        raise VeiError(
            "identity.user_not_found",
            f"no user {ref!r} (give an id such as USR-0003 or a login; identity_list_users searches by name)",
        )
    return user


def _named(state: Mapping[str, Any], records: str, ref: str) -> dict[str, Any]:
    found = find_named(state["identity"][records], ref)
    if found is None:
        what = records[:-1]
        known = ", ".join(sorted(state["identity"][records]))
        raise VeiError(f"identity.{what}_not_found", f"no {what} {ref!r} ({records}: {known})")
    return dict(found)


def _row(ids: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": user["id"],
        "login": user["login"],
        "name": user["display_name"],
        "title": user["title"],
        "department": user["department"],
        "status": user["status"],
    }


def _profile(state: Mapping[str, Any], user: Mapping[str, Any], now_ms: int) -> dict[str, Any]:
    ids = state["identity"]
    manager = ids["users"].get(user["manager"]) if user["manager"] else None
    open_tokens = sorted(
        (t for t in ids["tokens"].values() if t["user"] == user["id"] and t["state"] == "open"),
        key=lambda t: (t["issued_ms"], t["token"]),
    )
    return _row(ids, user) | {
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "location": user["location"],
        "employee_number": user["employee_number"],
        "manager": None
        if manager is None
        else {"id": manager["id"], "name": manager["display_name"], "login": manager["login"]},
        "groups": groups_of(ids, user["id"]),
        "apps": apps_of(ids, user["id"]),
        "status_changed_ms": user["status_changed_ms"],
        "password_changed_ms": user["password_changed_ms"],
        "pending_tokens": [
            {"kind": t["kind"], "expires_ms": t["expires_ms"], "status": token_status(t, now_ms)}
            for t in open_tokens
        ],
        "allowed_actions": allowed_actions(user["status"]),
    }


def list_users(state: State, args: ListUsersArgs, ctx: CallContext) -> dict[str, Any]:
    """Users matching every filter, in id order."""
    ids = state["identity"]
    words = [] if args.query is None else args.query.lower().split()
    if args.query is not None and not words:
        raise invalid("identity", "the query has no words")
    status = None if args.status is None else args.status.strip().upper()
    if status is not None and status not in STATUSES:
        raise invalid("identity", f"no status {args.status!r} (statuses: {', '.join(STATUSES)})")
    members = None if args.group is None else set(_named(state, "groups", args.group)["members"])
    found = []
    for uid in sorted(ids["users"]):
        user = ids["users"][uid]
        text = " ".join(
            [
                user["display_name"],
                user["login"],
                user["title"],
                user["department"],
                user["location"],
            ]
        ).lower()
        if status is not None and user["status"] != status:
            continue
        if members is not None and uid not in members:
            continue
        if all(w in text for w in words):
            found.append(_row(ids, user))
    return {"users": found[: args.limit], "total": len(found)}


def get_user(state: State, args: UserArgs, ctx: CallContext) -> dict[str, Any]:
    """One user's whole profile."""
    return _profile(state, user_of(state, args.user), ctx.now_ms)


def _move(
    action: str, kind: str, state: State, user_ref: str, ctx: CallContext, **data: Any
) -> dict[str, Any]:
    user = user_of(state, user_ref)
    moves = TRANSITIONS[action]
    if user["status"] not in moves:
        allowed = ", ".join(allowed_actions(user["status"])) or "none"
        raise VeiError(
            "identity.invalid_transition",
            f"{user['id']} ({user['display_name']}) is {user['status']}: {action} needs "
            f"{' or '.join(moves)}; allowed now: {allowed}",
        )
    ctx.emit(kind, {"user": user["id"], **data})
    return {
        "id": user["id"],
        "login": user["login"],
        "from": user["status"],
        "status": moves[user["status"]],
    }


def _token(ctx: CallContext, prefix: str) -> str:
    return f"{prefix}-{ctx.rng('identity:tokens').getrandbits(64):016x}"


def activate(state: State, args: UserArgs, ctx: CallContext) -> dict[str, Any]:
    """Activate a STAGED or DEPROVISIONED user (or resend a PROVISIONED user's activation)."""
    token, expires = _token(ctx, "act"), ctx.now_ms + ACTIVATION_TTL_MS
    result = _move(
        "activate", USER_ACTIVATED, state, args.user, ctx, token=token, expires_ms=expires
    )
    return result | {"activation_token": token, "expires_ms": expires}


def suspend(state: State, args: ReasonArgs, ctx: CallContext) -> dict[str, Any]:
    """Suspend an ACTIVE user."""
    return _move("suspend", USER_SUSPENDED, state, args.user, ctx, reason=args.reason)


def unsuspend(state: State, args: UserArgs, ctx: CallContext) -> dict[str, Any]:
    """Bring a SUSPENDED user back to ACTIVE."""
    return _move("unsuspend", USER_UNSUSPENDED, state, args.user, ctx)


def deactivate(state: State, args: ReasonArgs, ctx: CallContext) -> dict[str, Any]:
    """Deactivate (deprovision) a user."""
    return _move("deactivate", USER_DEACTIVATED, state, args.user, ctx, reason=args.reason)


def reset_password(state: State, args: ResetArgs, ctx: CallContext) -> dict[str, Any]:
    """Issue a one-time reset token, valid ``ttl_minutes`` of virtual time."""
    token, expires = _token(ctx, "rst"), ctx.now_ms + args.ttl_minutes * 60_000
    result = _move(
        "reset_password", PASSWORD_RESET, state, args.user, ctx, token=token, expires_ms=expires
    )
    return result | {"reset_token": token, "expires_ms": expires}


def verify_token(state: State, args: TokenArgs, ctx: CallContext) -> dict[str, Any]:
    """Whether a token is still good now."""
    token = state["identity"]["tokens"].get(args.token.strip())
    if token is None:
        raise VeiError("identity.token_not_found", f"no token {args.token!r} was issued")
    return {
        "user": token["user"],
        "kind": token["kind"],
        "issued_ms": token["issued_ms"],
        "expires_ms": token["expires_ms"],
        "status": token_status(token, ctx.now_ms),
    }


def _active_enough(user: Mapping[str, Any]) -> None:
    if user["status"] == "DEPROVISIONED":
        raise VeiError(
            "identity.user_deprovisioned",
            f"{user['id']} ({user['display_name']}) is DEPROVISIONED; activate them first",
        )


def _member_change(state: State, args: MemberArgs, ctx: CallContext, add: bool) -> dict[str, Any]:
    user = user_of(state, args.user)
    group = _named(state, "groups", args.group)
    inside = user["id"] in group["members"]
    if add:
        _active_enough(user)
    if inside == add:
        where = "already in" if add else "not in"
        raise VeiError(
            "identity.membership_conflict", f"{user['id']} is {where} group {group['name']}"
        )
    ctx.emit(
        GROUP_MEMBER_ADDED if add else GROUP_MEMBER_REMOVED,
        {"user": user["id"], "group": group["name"]},
    )
    members = sorted(
        {*group["members"], user["id"]} if add else set(group["members"]) - {user["id"]}
    )
    return {"user": user["id"], "group": group["name"], "members": len(members)}


def add_to_group(state: State, args: MemberArgs, ctx: CallContext) -> dict[str, Any]:
    """Add a user to a group."""
    return _member_change(state, args, ctx, add=True)


def remove_from_group(state: State, args: MemberArgs, ctx: CallContext) -> dict[str, Any]:
    """Remove a user from a group."""
    return _member_change(state, args, ctx, add=False)


def _assign_change(state: State, args: AssignArgs, ctx: CallContext, add: bool) -> dict[str, Any]:
    user = user_of(state, args.user)
    app = _named(state, "apps", args.app)
    has = user["id"] in app["assigned"]
    if add:
        _active_enough(user)
    if has == add:
        where = "already has" if add else "does not have"
        raise VeiError("identity.assignment_conflict", f"{user['id']} {where} app {app['name']}")
    ctx.emit(APP_ASSIGNED if add else APP_UNASSIGNED, {"user": user["id"], "app": app["name"]})
    return {"user": user["id"], "app": app["name"], "assigned": add}


def assign_app(state: State, args: AssignArgs, ctx: CallContext) -> dict[str, Any]:
    """Assign an application to a user."""
    return _assign_change(state, args, ctx, add=True)


def unassign_app(state: State, args: AssignArgs, ctx: CallContext) -> dict[str, Any]:
    """Take an application away from a user."""
    return _assign_change(state, args, ctx, add=False)


def create_user(state: State, args: CreateArgs, ctx: CallContext) -> dict[str, Any]:
    """Create a STAGED user."""
    ids = state["identity"]
    login = args.login.strip().lower()
    local, _, domain = login.partition("@")
    if not local or domain != ids["domain"] or " " in login:
        raise invalid("identity", f"login {args.login!r} must be an address at {ids['domain']}")
    if find_user(ids, login) is not None:
        raise VeiError("identity.login_taken", f"{login} is already a user's login")
    manager = None if args.manager is None else user_of(state, args.manager)["id"]
    uid = next_user_id(ids)
    data = {
        "login": login,
        "first_name": args.first_name.strip() or args.first_name,
        "last_name": args.last_name.strip() or args.last_name,
        "title": args.title,
        "department": args.department,
        "manager": manager,
    }
    ctx.emit(USER_CREATED, data)
    return {"id": uid, "login": login, "status": "STAGED"}


def list_groups(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """Every group with its member count, by id."""
    groups = sorted(state["identity"]["groups"].values(), key=lambda g: int(g["id"].split("-")[1]))
    return {
        "groups": [
            {
                "id": g["id"],
                "name": g["name"],
                "description": g["description"],
                "members": len(g["members"]),
            }
            for g in groups
        ]
    }


def get_group(state: State, args: GroupArgs, ctx: CallContext) -> dict[str, Any]:
    """One group and its members."""
    ids = state["identity"]
    group = _named(state, "groups", args.group)
    members = [_row(ids, ids["users"][uid]) for uid in group["members"]]
    return {
        "id": group["id"],
        "name": group["name"],
        "description": group["description"],
        "members": members,
    }


def list_apps(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """Every application with how many users have it."""
    apps = sorted(state["identity"]["apps"].values(), key=lambda a: int(a["id"].split("-")[1]))
    return {
        "apps": [
            {"id": a["id"], "name": a["name"], "label": a["label"], "assigned": len(a["assigned"])}
            for a in apps
        ]
    }


def get_app(state: State, args: AppArgs, ctx: CallContext) -> dict[str, Any]:
    """One application and who is assigned it."""
    ids = state["identity"]
    app = _named(state, "apps", args.app)
    users = [_row(ids, ids["users"][uid]) for uid in app["assigned"]]
    return {"id": app["id"], "name": app["name"], "label": app["label"], "users": users}


def audit_log(state: State, args: AuditArgs, ctx: CallContext) -> dict[str, Any]:
    """Directory changes, newest first."""
    entries = state["identity"]["audit"]
    if args.user is not None:
        uid = user_of(state, args.user)["id"]
        entries = [e for e in entries if e["user"] == uid]
    newest = list(reversed(entries))
    return {"entries": [dict(e) for e in newest[: args.limit]], "total": len(newest)}


def use_token(
    ctx: CallContext, state: Mapping[str, Any], token: str, *, actor: str
) -> Event | None:
    """The person ``actor`` uses ``token`` (sets a password): emits the activation or
    password change now if the token is still valid, and returns it; None otherwise."""
    record = state["identity"]["tokens"].get(token)
    if record is None or token_status(record, ctx.now_ms) != "valid":
        return None
    kind = ACTIVATION_COMPLETED if record["kind"] == "activation" else PASSWORD_CHANGED
    return ctx.emit(kind, {"user": record["user"], "token": token}, actor=actor)


_ADMIN = "identity:admin"
_PROFILE = (
    "{id, login, name, title, department, status, first_name, last_name, location, employee_number, "
    "manager: {id, name, login} | null, groups, apps, status_changed_ms, password_changed_ms, "
    "pending_tokens: [{kind, expires_ms, status}], allowed_actions}"
)
_MOVED = "{id, login, from, status}"

TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "identity_list_users",
        "List and search the directory's users: each user whose name, login, title, department or location contain every query word, "
        "optionally only one status or one group's members, in id order. "
        "Returns {users: [{id, login, name, title, department, status}], total}.",
        ListUsersArgs,
        list_users,
        latency_ms=300,
        keywords=("directory", "people", "okta", "find", "employee", "search", "who", "staff"),
    ),
    tool(
        "identity_get_user",
        "Get one user by id or login: the user's full directory profile with manager, groups, apps, lifecycle status and the actions it allows. "
        f"Returns {_PROFILE}.",
        UserArgs,
        get_user,
        latency_ms=250,
        keywords=("profile", "people", "okta", "employee", "manager", "details"),
    ),
    tool(
        "identity_list_groups",
        "List the directory's groups in id order. Returns {groups: [{id, name, description, members}]} (members is a count).",
        NoArgs,
        list_groups,
        latency_ms=200,
        keywords=("groups", "teams", "access"),
    ),
    tool(
        "identity_get_group",
        "Get one group by name or id with its members in id order. "
        "Returns {id, name, description, members: [{id, login, name, title, department, status}]}.",
        GroupArgs,
        get_group,
        latency_ms=200,
        keywords=("members", "team", "access"),
    ),
    tool(
        "identity_list_apps",
        "List the applications users can be assigned, in id order. Returns {apps: [{id, name, label, assigned}]} (assigned is a count).",
        NoArgs,
        list_apps,
        latency_ms=200,
        keywords=("applications", "sso", "access"),
    ),
    tool(
        "identity_get_app",
        "Get one application by name or id with the users assigned to it. "
        "Returns {id, name, label, users: [{id, login, name, title, department, status}]}.",
        AppArgs,
        get_app,
        latency_ms=200,
        keywords=("application", "assignments", "sso"),
    ),
    tool(
        "identity_audit_log",
        "Read the directory's audit log of every change (who did what to whom), newest first, optionally about one user. "
        "Returns {entries: [{id, t_ms, actor, action, user, target, detail}], total}.",
        AuditArgs,
        audit_log,
        latency_ms=250,
        keywords=("history", "changes", "log", "who"),
    ),
    tool(
        "identity_verify_token",
        "Check whether a password reset or activation token is still good at the current virtual time. "
        "Returns {user, kind, issued_ms, expires_ms, status} with status valid, expired, used or revoked.",
        TokenArgs,
        verify_token,
        latency_ms=150,
        keywords=("password", "reset", "link", "expired"),
    ),
    tool(
        "identity_create_user",
        "Create a new user in STAGED status (not yet able to sign in; activate them next). "
        "Returns {id, login, status}.",
        CreateArgs,
        create_user,
        effect="write",
        scope=_ADMIN,
        latency_ms=500,
        keywords=("new", "hire", "onboard", "account", "add"),
    ),
    tool(
        "identity_activate",
        "Activate a STAGED or DEPROVISIONED user (or resend a PROVISIONED user's activation): they become PROVISIONED and are "
        "mailed an activation token valid 7 days; they are ACTIVE once they set a password. "
        "Returns {id, login, from, status, activation_token, expires_ms}.",
        UserArgs,
        activate,
        effect="write",
        scope=_ADMIN,
        latency_ms=500,
        keywords=("enable", "onboard", "reactivate", "account"),
    ),
    tool(
        "identity_suspend",
        f"Suspend an ACTIVE user (they cannot sign in; groups and apps stay); revokes their open tokens. Returns {_MOVED}.",
        ReasonArgs,
        suspend,
        effect="write",
        scope=_ADMIN,
        latency_ms=500,
        keywords=("lock", "block", "disable", "freeze"),
    ),
    tool(
        "identity_unsuspend",
        f"Lift a suspension: a SUSPENDED user becomes ACTIVE again. Returns {_MOVED}.",
        UserArgs,
        unsuspend,
        effect="write",
        scope=_ADMIN,
        latency_ms=500,
        keywords=("unlock", "restore", "enable"),
    ),
    tool(
        "identity_deactivate",
        "Deactivate (deprovision) a user who is not already DEPROVISIONED, for offboarding; their groups and apps stay until "
        f"removed, their open tokens are revoked. Returns {_MOVED}.",
        ReasonArgs,
        deactivate,
        effect="write",
        scope=_ADMIN,
        latency_ms=500,
        keywords=("offboard", "disable", "remove", "leaver", "terminate"),
    ),
    tool(
        "identity_reset_password",
        "Issue a one-time password reset token for an ACTIVE user, mailed to them and valid ttl_minutes of virtual time; "
        "an earlier reset token stops working. Returns {id, login, from, status, reset_token, expires_ms}.",
        ResetArgs,
        reset_password,
        effect="write",
        scope=_ADMIN,
        latency_ms=500,
        keywords=("password", "forgot", "locked", "credentials", "link"),
    ),
    tool(
        "identity_add_to_group",
        "Add a user (not DEPROVISIONED) to a group, granting its access. Returns {user, group, members} (members is the new count).",
        MemberArgs,
        add_to_group,
        effect="write",
        scope=_ADMIN,
        latency_ms=400,
        keywords=("grant", "access", "membership", "permission"),
    ),
    tool(
        "identity_remove_from_group",
        "Remove a user from a group, taking its access away. Returns {user, group, members} (members is the new count).",
        MemberArgs,
        remove_from_group,
        effect="write",
        scope=_ADMIN,
        latency_ms=400,
        keywords=("revoke", "access", "membership"),
    ),
    tool(
        "identity_assign_app",
        "Assign an application to a user (not DEPROVISIONED). Returns {user, app, assigned}.",
        AssignArgs,
        assign_app,
        effect="write",
        scope=_ADMIN,
        latency_ms=400,
        keywords=("grant", "application", "access", "sso"),
    ),
    tool(
        "identity_unassign_app",
        "Take an application away from a user. Returns {user, app, assigned}.",
        AssignArgs,
        unassign_app,
        effect="write",
        scope=_ADMIN,
        latency_ms=400,
        keywords=("revoke", "application", "access", "remove"),
    ),
)
