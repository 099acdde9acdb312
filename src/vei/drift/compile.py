"""Turn declared drift jobs into the drift twin's configuration for one world.

Compiling resolves each job against the scenario's initial world (who the colleagues are,
which channels exist, which pages show a price), scales its cadence to the mode and rate,
and drops jobs that are not active in the mode. The result is plain JSON: it becomes the
drift twin's state, so it is hashed and replayed with the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vei.core.twin import kind_of
from vei.drift.jobs import (
    TWIN_DRIFT,
    ChatJob,
    DriftJob,
    DriftSection,
    MailJob,
    PageJob,
    activity_permille,
)
from vei.drift.library import LIBRARY
from vei.money import parse_amounts
from vei.twins.browser.state import normalize_url
from vei.twins.mail.state import normalize_address
from vei.twins.slack.state import find_user

MIN_INTERVAL_MS = 1_000
Job = DriftJob


class DriftConfigError(ValueError):
    """A scenario's drift job cannot run in its world (unknown channel, user, page ...)."""


def declared_jobs(section: DriftSection | None) -> list[Job]:
    """The library (unless turned off or excluded) followed by the scenario's own jobs; a
    scenario job with a library job's id replaces it."""
    section = section or DriftSection()
    own = {job.id: job for job in section.jobs}
    jobs: list[Job] = []
    if section.library:
        library = [*LIBRARY, *(j for kind in TWIN_DRIFT.values() for j in kind.library)]
        jobs = [j for j in library if j.id not in section.exclude and j.id not in own]
    return [*jobs, *section.jobs]


def world_context(states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Names the templates use: the agent's first name, company, domain and colleagues."""
    slack, mail = states.get("slack"), states.get("mail")
    me_user = find_user(slack, slack["me"]) if slack else None
    address = str(mail["address"]) if mail else ""
    domain = address.split("@", 1)[1] if "@" in address else "company.example"
    if me_user is not None:
        me = str(me_user["display_name"] or me_user["name"]).split(" ")[0]
    elif mail and mail.get("name"):
        me = str(mail["name"]).split(" ")[0]
    else:
        me = "there"
    colleagues = []
    if slack:
        for user in sorted(slack["users"].values(), key=lambda u: u["id"]):
            if user["id"] != slack["me"]:
                colleagues.append(
                    {
                        "id": user["id"],
                        "handle": user["name"],
                        "name": str(user["display_name"] or user["name"]).split(" ")[0],
                        "email": normalize_address(str(user.get("email") or "")),
                    }
                )
    return {
        "me": me,
        "me_id": slack["me"] if slack else None,
        "address": address,
        "domain": domain,
        "company": domain.split(".")[0].replace("-", " ").title(),
        "colleagues": colleagues,
    }


def _timing(job: Job, activity: int) -> dict[str, int]:
    interval = max(MIN_INTERVAL_MS, job.every_ms * 1_000 // activity)
    jitter = min(job.jitter_ms * 1_000 // activity, interval - 1)
    return {
        "interval_ms": interval,
        "offset_ms": job.offset_ms * 1_000 // activity,
        "jitter_ms": jitter,
    }


def _mail(job: MailJob, context: Mapping[str, Any]) -> dict[str, Any] | str:
    if not context["address"]:
        return "the world has no mail twin"
    senders: list[dict[str, str]] = []
    if job.senders:
        for template in job.senders:
            address = normalize_address(template.format(domain=context["domain"]))
            if address is None:
                return f"bad sender address {template!r}"
            local = address.split("@")[0].replace("-", " ").replace(".", " ")
            senders.append({"address": address, "name": local.title()})
    else:
        senders = [
            {"address": c["email"], "name": c["name"]} for c in context["colleagues"] if c["email"]
        ]
    if not senders:
        return "no senders: give senders, or colleagues with an email in the chat directory"
    return {"senders": senders, "subjects": job.subjects, "bodies": job.bodies}


def _chat(job: ChatJob, slack: Mapping[str, Any] | None) -> dict[str, Any] | str:
    if slack is None:
        return "the world has no chat (slack) twin"
    me = slack["me"]
    if job.channel == "dm":
        cid, members = "dm", [u for u in sorted(slack["users"]) if u != me]
    else:
        cid = job.channel.removeprefix("#").lower()
        channel = slack["channels"].get(cid)
        if channel is None:
            return f"unknown channel {job.channel!r}"
        members = [u for u in channel["members"] if u != me]
    authors = []
    for ref in job.users or members:
        user = find_user(slack, ref)
        if user is None:
            return f"unknown user {ref!r}"
        if user["id"] not in members:
            return f"{user['name']} cannot post in {job.channel!r}"
        authors.append({"id": user["id"], "handle": user["name"]})
    if not authors:
        return f"nobody but the agent can post in {job.channel!r}"
    return {"channel": cid, "authors": authors, "texts": job.texts}


def _page(job: PageJob, browser: Mapping[str, Any] | None) -> dict[str, Any] | str:
    if browser is None:
        return "the world has no browser twin"
    pages = browser["pages"]
    urls = job.urls or [u for u in sorted(pages) if parse_amounts(pages[u]["text"])]
    chosen = []
    for url in urls:
        try:
            page = pages.get(normalize_url(url))
        except ValueError as exc:
            return str(exc)
        if page is None:
            return f"unknown page {url!r}"
        prices = parse_amounts(page["text"])
        if job.price_percent and not prices:
            return f"{url} shows no price to change"
        chosen.append(
            {"url": page["url"], "text": page["text"], "price_cents": prices[0] if prices else None}
        )
    if not chosen:
        return "no page shows a price"
    return {
        "pages": chosen,
        "price_percent": job.price_percent,
        "stock": list(job.stock) if job.stock is not None else None,
    }


def compile_drift(
    section: DriftSection | None,
    states: Mapping[str, Mapping[str, Any]],
    *,
    mode: str,
    seed: int,
    rate_permille: int | None = None,
    strict_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The drift twin's seed data for a world whose initial twin states are ``states``.

    ``rate_permille`` defaults to the section's ``rate_percent``. A library job that does
    not fit the world (no browser, no priced page ...) is left out; a scenario's own job
    that does not fit raises DriftConfigError naming the job (``strict_ids`` overrides
    which ids are strict).
    """
    rate = (
        rate_permille
        if rate_permille is not None
        else (section or DriftSection()).rate_percent * 10
    )
    activity = activity_permille(mode, rate)
    context = world_context(states)
    strict = set(
        strict_ids if strict_ids is not None else [j.id for j in (section or DriftSection()).jobs]
    )
    jobs: dict[str, Any] = {}
    for job in declared_jobs(section) if activity else []:
        if mode not in job.modes:
            continue
        if isinstance(job, MailJob):
            target = _mail(job, context)
        elif isinstance(job, ChatJob):
            target = _chat(job, states.get("slack"))
        elif isinstance(job, PageJob):
            target = _page(job, states.get("browser"))
        else:
            target = TWIN_DRIFT[kind_of(type(job))].compile(job, states)
        if isinstance(target, str):
            if job.id in strict:
                raise DriftConfigError(f"drift job {job.id!r}: {target}")
            continue
        kind = kind_of(type(job))
        jobs[job.id] = {"id": job.id, "kind": kind, **_timing(job, activity), **target}
    return {
        "seed": seed,
        "mode": mode,
        "activity_permille": activity,
        "context": context,
        "jobs": jobs,
    }
