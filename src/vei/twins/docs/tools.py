"""Wiki tools the agent calls (a Confluence- or Drive-like company wiki).

Documents are named by id (``DOC-3``), spaces by key (``it``), people by login. The agent
acts as ``state["docs"]["me"]``: it sees and changes only what its access allows
(``vei.twins.docs.state``); a restricted document it may not read is listed without its
text. Reads need ``docs:read``, changes ``docs:write``, transferring ownership
``docs:admin``. Lists are in id order; search is ranked. Error codes are in
``ERROR_CODES``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.docs.state import (
    COMMENT_ADDED,
    DOC_CREATED,
    DOC_SHARED,
    DOC_UNSHARED,
    DOC_UPDATED,
    DOC_VIEWED,
    OWNER_CHANGED,
    Doc,
    allows,
    current,
    doc_link,
    doc_number,
    find_doc,
    next_doc_id,
    person_name,
    role_of,
)

ERROR_CODES: dict[str, str] = {
    "docs.doc_not_found": "No document with that id; docs_list and docs_search find documents.",
    "docs.space_not_found": "No space with that key; the message lists the spaces.",
    "docs.version_not_found": "The document has no such version; the message names its versions.",
    "docs.forbidden": "The agent's access to the document does not allow that (restricted, or view/comment only); the message names the owner to ask.",
    "docs.version_conflict": "The document changed since the version the update was based on; read the latest version and apply the change again.",
    "docs.unknown_person": "No person with that login (the wiki's people or the directory).",
    "docs.invalid_argument": "An empty query, body or change, a tag that is not a word, or a share that changes nothing.",
}

_DOC = Field(min_length=1, max_length=20, description="Document id, e.g. DOC-3.")
_LIMIT = Field(default=20, ge=1, le=100, description="At most this many rows.")
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_WORD = re.compile(r"[a-z0-9]+")


class ListArgs(ToolArgs):
    space: str | None = Field(default=None, max_length=32, description="Only this space (key).")
    tag: str | None = Field(
        default=None, max_length=32, description="Only documents with this tag."
    )
    owner: str | None = Field(
        default=None, max_length=120, description="Only documents this login owns."
    )
    status: Literal["current", "archived"] | None = Field(
        default=None, max_length=8, description="Only current or only archived documents."
    )
    limit: int = _LIMIT


class SearchArgs(ToolArgs):
    query: str = Field(min_length=1, max_length=200, description="Words to look for.")
    space: str | None = Field(default=None, max_length=32, description="Only this space (key).")
    limit: int = Field(default=10, ge=1, le=50, description="At most this many results.")


class ReadArgs(ToolArgs):
    doc: str = _DOC
    version: int | None = Field(
        default=None, ge=1, description="An earlier version (default: the latest)."
    )


class DocArgs(ToolArgs):
    doc: str = _DOC


class CreateArgs(ToolArgs):
    space: str = Field(min_length=1, max_length=32, description="Space key, e.g. it.")
    title: str = Field(min_length=1, max_length=200, description="Title.")
    body: str = Field(min_length=1, max_length=20_000, description="Text (plain or markdown).")
    tags: list[str] = Field(default_factory=list, max_length=10, description="Tags (words).")
    restricted: bool = Field(
        default=False, description="Only the agent (and people it shares with) can read it."
    )
    confidential: bool = Field(default=False, description="Mark it confidential.")


class UpdateArgs(ToolArgs):
    doc: str = _DOC
    base_version: int = Field(
        ge=1, description="The version this change is based on (the one read)."
    )
    body: str | None = Field(default=None, max_length=20_000, description="New text.")
    title: str | None = Field(default=None, max_length=200, description="New title.")
    tags: list[str] | None = Field(default=None, max_length=10, description="New tags.")
    confidential: bool | None = Field(default=None, description="Mark or unmark confidential.")
    archived: bool | None = Field(default=None, description="Archive (or restore) it.")
    note: str = Field(default="", max_length=300, description="What changed (version note).")


class CommentArgs(ToolArgs):
    doc: str = _DOC
    body: str = Field(min_length=1, max_length=5_000, description="The comment.")


class ShareArgs(ToolArgs):
    doc: str = _DOC
    scope: Literal["people", "internal", "link"] = Field(
        max_length=8,
        description="people: the logins given; internal: everyone in the company; link: anyone with the link (outside too).",
    )
    people: list[str] = Field(
        default_factory=list, max_length=20, description="Logins, for scope people."
    )
    role: Literal["view", "comment", "edit"] = Field(
        default="view", max_length=7, description="What the people may do."
    )


class UnshareArgs(ToolArgs):
    doc: str = _DOC
    scope: Literal["people", "internal", "link"] = Field(
        max_length=8, description="What to take back."
    )
    people: list[str] = Field(default_factory=list, max_length=20, description="Logins.")


class TransferArgs(ToolArgs):
    doc: str = _DOC
    owner: str = Field(min_length=3, max_length=120, description="Login of the new owner.")


def doc_of(state: Mapping[str, Any], ref: str) -> Doc:
    """The document ``ref`` names; ``docs.doc_not_found`` otherwise."""
    doc = find_doc(state["docs"], ref)
    if doc is None:
        raise VeiError(
            "docs.doc_not_found",
            f"no document {ref!r} (ids look like DOC-3; docs_search finds documents)",
        )
    return doc


def _role(state: Mapping[str, Any], doc: Mapping[str, Any]) -> str | None:
    docs = state["docs"]
    return role_of(docs, doc, docs["me"])


def _need(state: Mapping[str, Any], doc: Mapping[str, Any], needed: str) -> None:
    role = _role(state, doc)
    if doc["link"] and needed == "view":
        return
    if not allows(role, needed):
        have = role or "no access"
        raise VeiError(
            "docs.forbidden",
            f"{doc['id']} is {doc['access']} and you have {have}; {needed} needs more "
            f"(ask its owner {doc['owner']})",
        )


def _space(state: Mapping[str, Any], key: str) -> str:
    spaces = state["docs"]["spaces"]
    found = key.strip().lower()
    if found not in spaces:
        raise VeiError(
            "docs.space_not_found", f"no space {key!r} (spaces: {', '.join(sorted(spaces))})"
        )
    return found


def _person(state: Mapping[str, Any], login: str) -> str:
    found = login.strip().lower()
    if person_name(state, found) is None:
        raise VeiError(
            "docs.unknown_person", f"no person {login!r} (give a login such as ann@company.example)"
        )
    return found


def _tags(tags: list[str]) -> list[str]:
    cleaned = sorted({t.strip().lower() for t in tags})
    bad = [t for t in cleaned if not _TAG.match(t)]
    if bad:
        raise invalid("docs", f"tags must be words (a-z, 0-9, -): {', '.join(map(repr, bad))}")
    return cleaned


def _row(state: Mapping[str, Any], doc: Mapping[str, Any]) -> dict[str, Any]:
    latest = current(doc)
    return {
        "id": doc["id"],
        "title": doc["title"],
        "space": doc["space"],
        "owner": doc["owner"],
        "tags": list(doc["tags"]),
        "status": doc["status"],
        "version": latest["version"],
        "updated_ms": doc["updated_ms"],
        "confidential": doc["confidential"],
        "can_read": doc["link"] or allows(_role(state, doc), "view"),
    }


def list_docs(state: State, args: ListArgs, ctx: CallContext) -> dict[str, Any]:
    """Documents matching every filter, in id order."""
    space = None if args.space is None else _space(state, args.space)
    owner = None if args.owner is None else args.owner.strip().lower()
    tag = None if args.tag is None else args.tag.strip().lower()
    found = []
    for doc in sorted(state["docs"]["docs"].values(), key=lambda d: doc_number(d["id"])):
        if space is not None and doc["space"] != space:
            continue
        if owner is not None and doc["owner"] != owner:
            continue
        if tag is not None and tag not in doc["tags"]:
            continue
        if args.status is not None and doc["status"] != args.status:
            continue
        found.append(_row(state, doc))
    return {"docs": found[: args.limit], "total": len(found)}


def _snippet(body: str, words: list[str]) -> str:
    lowered = body.lower()
    hits = [lowered.find(w) for w in words if w in lowered]
    start = max(0, min(hits, default=0) - 60)
    end = min(len(body), start + 180)
    text = " ".join(body[start:end].split())
    return ("…" if start else "") + text + ("…" if end < len(body) else "")


def search(state: State, args: SearchArgs, ctx: CallContext) -> dict[str, Any]:
    """Readable documents containing any query word, best first."""
    words = _WORD.findall(args.query.lower())
    if not words:
        raise invalid("docs", "the query has no words")
    space = None if args.space is None else _space(state, args.space)
    scored = []
    for doc in state["docs"]["docs"].values():
        if space is not None and doc["space"] != space:
            continue
        if not (doc["link"] or allows(_role(state, doc), "view")):
            continue
        latest = current(doc)
        title, body = _WORD.findall(latest["title"].lower()), _WORD.findall(latest["body"].lower())
        score = sum(5 * title.count(w) + 3 * (w in doc["tags"]) + body.count(w) for w in words)
        if score:
            scored.append((-score, doc_number(doc["id"]), doc, latest))
    scored.sort(key=lambda row: row[:2])
    results = [
        _row(state, doc) | {"score": -neg, "snippet": _snippet(latest["body"], words)}
        for neg, _, doc, latest in scored[: args.limit]
    ]
    return {"results": results, "total": len(scored)}


def read(state: State, args: ReadArgs, ctx: CallContext) -> dict[str, Any]:
    """One version of a document in full; records that the agent read it."""
    doc = doc_of(state, args.doc)
    _need(state, doc, "view")
    latest = current(doc)
    number = latest["version"] if args.version is None else args.version
    if not 1 <= number <= latest["version"]:
        raise VeiError(
            "docs.version_not_found",
            f"{doc['id']} has versions 1 to {latest['version']}, not {number}",
        )
    version = doc["versions"][number - 1]
    ctx.emit(DOC_VIEWED, {"doc": doc["id"], "version": number})
    return _row(state, doc) | {
        "version": number,
        "latest_version": latest["version"],
        "title": version["title"],
        "body": version["body"],
        "author": version["author"],
        "version_ms": version["t_ms"],
        "access": doc["access"],
        "shared_with": [{"person": p, "role": r} for p, r in doc["shares"].items()],
        "link": doc["link"],
        "comments": [dict(c) for c in doc["comments"]],
    }


def history(state: State, args: DocArgs, ctx: CallContext) -> dict[str, Any]:
    """Every version's author, time and note, newest first."""
    doc = doc_of(state, args.doc)
    _need(state, doc, "view")
    versions = [
        {"version": v["version"], "author": v["author"], "t_ms": v["t_ms"], "note": v["note"]}
        for v in reversed(doc["versions"])
    ]
    return {"id": doc["id"], "title": doc["title"], "versions": versions}


