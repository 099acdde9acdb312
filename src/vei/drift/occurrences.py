"""When each drift job fires and what it says: a pure function of (drift seed, job, k).

Occurrence ``k`` of a job is due at ``offset + k * interval + jitter_k`` and its wording is
drawn from the stream ``drift/<job id>/<k>`` of the drift seed, so the schedule never
depends on what the agent does, and ``vei-drift plan`` shows exactly what a world gets.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vei.core.rng import stream
from vei.drift.jobs import TWIN_DRIFT
from vei.drift.library import DAYS, TIMES, TOPICS
from vei.money import format_money
from vei.twins.browser.state import PAGE_UPDATED
from vei.twins.mail.state import MESSAGE_RECEIVED
from vei.twins.slack.state import MESSAGE_POSTED, dm_id

MAIL_RECEIVED = MESSAGE_RECEIVED
CHAT_POSTED = MESSAGE_POSTED
ACTOR = "drift"
_PICK = "_pick"
_PRICE = re.compile(r"\$\s?\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\$\s?\d+(?:\.\d{1,2})?")


@dataclass(frozen=True)
class Occurrence:
    """One planned drift event: when, which job, the event it becomes, and a summary."""

    due_ms: int
    job: str
    k: int
    kind: str
    data: dict[str, Any]
    target: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able row for ``vei-drift plan --json``."""
        return {
            "t_ms": self.due_ms,
            "job": self.job,
            "occurrence": self.k,
            "kind": self.kind,
            "target": self.target,
            "summary": self.summary,
        }


def _variables(rng: random.Random, context: Mapping[str, Any]) -> dict[str, str]:
    # Always the same draws in the same order, whatever the templates use.
    return {
        _PICK: str(rng.randrange(1_000_000)),  # which colleague {colleague} names
        "me": str(context["me"]),
        "company": str(context["company"]),
        "domain": str(context["domain"]),
        "topic": rng.choice(TOPICS),
        "day": rng.choice(DAYS),
        "time": rng.choice(TIMES),
        "n": str(rng.randint(2, 9)),
        "count": str(rng.randint(10, 99)),
        "amount": format_money(rng.randint(40, 900) * 100),
    }


def _for_sender(v: dict[str, str], context: Mapping[str, Any], sender: str) -> dict[str, str]:
    """The variables with {sender} and a {colleague} who is someone else."""
    others = [str(c["name"]) for c in context["colleagues"] if c["name"] != sender] or ["Sam"]
    return v | {"sender": sender, "colleague": others[int(v[_PICK]) % len(others)]}


def _mail(
    job: Mapping[str, Any], rng: random.Random, v: dict[str, str], context: Mapping[str, Any]
) -> Any:
    sender = rng.choice(job["senders"])
    v = _for_sender(v, context, sender["name"])
    subject = rng.choice(job["subjects"]).format(**v)
    body = rng.choice(job["bodies"]).format(**v)
    data = {
        "id": f"msg-{job['id']}-{v['k']}",
        "from": sender["address"],
        "to": [v["address"]],
        "cc": [],
        "subject": subject,
        "body": body,
        "in_reply_to": None,
    }
    return MAIL_RECEIVED, data, "mail:INBOX", f"mail from {sender['address']}: {subject}"


def _chat(
    job: Mapping[str, Any], rng: random.Random, v: dict[str, str], context: Mapping[str, Any]
) -> Any:
    author = rng.choice(job["authors"])
    names = {c["id"]: c["name"] for c in context["colleagues"]}
    text = rng.choice(job["texts"]).format(**_for_sender(v, context, names.get(author["id"], "")))
    if job["channel"] == "dm":
        channel, target = dm_id(author["id"], context["me_id"]), f"slack:dm:@{author['handle']}"
    else:
        channel, target = job["channel"], f"slack:#{job['channel']}"
    data = {"channel": channel, "user": author["id"], "text": text, "thread_ts": None}
    return CHAT_POSTED, data, target, f"@{author['handle']}: {text}"


