"""How CRM records are looked up and shown: references by id, name or email, the rows tools
return, and ranked search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vei.core.errors import VeiError
from vei.money import format_money
from vei.twins.crm.state import ordered, stage_of

_WHAT = {"companies": "company", "contacts": "contact", "deals": "deal", "activities": "activity"}


def find(crm: Mapping[str, Any], table: str, ref: str) -> Mapping[str, Any]:
    """The record ``ref`` names in ``table``: its id (any case), or its exact name (any case;
    contacts also by email). ``crm.<what>_not_found`` or ``crm.ambiguous`` otherwise."""
    what = _WHAT[table]
    key = ref.strip()
    records = crm[table]
    if key.upper() in records:
        return records[key.upper()]  # type: ignore[no-any-return]
    low = key.lower()
    hits = [
        r
        for r in ordered(records.values())
        if str(r.get("name", "")).lower() == low or str(r.get("email", "")).lower() == low
    ]
    if len(hits) == 1:
        return hits[0]
    if hits:
        listed = ", ".join(f"{r['id']} ({_where(crm, r)})" for r in hits)
        raise VeiError("crm.ambiguous", f"{len(hits)} {table} are called {ref!r}: {listed}")
    raise VeiError(f"crm.{what}_not_found", f"no {what} {ref!r}; crm_search finds {table}")


def _where(crm: Mapping[str, Any], record: Mapping[str, Any]) -> str:
    company = crm["companies"].get(record.get("company") or "")
    return str(company["name"]) if company else str(record.get("email", ""))


def resolve_owner(crm: Mapping[str, Any], owner: str) -> str:
    """The CRM user ``owner`` names (email or exact name); ``crm.unknown_user`` otherwise."""
    low = owner.strip().lower()
    if low in crm["users"]:
        return low
    named = [u["email"] for u in crm["users"].values() if u["name"].lower() == low]
    if len(named) == 1:
        return str(named[0])
    users = ", ".join(f"{u['email']} ({u['name']})" for u in crm["users"].values())
    raise VeiError("crm.unknown_user", f"{owner!r} is not a CRM user; users are {users}")


def company_row(crm: Mapping[str, Any], co: Mapping[str, Any]) -> dict[str, Any]:
    return {k: co[k] for k in ("id", "name", "domain", "industry", "owner")}


def contact_row(crm: Mapping[str, Any], ct: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "email", "company", "title", "phone", "time_zone")
    return {k: ct[k] for k in keys} | {
        "company_name": crm["companies"][ct["company"]]["name"],
        "do_not_contact": ct["do_not_contact"],
        "consent_note": ct["consent_note"],
        "owner": ct["owner"],
    }


def deal_row(crm: Mapping[str, Any], dl: Mapping[str, Any]) -> dict[str, Any]:
    contact = crm["contacts"].get(dl["contact"] or "")
    stage = stage_of(crm, dl["stage"]) or {"label": dl["stage"]}
    return {
        "id": dl["id"],
        "name": dl["name"],
        "company": dl["company"],
        "company_name": crm["companies"][dl["company"]]["name"],
        "contact": dl["contact"],
        "contact_name": None if contact is None else contact["name"],
        "stage": dl["stage"],
        "stage_label": stage["label"],
        "amount_cents": dl["amount_cents"],
        "amount": format_money(int(dl["amount_cents"])),
        "owner": dl["owner"],
        "close_date": dl["close_date"],
        "next_step": dl["next_step"],
    }


def activity_row(crm: Mapping[str, Any], act: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "type", "subject", "body", "contact", "deal", "company", "by", "t_ms")
    return {k: act[k] for k in keys} | {"calendar_event": act.get("calendar_event")}


def _texts(crm: Mapping[str, Any], kind: str, r: Mapping[str, Any]) -> tuple[str, str, str]:
    """(name, detail shown, all searchable text) of one record."""
    if kind == "companies":
        return r["name"], f"{r['industry']} {r['domain']}".strip(), f"{r['name']} {r['domain']}"
    if kind == "contacts":
        company = crm["companies"][r["company"]]["name"]
        detail = f"{r['title']} at {company}, {r['email']}"
        return r["name"], detail, f"{r['name']} {r['email']} {r['title']} {company}"
    if kind == "deals":
        company = crm["companies"][r["company"]]["name"]
        detail = f"{r['stage']}, {format_money(int(r['amount_cents']))}, {company}"
        return r["name"], detail, f"{r['name']} {company} {r['next_step']}"
    snippet = " ".join(str(r["body"]).split())[:100]
    return r["subject"], f"{r['type']}: {snippet}", f"{r['subject']} {r['body']}"


def search_records(crm: Mapping[str, Any], query: str, kind: str | None) -> list[dict[str, Any]]:
    """Rows of records containing any query word: scored by words found (a word in the
    name counts twice), best first, then by kind and id."""
    words = [w for w in query.lower().split() if w]
    rows: list[tuple[int, int, int, dict[str, Any]]] = []
    for rank, table in enumerate(("companies", "contacts", "deals", "activities")):
        if kind is not None and kind != table:
            continue
        for record in ordered(crm[table].values()):
            name, detail, text = _texts(crm, table, record)
            score = sum((2 if w in name.lower() else 1) for w in words if w in text.lower())
            if score:
                row = {
                    "kind": _WHAT[table],
                    "id": record["id"],
                    "name": name,
                    "detail": detail,
                    "score": score,
                }
                rows.append((-score, rank, len(rows), row))
    return [row for *_, row in sorted(rows, key=lambda t: t[:3])]
