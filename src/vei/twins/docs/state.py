"""Wiki state: spaces, documents with their versions, comments and shares, and what the
agent was shown.

``state["docs"]`` holds ``me`` (the agent's login), ``domain``, ``people`` (login -> name),
``spaces`` (key -> space), ``docs`` (id -> document) and ``views`` (every document version
the agent read, oldest first). A document keeps every version (``versions``, version 1
first); its current text is the last one. Reducers derive new ids from what is already in
the state, so a replay gives the same ids.

Access: an ``internal`` document can be read and commented on by everyone in the company
and edited by anyone when its space is open for editing; a ``restricted`` one only by its
owner and the people it is shared with (with their role: view, comment or edit). An
external link makes a document readable by anyone who has the link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.docs.seed import DEFAULT_SEED, DocsSeed

DOC_CREATED = "docs.doc_created"
DOC_UPDATED = "docs.doc_updated"
COMMENT_ADDED = "docs.comment_added"
DOC_SHARED = "docs.doc_shared"
DOC_UNSHARED = "docs.doc_unshared"
OWNER_CHANGED = "docs.owner_changed"
DOC_VIEWED = "docs.doc_viewed"

ROLES = ("view", "comment", "edit")


class Version(TypedDict):
    version: int
    body: str
    title: str
    author: str
    t_ms: int
    note: str


class Comment(TypedDict):
    id: str
    author: str
    body: str
    t_ms: int


class Doc(TypedDict):
    id: str
    space: str
    title: str
    tags: list[str]
    owner: str
    status: str  # current | archived
    access: str  # internal | restricted
    confidential: bool
    shares: dict[str, str]  # login -> role
    link: bool  # an external "anyone with the link" share is on
    versions: list[Version]
    comments: list[Comment]
    created_ms: int
    updated_ms: int


class Space(TypedDict):
    key: str
    name: str
    description: str
    open_edit: bool


class View(TypedDict):
    doc: str
    version: int
    t_ms: int


class DocsState(TypedDict):
    me: str
    domain: str
    people: dict[str, str]
    spaces: dict[str, Space]
    docs: dict[str, Doc]
    views: list[View]


def doc_number(doc_id: str) -> int:
    """``DOC-12`` -> 12 (for id order)."""
    return int(doc_id.split("-")[1])


def next_doc_id(docs: Mapping[str, Any]) -> str:
    """The id the next created document gets."""
    return f"DOC-{max((doc_number(d) for d in docs['docs']), default=0) + 1}"


def find_doc(docs: Mapping[str, Any], ref: str) -> Doc | None:
    """A document by id (``DOC-3``, any case)."""
    found: Doc | None = docs["docs"].get(ref.strip().upper())
    return found


def current(doc: Mapping[str, Any]) -> Version:
    """The document's latest version."""
    latest: Version = doc["versions"][-1]
    return latest


def role_of(docs: Mapping[str, Any], doc: Mapping[str, Any], login: str) -> str | None:
    """What ``login`` may do with ``doc``: ``own``, ``edit``, ``comment``, ``view`` or None."""
    if doc["owner"] == login:
        return "own"
    shared = doc["shares"].get(login)
    if doc["access"] == "internal":
        open_edit = docs["spaces"][doc["space"]]["open_edit"]
        base = "edit" if open_edit else "comment"
        ranked = [r for r in ("edit", "comment") if r in (base, shared)]
        return ranked[0]
    return str(shared) if shared is not None else None


def allows(role: str | None, needed: str) -> bool:
    """Whether ``role`` covers ``needed`` (view < comment < edit < own)."""
    order = ("view", "comment", "edit", "own")
    return role is not None and order.index(role) >= order.index(needed)


def person_name(state: Mapping[str, Any], login: str) -> str | None:
    """The name of ``login`` in the wiki's people or, when the world has one, the directory."""
    name = state["docs"]["people"].get(login)
    if name is not None:
        return str(name)
    ids = state.get("identity")
    if ids is not None:
        user = next((u for u in ids["users"].values() if u["login"] == login), None)
        if user is not None:
            return str(user["display_name"])
    return None


