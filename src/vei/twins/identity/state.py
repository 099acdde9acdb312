"""Directory state: users with a lifecycle, groups, applications and their assignments,
one-time tokens and the audit log.

``state["identity"]`` holds ``domain``, ``users`` (id -> user), ``groups`` and ``apps``
(name -> record, each with its sorted member / assignee user ids), ``tokens`` (token ->
record) and ``audit`` (every change, oldest first, ids ``AUD-0001`` ...). Reducers derive
audit ids and new user ids from what is already in the state, so a replay gives the same.

The lifecycle (``TRANSITIONS``) is Okta's: a user is created STAGED; activating issues an
activation token and makes them PROVISIONED until they set a password (ACTIVE); an ACTIVE
user can be suspended (and unsuspended) or have a password reset token issued; anyone not
yet DEPROVISIONED can be deactivated; a DEPROVISIONED user can be activated again.
Deactivating keeps group memberships and app assignments (an admin removes them) but
revokes the user's open tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.identity.seed import DEFAULT_SEED, IdentitySeed

USER_CREATED = "identity.user_created"
USER_ACTIVATED = "identity.user_activated"
ACTIVATION_COMPLETED = "identity.activation_completed"
USER_SUSPENDED = "identity.user_suspended"
USER_UNSUSPENDED = "identity.user_unsuspended"
USER_DEACTIVATED = "identity.user_deactivated"
PASSWORD_RESET = "identity.password_reset"
PASSWORD_CHANGED = "identity.password_changed"
GROUP_MEMBER_ADDED = "identity.group_member_added"
GROUP_MEMBER_REMOVED = "identity.group_member_removed"
APP_ASSIGNED = "identity.app_assigned"
APP_UNASSIGNED = "identity.app_unassigned"

STATUSES = ("STAGED", "PROVISIONED", "ACTIVE", "SUSPENDED", "DEPROVISIONED")
# action -> {status it is allowed from: status it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "activate": {
        "STAGED": "PROVISIONED",
        "PROVISIONED": "PROVISIONED",
        "DEPROVISIONED": "PROVISIONED",
    },
    "suspend": {"ACTIVE": "SUSPENDED"},
    "unsuspend": {"SUSPENDED": "ACTIVE"},
    "deactivate": {s: "DEPROVISIONED" for s in STATUSES if s != "DEPROVISIONED"},
    "reset_password": {"ACTIVE": "ACTIVE"},
}
# Changes a person makes themselves with a token (not admin tools).
_SELF_SERVICE = {"activation": "PROVISIONED", "reset": "ACTIVE"}
ACTIVATION_TTL_MS = 7 * 24 * 3_600_000


class UserRecord(TypedDict):
    id: str
    login: str
    first_name: str
    last_name: str
    display_name: str
    title: str
    department: str
    manager: str | None
    location: str
    employee_number: str
    status: str
    status_changed_ms: int
    password_changed_ms: int | None


class GroupRecord(TypedDict):
    id: str
    name: str
    description: str
    members: list[str]


class AppRecord(TypedDict):
    id: str
    name: str
    label: str
    assigned: list[str]


class TokenRecord(TypedDict):
    token: str
    kind: str  # activation | reset
    user: str
    issued_ms: int
    expires_ms: int
    state: str  # open | used | revoked


class AuditEntry(TypedDict):
    id: str
    t_ms: int
    actor: str
    action: str
    user: str
    target: str | None
    detail: str


class IdentityState(TypedDict):
    domain: str
    users: dict[str, UserRecord]
    groups: dict[str, GroupRecord]
    apps: dict[str, AppRecord]
    tokens: dict[str, TokenRecord]
    audit: list[AuditEntry]


def allowed_actions(status: str) -> list[str]:
    """The lifecycle actions a user in ``status`` allows, in a fixed order."""
    return [action for action, moves in TRANSITIONS.items() if status in moves]


def find_user(ids: Mapping[str, Any], ref: str) -> UserRecord | None:
    """A user by id (``USR-0003``, any case) or login (``sam.patel@company.example``)."""
    key = ref.strip()
    users: Mapping[str, UserRecord] = ids["users"]
    if key.upper() in users:
        return users[key.upper()]
    lowered = key.lower()
    return next((u for u in users.values() if u["login"] == lowered), None)


def find_named(records: Mapping[str, Any], ref: str) -> Any:
    """A group or app record by name (any case) or id (``GRP-2``), or None."""
    key = ref.strip().lower()
    if key in records:
        return records[key]
    return next((r for r in records.values() if r["id"].lower() == key), None)


def next_user_id(ids: Mapping[str, Any]) -> str:
    """The id the next created user gets."""
    numbers = [int(uid.split("-")[1]) for uid in ids["users"]]
    return f"USR-{max(numbers, default=0) + 1:04d}"


def token_status(token: Mapping[str, Any], now_ms: int) -> str:
    """``valid``, ``expired``, ``used`` or ``revoked`` at virtual time ``now_ms``."""
    if token["state"] != "open":
        return str(token["state"])
    return "valid" if now_ms < token["expires_ms"] else "expired"


def groups_of(ids: Mapping[str, Any], user_id: str) -> list[str]:
    """Names of the groups ``user_id`` belongs to, sorted."""
    return sorted(g["name"] for g in ids["groups"].values() if user_id in g["members"])


def apps_of(ids: Mapping[str, Any], user_id: str) -> list[str]:
    """Names of the apps ``user_id`` is assigned, sorted."""
    return sorted(a["name"] for a in ids["apps"].values() if user_id in a["assigned"])


def _user(data: Mapping[str, Any], uid: str, status: str, t_ms: int) -> UserRecord:
    return {
        "id": uid,
        "login": str(data["login"]).lower(),
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "display_name": f"{data['first_name']} {data['last_name']}",
        "title": data.get("title", ""),
        "department": data.get("department", ""),
        "manager": data.get("manager"),
        "location": data.get("location", ""),
        "employee_number": data.get("employee_number", ""),
        "status": status,
        "status_changed_ms": t_ms,
        "password_changed_ms": None,
    }


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The directory described by ``seed_data`` (or the default one); ValueError for a
    duplicate id, login or name, or a reference to an unknown user."""
    seed = IdentitySeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    ids: IdentityState = {
        "domain": seed.domain.lower(),
        "users": {},
        "groups": {},
        "apps": {},
        "tokens": {},
        "audit": [],
    }
    for index, user in enumerate(seed.users):
        uid = user.id or f"USR-{index + 1:04d}"
        if uid in ids["users"] or find_user(ids, user.login) is not None:
            raise ValueError(f"identity seed: duplicate user {uid!r} / {user.login!r}")
        ids["users"][uid] = _user(user.model_dump(), uid, user.status, 0)
    for uid, record in ids["users"].items():
        ref = record["manager"]
        if ref is not None:
            manager = find_user(ids, ref)
            if manager is None or manager["id"] == uid:
                raise ValueError(f"identity seed: user {uid} has unknown manager {ref!r}")
            record["manager"] = manager["id"]

    def members(refs: list[str], where: str) -> list[str]:
        found = []
        for ref in refs:
            user = find_user(ids, ref)
            if user is None:
                raise ValueError(f"identity seed: {where} names unknown user {ref!r}")
            found.append(user["id"])
        return sorted(set(found))

    for index, group in enumerate(seed.groups):
        if group.name in ids["groups"]:
            raise ValueError(f"identity seed: duplicate group {group.name!r}")
        ids["groups"][group.name] = {
            "id": f"GRP-{index + 1}",
            "name": group.name,
            "description": group.description,
            "members": members(group.members, f"group {group.name}"),
        }
    for index, app in enumerate(seed.apps):
        if app.name in ids["apps"]:
            raise ValueError(f"identity seed: duplicate app {app.name!r}")
        ids["apps"][app.name] = {
            "id": f"APP-{index + 1}",
            "name": app.name,
            "label": app.label,
            "assigned": members(app.assigned, f"app {app.name}"),
        }
    return dict(ids)