def list_spaces(state: State, args: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """Every space with its document count, by key."""
    docs = state["docs"]
    counts: dict[str, int] = {}
    for doc in docs["docs"].values():
        counts[doc["space"]] = counts.get(doc["space"], 0) + 1
    return {
        "spaces": [
            {
                "key": s["key"],
                "name": s["name"],
                "description": s["description"],
                "open_edit": s["open_edit"],
                "docs": counts.get(s["key"], 0),
            }
            for s in sorted(docs["spaces"].values(), key=lambda s: s["key"])
        ]
    }


def create(state: State, args: CreateArgs, ctx: CallContext) -> dict[str, Any]:
    """A new document owned by the agent, at version 1."""
    docs = state["docs"]
    space = _space(state, args.space)
    if not args.title.strip() or not args.body.strip():
        raise invalid("docs", "a document needs a title and a body that are not blank")
    if not docs["spaces"][space]["open_edit"] and not args.restricted:
        raise VeiError(
            "docs.forbidden",
            f"space {space} is not open for editing: create a restricted document there, or use another space",
        )
    did = next_doc_id(docs)
    ctx.emit(
        DOC_CREATED,
        {
            "doc": did,
            "space": space,
            "title": args.title.strip(),
            "body": args.body,
            "tags": _tags(args.tags),
            "owner": docs["me"],
            "access": "restricted" if args.restricted else "internal",
            "confidential": args.confidential,
        },
    )
    return {"id": did, "version": 1, "space": space, "owner": docs["me"]}


def update(state: State, args: UpdateArgs, ctx: CallContext) -> dict[str, Any]:
    """A new version of a document, if nobody changed it since ``base_version``."""
    doc = doc_of(state, args.doc)
    _need(state, doc, "edit")
    latest = current(doc)
    if args.base_version != latest["version"]:
        raise VeiError(
            "docs.version_conflict",
            f"{doc['id']} is at version {latest['version']} (by {latest['author']}), not "
            f"{args.base_version}: read it again and apply your change to the latest text",
        )
    changes = {
        "body": args.body,
        "title": None if args.title is None else args.title.strip() or None,
        "tags": None if args.tags is None else _tags(args.tags),
        "confidential": args.confidential,
        "status": None if args.archived is None else ("archived" if args.archived else "current"),
    }
    if args.body is not None and not args.body.strip():
        raise invalid("docs", "the new body is blank")
    if all(v is None for v in changes.values()):
        raise invalid("docs", "nothing to change: give body, title, tags, confidential or archived")
    data = {k: v for k, v in changes.items() if v is not None}
    ctx.emit(
        DOC_UPDATED,
        {"doc": doc["id"], "author": state["docs"]["me"], "note": args.note} | data,
    )
    return {"id": doc["id"], "version": latest["version"] + 1}


def comment(state: State, args: CommentArgs, ctx: CallContext) -> dict[str, Any]:
    """A comment on a document."""
    doc = doc_of(state, args.doc)
    _need(state, doc, "comment")
    if not args.body.strip():
        raise invalid("docs", "the comment is blank")
    ctx.emit(COMMENT_ADDED, {"doc": doc["id"], "author": state["docs"]["me"], "body": args.body})
    total = sum(len(d["comments"]) for d in state["docs"]["docs"].values())
    return {"id": doc["id"], "comment_id": f"CMT-{total + 1:04d}"}


def _share_people(state: State, scope: str, people: list[str]) -> list[str]:
    if scope != "people":
        if people:
            raise invalid("docs", f"scope {scope} takes no people")
        return []
    if not people:
        raise invalid("docs", "scope people needs at least one login")
    found = []
    for login in people:
        clean = login.strip().lower()
        if "@" not in clean:
            raise VeiError("docs.unknown_person", f"{login!r} is not a login (an address)")
        # Someone outside the company is shared with by address; inside, they must exist.
        inside = clean.endswith("@" + state["docs"]["domain"])
        found.append(_person(state, clean) if inside else clean)
    return sorted(set(found))


def share(state: State, args: ShareArgs, ctx: CallContext) -> dict[str, Any]:
    """Share a document with people, the whole company or anyone with the link."""
    doc = doc_of(state, args.doc)
    _need(state, doc, "edit")
    people = _share_people(state, args.scope, args.people)
    if args.scope == "internal" and doc["access"] == "internal":
        raise invalid("docs", f"{doc['id']} is already readable by everyone in the company")
    if args.scope == "link" and doc["link"]:
        raise invalid("docs", f"{doc['id']} already has an external link")
    if args.scope == "people" and all(doc["shares"].get(p) == args.role for p in people):
        raise invalid("docs", f"{doc['id']} is already shared so with {', '.join(people)}")
    ctx.emit(
        DOC_SHARED, {"doc": doc["id"], "scope": args.scope, "people": people, "role": args.role}
    )
    result: dict[str, Any] = {"id": doc["id"], "scope": args.scope, "people": people}
    if args.scope == "link":
        result["link"] = doc_link(state["docs"], doc["id"])
    return result


def unshare(state: State, args: UnshareArgs, ctx: CallContext) -> dict[str, Any]:
    """Take back a share: from people, from the company, or the external link."""
    doc = doc_of(state, args.doc)
    _need(state, doc, "edit")
    people = _share_people(state, args.scope, args.people)
    if args.scope == "link" and not doc["link"]:
        raise invalid("docs", f"{doc['id']} has no external link")
    if args.scope == "internal" and doc["access"] != "internal":
        raise invalid("docs", f"{doc['id']} is already restricted")
    if args.scope == "people" and not any(p in doc["shares"] for p in people):
        raise invalid("docs", f"{doc['id']} is not shared with {', '.join(people)}")
    ctx.emit(DOC_UNSHARED, {"doc": doc["id"], "scope": args.scope, "people": people})
    return {"id": doc["id"], "scope": args.scope, "people": people}


def transfer(state: State, args: TransferArgs, ctx: CallContext) -> dict[str, Any]:
    """Make another person the owner (an admin action); the previous owner keeps edit."""
    doc = doc_of(state, args.doc)
    owner = _person(state, args.owner)
    if owner == doc["owner"]:
        raise invalid("docs", f"{owner} already owns {doc['id']}")
    ctx.emit(OWNER_CHANGED, {"doc": doc["id"], "owner": owner, "previous": doc["owner"]})
    return {"id": doc["id"], "owner": owner, "previous_owner": doc["owner"]}


_ROW = "id, title, space, owner, tags, status, version, updated_ms, confidential, can_read"

TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "docs_list_spaces",
        "List the wiki's spaces (folders) by key. "
        "Returns {spaces: [{key, name, description, open_edit, docs}]} (docs is a count).",
        NoArgs,
        list_spaces,
        latency_ms=200,
        keywords=("wiki", "folders", "drive", "confluence"),
    ),
    tool(
        "docs_list",
        "List the wiki's documents in id order, optionally one space, tag, owner or status "
        "(current or archived); restricted documents the agent may not read are listed with can_read false. "
        f"Returns {{docs: [{{{_ROW}}}], total}}.",
        ListArgs,
        list_docs,
        latency_ms=250,
        keywords=("wiki", "documents", "pages", "drive", "owned", "browse"),
    ),
    tool(
        "docs_search",
        "Search the documents the agent can read for any of the query words, best match first (title words count most, "
        "then tags, then the text), with a snippet of the text. "
        f"Returns {{results: [{{{_ROW}, score, snippet}}], total}}.",
        SearchArgs,
        search,
        latency_ms=350,
        keywords=("find", "wiki", "knowledge", "policy", "lookup", "documents"),
    ),
    tool(
        "docs_read",
        "Read a document in full: its latest version, or an earlier one, with its comments and who it is shared with. "
        f"Returns {{{_ROW}, latest_version, body, author, version_ms, access, shared_with: [{{person, role}}], link, "
        "comments: [{id, author, body, t_ms}]}.",
        ReadArgs,
        read,
        records=True,
        latency_ms=300,
        keywords=("open", "view", "document", "page", "wiki", "version"),
    ),
    tool(
        "docs_history",
        "List a document's versions, newest first, with who wrote each and its note. "
        "Returns {id, title, versions: [{version, author, t_ms, note}]}.",
        DocArgs,
        history,
        latency_ms=200,
        keywords=("versions", "changes", "revisions", "audit"),
    ),
    tool(
        "docs_create",
        "Create a document in a space, owned by the agent (readable by the company unless restricted). "
        "Returns {id, version, space, owner}.",
        CreateArgs,
        create,
        effect="write",
        latency_ms=500,
        keywords=("new", "write", "page", "file", "record", "wiki"),
    ),
    tool(
        "docs_update",
        "Save a new version of a document (text, title, tags, confidential or archived), based on the version read: "
        "refused with docs.version_conflict if someone changed it since. Returns {id, version}.",
        UpdateArgs,
        update,
        effect="write",
        latency_ms=500,
        keywords=("edit", "change", "revise", "modify", "archive", "confidential"),
    ),
    tool(
        "docs_comment",
        "Comment on a document. Returns {id, comment_id}.",
        CommentArgs,
        comment,
        effect="write",
        latency_ms=400,
        keywords=("reply", "note", "feedback", "discuss"),
    ),
    tool(
        "docs_share",
        "Share a document with people (view, comment or edit), with everyone in the company, or with anyone who has "
        "an external link (outside the company too). Returns {id, scope, people} (and link for an external link).",
        ShareArgs,
        share,
        effect="write",
        latency_ms=400,
        keywords=("permissions", "access", "link", "invite", "external", "grant"),
    ),
    tool(
        "docs_unshare",
        "Take back a share of a document: from people, from the whole company (it becomes restricted) or its external link. "
        "Returns {id, scope, people}.",
        UnshareArgs,
        unshare,
        effect="write",
        latency_ms=400,
        keywords=("revoke", "permissions", "access", "restrict", "link"),
    ),
    tool(
        "docs_transfer_owner",
        "Transfer ownership of a document to another person (an admin action, e.g. when someone leaves); the previous "
        "owner keeps edit access until removed. Returns {id, owner, previous_owner}.",
        TransferArgs,
        transfer,
        effect="write",
        scope="docs:admin",
        latency_ms=500,
        keywords=("ownership", "owner", "offboarding", "handover", "reassign"),
    ),
)