def _page_draws(
    config: Mapping[str, Any], job_id: str, k: int
) -> tuple[int, str, int | None, int | None]:
    """(due, url, price in cents or None, units in stock or None) of a page occurrence."""
    job = config["jobs"][job_id]
    rng, due = _start(config, job_id, k)
    _variables(rng, config["context"])
    page = rng.choice(job["pages"])
    percent = job["price_percent"]
    delta = rng.randint(-percent * 100, percent * 100)  # basis points of the seeded price
    stock = job["stock"]
    units = rng.randint(stock[0], stock[1]) if stock else None
    price = None
    if percent and page["price_cents"] is not None:
        price = (page["price_cents"] + page["price_cents"] * delta // 10_000) // 100 * 100
    return due, page["url"], price, units


def _latest(config: Mapping[str, Any], url: str, t_ms: int, *, price: bool) -> int | None:
    """The price (or stock level) that page jobs last gave ``url`` at or before ``t_ms``."""
    best: tuple[int, str, int] | None = None
    for job_id in sorted(config["jobs"]):
        job = config["jobs"][job_id]
        if job["kind"] != "page" or t_ms < job["offset_ms"]:
            continue
        if not (job["price_percent"] if price else job["stock"] is not None):
            continue
        newest = (t_ms - job["offset_ms"]) // job["interval_ms"]
        for k in range(newest, max(-1, newest - 64), -1):
            due, where, new_price, units = _page_draws(config, job_id, k)
            value = new_price if price else units
            if due <= t_ms and where == url and value is not None:
                if best is None or (due, job_id) > best[:2]:
                    best = (due, job_id, value)
                break
    return None if best is None else best[2]


def _page(config: Mapping[str, Any], job_id: str, k: int) -> Any:
    # The page's whole text follows from the seed and the latest price and stock changes of
    # every page job by this time, so jobs that change the same page never undo each other.
    due, url, price, units = _page_draws(config, job_id, k)
    page = next(p for p in config["jobs"][job_id]["pages"] if p["url"] == url)
    price = price if price is not None else _latest(config, url, due, price=True)
    units = units if units is not None else _latest(config, url, due, price=False)
    text, notes = page["text"].rstrip("\n"), []
    if price is not None:
        text = _PRICE.sub(format_money(price), text, count=1)
        notes.append(f"price {format_money(price)}")
    if units is not None:
        line = f"Availability: {units} in stock." if units else "Availability: out of stock."
        text = f"{text}\n\n{line}"
        notes.append(f"stock {units}")
    data = {"url": url, "text": text + "\n"}
    return PAGE_UPDATED, data, f"browser:{url}", ", ".join(notes)


def _start(config: Mapping[str, Any], job_id: str, k: int) -> tuple[random.Random, int]:
    job = config["jobs"][job_id]
    rng = stream(int(config["seed"]), "drift", job_id, k)
    due = job["offset_ms"] + k * job["interval_ms"] + rng.randrange(job["jitter_ms"] + 1)
    return rng, due


def occurrence(config: Mapping[str, Any], job_id: str, k: int) -> Occurrence:
    """Occurrence ``k`` (0-based) of ``job_id`` in a compiled drift configuration."""
    job = config["jobs"][job_id]
    context = config["context"]
    rng, due = _start(config, job_id, k)
    variables = _variables(rng, context) | {"address": str(context["address"]), "k": str(k)}
    if job["kind"] == "mail":
        kind, data, target, summary = _mail(job, rng, variables, context)
    elif job["kind"] == "chat":
        kind, data, target, summary = _chat(job, rng, variables, context)
    elif job["kind"] == "page":
        kind, data, target, summary = _page(config, job_id, k)
    else:
        occur = TWIN_DRIFT[job["kind"]].occur
        kind, data, target, summary = occur(job, rng, _for_sender(variables, context, ""), context)
    data["drift"] = {"job": job_id, "occurrence": k}
    return Occurrence(due, job_id, k, kind, data, target, summary.replace("\n", " "))


def plan(config: Mapping[str, Any], until_ms: int, *, after_ms: int = -1) -> list[Occurrence]:
    """Every occurrence due in ``(after_ms, until_ms]``, in time order (ties by job id)."""
    found: list[Occurrence] = []
    for job_id in sorted(config["jobs"]):
        job = config["jobs"][job_id]
        k = max(0, (after_ms - job["offset_ms"] - job["jitter_ms"]) // job["interval_ms"])
        while job["offset_ms"] + k * job["interval_ms"] <= until_ms:
            item = occurrence(config, job_id, k)
            if after_ms < item.due_ms <= until_ms:
                found.append(item)
            k += 1
    found.sort(key=lambda o: (o.due_ms, o.job, o.k))
    return found