def _audit(ids: IdentityState, event: Event, user: str, target: str | None, detail: str) -> None:
    ids["audit"].append(
        {
            "id": f"AUD-{len(ids['audit']) + 1:04d}",
            "t_ms": event.t_ms,
            "actor": event.actor,
            "action": event.kind.split(".", 1)[1],
            "user": user,
            "target": target,
            "detail": detail,
        }
    )


def _revoke_open(ids: IdentityState, user: str, kind: str | None = None) -> None:
    for token in ids["tokens"].values():
        if token["user"] == user and token["state"] == "open" and kind in (None, token["kind"]):
            token["state"] = "revoked"


def _set_status(ids: IdentityState, event: Event, status: str) -> UserRecord:
    user = ids["users"][event.data["user"]]
    user["status"] = status
    user["status_changed_ms"] = event.t_ms
    return user


def _created(state: State, event: Event) -> None:
    ids: IdentityState = state["identity"]
    if find_user(ids, event.data["login"]) is not None:
        return  # a drifted new hire whose drawn login is taken: nobody is added
    uid = next_user_id(ids)
    ids["users"][uid] = _user(event.data, uid, "STAGED", event.t_ms)
    _audit(ids, event, uid, None, f"created {event.data['login']} (STAGED)")


def _issue(ids: IdentityState, event: Event, kind: str) -> None:
    data = event.data
    _revoke_open(ids, data["user"], kind)
    ids["tokens"][data["token"]] = {
        "token": data["token"],
        "kind": kind,
        "user": data["user"],
        "issued_ms": event.t_ms,
        "expires_ms": data["expires_ms"],
        "state": "open",
    }