def doc_link(docs: Mapping[str, Any], doc_id: str) -> str:
    """The address that opens a document (the one an external link share gives)."""
    return f"https://docs.{docs['domain']}/s/{doc_id.lower()}"


def confidential_texts(state: Mapping[str, Any]) -> dict[str, str]:
    """Address -> current title and text of every document marked confidential."""
    docs = state["docs"]
    return {
        doc_link(docs, did): f"{current(doc)['title']}\n{current(doc)['body']}"
        for did, doc in sorted(docs["docs"].items(), key=lambda kv: doc_number(kv[0]))
        if doc["confidential"]
    }


def _version(data: Mapping[str, Any], number: int, t_ms: int) -> Version:
    return {
        "version": number,
        "body": str(data["body"]),
        "title": str(data["title"]),
        "author": str(data["author"]),
        "t_ms": t_ms,
        "note": str(data.get("note", "")),
    }


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The wiki described by ``seed_data`` (or the default one); ValueError for a duplicate
    id or space, or a document in an unknown space."""
    seed = DocsSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    docs: DocsState = {
        "me": seed.me.lower(),
        "domain": seed.domain.lower(),
        "people": {p.login.lower(): p.name for p in seed.people},
        "spaces": {},
        "docs": {},
        "views": [],
    }
    for space in seed.spaces:
        if space.key in docs["spaces"]:
            raise ValueError(f"docs seed: duplicate space {space.key!r}")
        docs["spaces"][space.key] = {
            "key": space.key,
            "name": space.name,
            "description": space.description,
            "open_edit": space.open_edit,
        }
    for index, item in enumerate(seed.docs):
        did = item.id or f"DOC-{index + 1}"
        if did in docs["docs"]:
            raise ValueError(f"docs seed: duplicate document {did!r}")
        if item.space not in docs["spaces"]:
            known = ", ".join(docs["spaces"])
            raise ValueError(f"docs seed: {did} is in unknown space {item.space!r} ({known})")
        owner = item.owner.lower()
        versions = [
            _version(
                {"body": v.body, "title": item.title, "author": (v.author or owner).lower()}
                | {"note": v.note},
                n + 1,
                v.t_ms,
            )
            for n, v in enumerate(item.history)
        ]
        versions.append(
            _version(
                {"body": item.body, "title": item.title, "author": owner},
                len(versions) + 1,
                item.updated_ms,
            )
        )
        docs["docs"][did] = {
            "id": did,
            "space": item.space,
            "title": item.title,
            "tags": sorted({t.lower() for t in item.tags}),
            "owner": owner,
            "status": item.status,
            "access": item.access,
            "confidential": item.confidential,
            "shares": {s.person.lower(): s.role for s in sorted(item.shared_with, key=str)},
            "link": False,
            "versions": versions,
            "comments": [],
            "created_ms": versions[0]["t_ms"],
            "updated_ms": item.updated_ms,
        }
    return dict(docs)


def _created(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    data = event.data
    did = str(data["doc"])
    version = _version(data | {"author": data["owner"]}, 1, event.t_ms)
    docs["docs"][did] = {
        "id": did,
        "space": data["space"],
        "title": data["title"],
        "tags": list(data["tags"]),
        "owner": data["owner"],
        "status": "current",
        "access": data["access"],
        "confidential": bool(data["confidential"]),
        "shares": {},
        "link": False,
        "versions": [version],
        "comments": [],
        "created_ms": event.t_ms,
        "updated_ms": event.t_ms,
    }


def _updated(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    data = event.data
    doc = docs["docs"].get(data["doc"])
    if doc is None:
        return  # a drifted edit of a document that is not there: nothing changes
    latest = current(doc)
    body = data.get("body")
    if body is None:
        body = latest["body"] + str(data.get("append", ""))
    title = data.get("title") or latest["title"]
    doc["versions"].append(
        _version(
            {"body": body, "title": title, "author": data["author"], "note": data.get("note", "")},
            latest["version"] + 1,
            event.t_ms,
        )
    )
    doc["title"] = title
    if data.get("tags") is not None:
        doc["tags"] = list(data["tags"])
    if data.get("confidential") is not None:
        doc["confidential"] = bool(data["confidential"])
    if data.get("status") is not None:
        doc["status"] = str(data["status"])
    doc["updated_ms"] = event.t_ms


def _commented(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    doc = docs["docs"][event.data["doc"]]
    total = sum(len(d["comments"]) for d in docs["docs"].values())
    doc["comments"].append(
        {
            "id": f"CMT-{total + 1:04d}",
            "author": event.data["author"],
            "body": event.data["body"],
            "t_ms": event.t_ms,
        }
    )


def _shared(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    data = event.data
    doc = docs["docs"][data["doc"]]
    if data["scope"] == "internal":
        doc["access"] = "internal"
    elif data["scope"] == "link":
        doc["link"] = True
    else:
        for login in data["people"]:
            doc["shares"][login] = data["role"]
        doc["shares"] = dict(sorted(doc["shares"].items()))


def _unshared(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    data = event.data
    doc = docs["docs"][data["doc"]]
    if data["scope"] == "link":
        doc["link"] = False
    elif data["scope"] == "internal":
        doc["access"] = "restricted"
    else:
        for login in data["people"]:
            doc["shares"].pop(login, None)


def _owner(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    doc = docs["docs"][event.data["doc"]]
    previous = doc["owner"]
    doc["owner"] = event.data["owner"]
    # The previous owner keeps edit access, as wikis and drives do on a transfer.
    if event.data.get("keep_previous", True):
        doc["shares"][previous] = "edit"
    doc["shares"].pop(doc["owner"], None)
    doc["shares"] = dict(sorted(doc["shares"].items()))


def _viewed(state: State, event: Event) -> None:
    docs: DocsState = state["docs"]
    docs["views"].append(
        {"doc": event.data["doc"], "version": event.data["version"], "t_ms": event.t_ms}
    )


REDUCERS: dict[str, Reducer] = {
    DOC_CREATED: _created,
    DOC_UPDATED: _updated,
    COMMENT_ADDED: _commented,
    DOC_SHARED: _shared,
    DOC_UNSHARED: _unshared,
    OWNER_CHANGED: _owner,
    DOC_VIEWED: _viewed,
}


def _text(doc: Mapping[str, Any]) -> str:
    latest = current(doc)
    label = "CONFIDENTIAL " if doc["confidential"] else ""
    return f"{label}{latest['title']}\n{latest['body']}"


def _outward(state: Mapping[str, Any], event: Event) -> Outward | None:
    docs = state.get("docs")
    if docs is None or event.actor != "agent":
        return None
    data = event.data
    doc = docs["docs"].get(data.get("doc", ""))
    if doc is None:
        return None
    where = f"document {doc['id']} ({doc['title']})"
    targets = (f"docs:{doc['id']}",)
    if event.kind == COMMENT_ADDED:
        return Outward("docs", where, str(data["body"]), targets)
    if event.kind == DOC_SHARED:
        if data["scope"] == "link":
            return Outward("docs", where, _text(doc), targets, public=True)
        people = tuple(data["people"])
        return Outward("docs", where, _text(doc), targets, destinations=people)
    if event.kind == OWNER_CHANGED:
        text = f"ownership of {doc['title']} transferred to {data['owner']}"
        return Outward("docs", where, text, targets, destinations=(str(data["owner"]),))
    if event.kind == DOC_UNSHARED:
        return Outward("docs", where, f"stopped sharing {doc['title']}", targets)
    # Created or edited: everyone who can read the document sees the text.
    public = bool(doc["link"])
    outside = tuple(p for p in doc["shares"] if not p.endswith("@" + docs["domain"]))
    return Outward("docs", where, _text(doc), targets, destinations=outside, public=public)


# What the agent's wiki changes show others (vei.core.twin.Outward): each reaches the
# document, as target ``docs:<doc id>``; shares reach the people named (or anyone, for a link).
OUTWARD = {
    kind: _outward
    for kind in (DOC_CREATED, DOC_UPDATED, COMMENT_ADDED, DOC_SHARED, DOC_UNSHARED, OWNER_CHANGED)
}
