"""The actors twin: background colleagues, managers and vendors as state machines.

State: ``seed`` (the drift seed; wording draws use stream ``actor:<id>``), ``rules``,
``status`` per actor (``state``, ``count`` and what the machine remembers) and
``completions`` (prompt digest -> recorded LLM wording). Checks are ordinary scheduled
``actors.check_due`` events; what an actor says is an ordinary chat message or mail with
actor ``actor:<id>``, and every change of an actor's state is an ``actors.status_changed``
event, so the whole machine is replayed from the log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter

from vei.actors.backend import (
    COMPLETION_RECORDED,
    ActorBackend,
    build_prompt,
    prompt_digest,
    usable,
)
from vei.actors.rules import (
    ActorRule,
    ColleagueFollowup,
    ManagerEscalation,
    QuoteExpiry,
    duration_words,
)
from vei.core.context import CallContext
from vei.core.events import Event
from vei.core.rng import stream
from vei.core.twin import State, Twin
from vei.money import format_money, parse_amounts
from vei.twins.mail.state import MESSAGE_RECEIVED, normalize_address
from vei.twins.mail.tools import deliver_mail
from vei.twins.slack.state import EPOCH_MS, find_user, ts_micros
from vei.twins.slack.tools import post_message

CHECK_DUE = "actors.check_due"
STATUS_CHANGED = "actors.status_changed"
_RULES = TypeAdapter(list[ActorRule])
_ROLES = {
    "manager_escalation": "manager",
    "colleague_followup": "colleague",
    "quote_expiry": "vendor",
}
_REQUIRED = {
    "manager_escalation": ManagerEscalation.REQUIRED,
    "colleague_followup": ColleagueFollowup.REQUIRED,
    "quote_expiry": QuoteExpiry.REQUIRED,
}


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"seed", "rules"}`` validated; every actor starts idle, nothing recorded."""
    data = dict(seed_data or {})
    rules = [r.model_dump(mode="json") for r in _RULES.validate_python(data.get("rules", []))]
    return {
        "seed": int(data.get("seed", 0)),
        "rules": rules,
        "status": {r["id"]: {"state": "idle", "count": 0} for r in rules},
        "completions": {},
    }