def _activated(state: State, event: Event) -> None:
    ids: IdentityState = state["identity"]
    before = ids["users"][event.data["user"]]["status"]
    _set_status(ids, event, "PROVISIONED")
    _issue(ids, event, "activation")
    _audit(
        ids, event, event.data["user"], None, f"{before} -> PROVISIONED; activation token issued"
    )


def _token_used(state: State, event: Event) -> None:
    ids: IdentityState = state["identity"]
    token = ids["tokens"][event.data["token"]]
    token["state"] = "used"
    user = ids["users"][token["user"]]
    user["password_changed_ms"] = event.t_ms
    if user["status"] != "ACTIVE":
        _set_status(ids, event, "ACTIVE")
    _audit(ids, event, user["id"], None, f"{token['kind']} token used; password set")


def _lifecycle(status: str, revoke: bool) -> Reducer:
    def reduce(state: State, event: Event) -> None:
        ids: IdentityState = state["identity"]
        before = ids["users"][event.data["user"]]["status"]
        _set_status(ids, event, status)
        if revoke:
            _revoke_open(ids, event.data["user"])
        reason = event.data.get("reason") or ""
        detail = f"{before} -> {status}" + (f": {reason}" if reason else "")
        _audit(ids, event, event.data["user"], None, detail)

    return reduce


def _reset(state: State, event: Event) -> None:
    ids: IdentityState = state["identity"]
    _issue(ids, event, "reset")
    _audit(ids, event, event.data["user"], None, "password reset token issued")


def _membership(records: str, field: str, add: bool) -> Reducer:
    def reduce(state: State, event: Event) -> None:
        ids: IdentityState = state["identity"]
        name = event.data["group" if records == "groups" else "app"]
        record: Any = ids[records][name]  # type: ignore[literal-required]
        users = set(record[field])
        uid = event.data["user"]
        users.add(uid) if add else users.discard(uid)
        record[field] = sorted(users)
        _audit(ids, event, uid, name, ("added to " if add else "removed from ") + name)

    return reduce


REDUCERS: dict[str, Reducer] = {
    USER_CREATED: _created,
    USER_ACTIVATED: _activated,
    ACTIVATION_COMPLETED: _token_used,
    USER_SUSPENDED: _lifecycle("SUSPENDED", revoke=True),
    USER_UNSUSPENDED: _lifecycle("ACTIVE", revoke=False),
    USER_DEACTIVATED: _lifecycle("DEPROVISIONED", revoke=True),
    PASSWORD_RESET: _reset,
    PASSWORD_CHANGED: _token_used,
    GROUP_MEMBER_ADDED: _membership("groups", "members", add=True),
    GROUP_MEMBER_REMOVED: _membership("groups", "members", add=False),
    APP_ASSIGNED: _membership("apps", "assigned", add=True),
    APP_UNASSIGNED: _membership("apps", "assigned", add=False),
}

_VERBS = {
    USER_CREATED: "created user",
    USER_ACTIVATED: "activated",
    USER_SUSPENDED: "suspended",
    USER_UNSUSPENDED: "unsuspended",
    USER_DEACTIVATED: "deactivated",
    PASSWORD_RESET: "sent a password reset to",
    GROUP_MEMBER_ADDED: "added to group",
    GROUP_MEMBER_REMOVED: "removed from group",
    APP_ASSIGNED: "assigned app",
    APP_UNASSIGNED: "unassigned app",
}


def _outward(state: Mapping[str, Any], event: Event) -> Outward | None:
    ids = state.get("identity")
    if ids is None:
        return None
    data = event.data
    user = find_user(ids, data["user"]) if "user" in data else None
    if event.kind == USER_CREATED:
        user = find_user(ids, data["login"])
    if user is None:
        return None
    target = data.get("group") or data.get("app")
    verb = _VERBS[event.kind]
    text = (
        f"{verb} {target} for {user['display_name']}"
        if target
        else f"{verb} {user['display_name']}"
    )
    if data.get("reason"):
        text += f": {data['reason']}"
    # Activation and reset links are mailed to the person.
    mailed = event.kind in (USER_ACTIVATED, PASSWORD_RESET)
    return Outward(
        "identity",
        f"identity user {user['id']} ({user['login']})",
        text,
        (f"identity:{user['id']}",),
        destinations=(user["login"],) if mailed else (),
    )


# What the agent's directory changes show others (vei.core.twin.Outward): each reaches the
# person it changes, as target ``identity:<user id>``.
OUTWARD = {kind: _outward for kind in _VERBS}
