"""Every tool, given arbitrary well-typed arguments, either works or gives a typed error that
changes nothing; it never fails inside (core.internal_error) and never breaks the world."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vei import Session, load_settings
from vei.core.world import World
from vei.receipts.signing import Signer
from vei.store.memory import MemoryStore
from vei.twins import TWINS

SESSION_ENV = {"VEI_MONITORS": "tool_aware,pii,external_share,budget", "VEI_POLICY_MODE": "warn"}
words = st.sampled_from(
    [
        "#general",
        "procurement",
        "@maya.chen",
        "https://macrocompute.example/",
        "link-home",
        "msg-s1",
        "INBOX",
        "SENT",
        "DL-1",
        "CT-2",
        "CO-1",
        "proposal",
        "USR-0003",
        "sam.patel@company.example",
        "design",
        "github",
        "ACTIVE",
        "INC-0042",
        "REQ-0012",
        "In Progress",
        "DOC-1",
        "DOC-5",
        "finance",
        "IT-1",
        "SEC-1",
        "Done",
    ]
)
text = st.one_of(words, st.text(max_size=30))

# Recipients as people write them: plain, any case, with display names, quoted names with
# separators in them, bad entries, joined by commas or semicolons, or in lists.
address = st.sampled_from(
    ["sales@macrocompute.example", "Maya.Chen@Company.example", "agent@company.example"]
)
recipient = st.one_of(
    address,
    address.map(lambda a: f"Maya Chen <{a}>"),
    address.map(lambda a: f'"Chen, Maya; design" <{a}>'),
    address.map(lambda a: f"<{a}>"),
    st.sampled_from(["sam at company", "@x", "Bob <bob@x.example", "a@b.example extra", ""]),
    st.text(max_size=20),
)
recipient_text = st.tuples(st.lists(recipient, max_size=4), st.sampled_from([", ", ";", ","])).map(
    lambda parts: parts[1].join(parts[0])
)
recipients = st.one_of(recipient_text, st.lists(st.one_of(recipient, recipient_text), max_size=3))


def _value(name: str, prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    if name in ("to", "cc"):
        return recipients
    kinds = [prop.get("type")] if "type" in prop else [o.get("type") for o in prop.get("anyOf", [])]
    options: list[st.SearchStrategy[Any]] = []
    for kind in kinds:
        if kind == "string":
            options.append(text)
        elif kind == "integer":
            options.append(st.integers(-5, 10**7))
        elif kind == "boolean":
            options.append(st.booleans())
        elif kind == "array":
            options.append(
                st.lists(st.one_of(text, st.just("sales@macrocompute.example")), max_size=3)
            )
        elif kind == "object":
            options.append(
                st.dictionaries(st.sampled_from(["email", "name", "quantity"]), text, max_size=3)
            )
        elif kind == "null":
            options.append(st.none())
    return st.one_of(options) if options else st.none()


def _fuzz(data: st.DataObject, world: World, call: Any) -> None:
    names = sorted(
        s.name for s in world.registry if s.name not in ("vei_reset", "vei_act_and_observe")
    )
    for _ in range(4):
        spec = world.registry.resolve(data.draw(st.sampled_from(names)))
        props = spec.schema.get("properties", {})
        required = set(spec.schema.get("required", []))
        args = {
            name: data.draw(_value(name, prop))
            for name, prop in props.items()
            if name != "idempotency_key" and (name in required or data.draw(st.booleans()))
        }
        before = (world.state_hash(), world.revision)
        outcome = call(spec.name, args)
        if not outcome.ok:
            code = outcome.result["error"]["code"]
            assert code != "core.internal_error", (spec.name, args, outcome.result)
            assert (world.state_hash(), world.revision) == before, (spec.name, args)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_well_typed_call_is_handled(data: st.DataObject) -> None:
    session = Session(load_settings({}, env=SESSION_ENV))
    _fuzz(data, session.world, session.call)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_well_typed_call_to_any_twin_is_handled(data: st.DataObject) -> None:
    # Every registered twin with its default data, so twins no default scenario uses are fuzzed too.
    world = World(
        twins=list(TWINS.values()),
        store=MemoryStore(),
        signer=Signer.from_seed(bytes(32)),
        seed=1,
        run_id="fuzz",
    )
    _fuzz(data, world, world.call)


@settings(max_examples=150, deadline=None)
@given(to=recipients, cc=recipients)
def test_any_recipients_are_sent_normalised_or_refused_naming_the_entry(to: Any, cc: Any) -> None:
    session = Session(load_settings({}, env={}))
    world = session.world
    before = (world.state_hash(), world.revision)
    outcome = session.call("mail_compose", {"to": to, "cc": cc, "subject": "Hi", "body": "Hello"})
    if not outcome.ok:
        error = outcome.result["error"]
        assert error["code"] in ("mail.invalid_address", "core.invalid_arguments"), error
        assert (world.state_hash(), world.revision) == before
        return
    sent = [e.data for e in outcome.events if e.kind == "mail.message_sent"]
    assert len(sent) == 1
    everyone = [*sent[0]["to"], *sent[0]["cc"]]
    assert everyone and len(everyone) == len(set(everyone))
    assert all(a == a.lower() and "<" not in a and " " not in a for a in everyone)
    # The same recipients written as the plain list that was sent give the same message.
    again = Session(load_settings({}, env={}))
    listed = again.call(
        "mail_compose",
        {"to": sent[0]["to"], "cc": sent[0]["cc"], "subject": "Hi", "body": "Hello"},
    )
    assert listed.ok and [e.data for e in listed.events if e.kind == "mail.message_sent"] == sent