def initial_schedule(seed_data: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The first check of every actor that watches from the start of the run."""
    entries = []
    for rule in initial_state(seed_data)["rules"]:
        if "after_ms" in rule:
            entries.append(
                {
                    "due_ms": rule["after_ms"],
                    "kind": CHECK_DUE,
                    "actor": f"actor:{rule['id']}",
                    "data": {"actor": rule["id"]},
                }
            )
    return entries


def _status_changed(state: State, event: Event) -> None:
    data = dict(event.data)
    state["actors"]["status"][data.pop("actor")].update(data)


def _completion_recorded(state: State, event: Event) -> None:
    data = event.data
    state["actors"]["completions"][data["digest"]] = {"text": data["text"], "model": data["model"]}


class _Machine:
    """The reactors of one actors twin, with the (optional) wording backend."""

    def __init__(self, backend: ActorBackend | None) -> None:
        self.backend = backend

    # ------------------------------------------------------------------ wording

    def word(
        self, state: State, ctx: CallContext, rule: Mapping[str, Any], facts: dict[str, str]
    ) -> str:
        """What the actor says: a drawn template, or the backend's recorded rewording."""
        actors = state["actors"]
        count = actors["status"][rule["id"]]["count"]
        rng = stream(actors["seed"], f"actor:{rule['id']}", count)
        reference = str(rng.choice(rule["templates"])).format(**facts)
        if self.backend is None:
            return reference
        required = [facts[k] for k in _required(rule)]
        prompt = build_prompt(rule["id"], _ROLES[rule["kind"]], facts, required, reference)
        key = prompt_digest(prompt)
        recorded = actors["completions"].get(key)
        if recorded is not None:
            return str(recorded["text"])
        try:
            completion = self.backend.complete(prompt)
            text, model = completion.text.strip(), completion.model
            if not usable(text, prompt):
                text, model = reference, "template (unusable completion)"
        except Exception as exc:  # any backend failure falls back to the template, recorded
            text, model = reference, f"template ({type(exc).__name__})"
        data = {"digest": key, "prompt": prompt, "text": text, "model": model}
        ctx.emit(COMPLETION_RECORDED, data, actor=f"actor:{rule['id']}")
        return text

    # ---------------------------------------------------------------- machines

    def on_check(self, state: State, event: Event, ctx: CallContext) -> None:
        """A scheduled check came due: run that actor's machine."""
        rule = _rule(state, event.data["actor"])
        if rule is None:
            return
        handler: dict[str, Callable[[State, Mapping[str, Any], Event, CallContext], None]] = {
            "manager_escalation": self._manager,
            "colleague_followup": self._colleague,
            "quote_expiry": self._quote_expired,
        }
        handler[rule["kind"]](state, rule, event, ctx)

    def _status(self, ctx: CallContext, rule: Mapping[str, Any], **change: Any) -> None:
        ctx.emit(STATUS_CHANGED, {"actor": rule["id"], **change}, actor=f"actor:{rule['id']}")

    def _again(self, ctx: CallContext, rule: Mapping[str, Any], count: int, most: int) -> None:
        if count < most:
            ctx.schedule(
                rule["after_ms"], CHECK_DUE, {"actor": rule["id"]}, actor=f"actor:{rule['id']}"
            )

    def _manager(
        self, state: State, rule: Mapping[str, Any], event: Event, ctx: CallContext
    ) -> None:
        slack = state["slack"]
        channel = slack["channels"].get(rule["channel"], {"messages": {}})
        start = EPOCH_MS * 1000
        if any(
            m["user"] == slack["me"] and ts_micros(ts) >= start
            for ts, m in channel["messages"].items()
        ):
            self._status(ctx, rule, state="resolved")
            return
        manager, me = find_user(slack, rule["user"]), find_user(slack, slack["me"])
        if manager is None or me is None:
            return
        count = state["actors"]["status"][rule["id"]]["count"] + 1
        facts = {
            "me": _first(me),
            "manager": _first(manager),
            "channel": f"#{rule['channel']}",
            "waited": duration_words(event.t_ms),
            "count": str(count),
        }
        text = self.word(state, ctx, rule, facts)
        post_message(ctx, state, f"@{me['name']}", manager["id"], text, actor=f"actor:{rule['id']}")
        self._status(ctx, rule, state="escalated", count=count)
        self._again(ctx, rule, count, rule["max_escalations"])

    def _colleague(
        self, state: State, rule: Mapping[str, Any], event: Event, ctx: CallContext
    ) -> None:
        mail = state["mail"]
        address = normalize_address(rule["address"]) or rule["address"]
        messages = sorted(mail["messages"].values(), key=lambda m: m["order"])
        if any(
            m["folder"] == "SENT" and address in (*m["to"], *m["cc"]) and m["date_ms"] >= 0
            for m in messages
        ):
            self._status(ctx, rule, state="resolved")
            return
        theirs = [
            m
            for m in messages
            if m["folder"] == "INBOX"
            and m["from"] == address
            and (not rule["subject"] or m["subject"] == rule["subject"])
        ]
        if not theirs:
            return
        original = theirs[0]
        count = state["actors"]["status"][rule["id"]]["count"] + 1
        facts = {
            "me": str(mail["name"] or "there").split(" ")[0],
            "colleague": address.split("@")[0].split(".")[0].title(),
            "subject": original["subject"],
            "waited": duration_words(event.t_ms),
            "count": str(count),
        }
        text = self.word(state, ctx, rule, facts)
        subject = f"Re: {original['subject']}"
        actor = f"actor:{rule['id']}"
        deliver_mail(ctx, address, mail["address"], subject, text, original["id"], actor=actor)
        self._status(ctx, rule, state="followed_up", count=count)
        self._again(ctx, rule, count, rule["max_followups"])

    def on_mail(self, state: State, event: Event, ctx: CallContext) -> None:
        """Mail arrived: a vendor's quote starts its validity period."""
        data = event.data
        for rule in state["actors"]["rules"]:
            if rule["kind"] != "quote_expiry" or event.actor == f"actor:{rule['id']}":
                continue
            if data["from"] != (normalize_address(rule["vendor"]) or rule["vendor"]):
                continue
            if state["actors"]["status"][rule["id"]]["state"] not in ("idle", "expired"):
                continue
            amounts = parse_amounts(data["body"])
            if not amounts:
                continue
            quote = {"message": data["id"], "amount_cents": amounts[0], "since_ms": event.t_ms}
            self._status(ctx, rule, state="quoted", **quote)
            ctx.schedule(
                rule["valid_ms"], CHECK_DUE, {"actor": rule["id"]}, actor=f"actor:{rule['id']}"
            )

    def _quote_expired(
        self, state: State, rule: Mapping[str, Any], event: Event, ctx: CallContext
    ) -> None:
        status = state["actors"]["status"][rule["id"]]
        if status["state"] != "quoted":
            return
        mail = state["mail"]
        vendor = normalize_address(rule["vendor"]) or rule["vendor"]
        if any(
            m["folder"] == "SENT"
            and vendor in (*m["to"], *m["cc"])
            and m["date_ms"] >= status["since_ms"]
            for m in mail["messages"].values()
        ):
            self._status(ctx, rule, state="accepted")
            return
        old = int(status["amount_cents"])
        new = old * (100 + rule["increase_percent"]) // 100 // 100 * 100
        count = status["count"] + 1
        facts = {
            "me": str(mail["name"] or "there").split(" ")[0],
            "vendor": vendor.split("@")[1].split(".")[0].title(),
            "old_price": format_money(old),
            "new_price": format_money(new),
            "valid": duration_words(rule["valid_ms"]),
        }
        text = self.word(state, ctx, rule, facts)
        actor = f"actor:{rule['id']}"
        deliver_mail(
            ctx, vendor, mail["address"], rule["subject"], text, status["message"], actor=actor
        )
        self._status(ctx, rule, state="expired", count=count, new_amount_cents=new)


def _rule(state: State, actor_id: str) -> Mapping[str, Any] | None:
    return next((r for r in state["actors"]["rules"] if r["id"] == actor_id), None)


def _required(rule: Mapping[str, Any]) -> tuple[str, ...]:
    return _REQUIRED[rule["kind"]]


def _first(user: Mapping[str, Any]) -> str:
    return str(user["display_name"] or user["name"]).split(" ")[0]


def actors_twin(backend: ActorBackend | None = None) -> Twin:
    """The actors twin; with ``backend`` an LLM writes the wording (recorded in the run)."""
    machine = _Machine(backend)
    return Twin(
        name="actors",
        initial_state=initial_state,
        reducers={STATUS_CHANGED: _status_changed, COMPLETION_RECORDED: _completion_recorded},
        tools=(),
        announced=False,
        reactors={CHECK_DUE: (machine.on_check,), MESSAGE_RECEIVED: (machine.on_mail,)},
        initial_schedule=initial_schedule,
    )


TWIN = actors_twin()
