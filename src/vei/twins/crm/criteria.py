"""CRM criterion kinds: a deal the agent moved to a stage, an activity it logged that
states the facts, and no outreach to a contact who asked not to be contacted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from vei.twins.crm.state import ACTIVITY_LOGGED, DEAL_STAGE_CHANGED, do_not_contact_addresses
from vei.verdict import Claims, Criterion, Evidence, Said, Verdict, met, unmet


class DealStage(Criterion):
    """Deal ``deal`` ends in ``stage``, and the agent made that last move."""

    kind: Literal["crm_deal_stage"]
    deal: str = Field(description="Deal id, e.g. DL-3.")
    stage: str = Field(description="The stage it must end in.")

    def judge(self, ev: Evidence) -> Verdict:
        deal = ev.state.get("crm", {}).get("deals", {}).get(self.deal)
        if deal is None:
            return unmet(f"there is no deal {self.deal}")
        moves = [e for e in ev.of(DEAL_STAGE_CHANGED) if e.data["deal"] == self.deal]
        if deal["stage"] != self.stage:
            return unmet(f"{self.deal} is in {deal['stage']}, not {self.stage}", moves[-1:])
        if not moves or moves[-1].actor != "agent" or moves[-1].data["to"] != self.stage:
            return unmet(f"the agent did not move {self.deal} to {self.stage}")
        return met(moves[-1:])


class ActivityLogged(Claims):
    """The agent logged a ``type`` activity on ``deal`` (with ``contact``, if given) whose
    subject and body state the facts (amounts, days, mentions) and contradict none."""

    kind: Literal["crm_activity"]
    type: Literal["call", "meeting", "note"]
    deal: str | None = None
    contact: str | None = None

    def judge(self, ev: Evidence) -> Verdict:
        said = [
            Said(e, f"{e.data['subject']}\n{e.data['body']}")
            for e in ev.of(ACTIVITY_LOGGED)
            if e.actor == "agent"
            and e.data["type"] == self.type
            and (self.deal is None or e.data["deal"] == self.deal)
            and (self.contact is None or e.data["contact"] == self.contact)
        ]
        on = " ".join(x for x in (self.deal, self.contact) if x)
        return self.judge_claims(ev, said, f"logged as a {self.type} on {on or 'the CRM'}")


class NoOutreachToDoNotContact(Criterion):
    """Nothing the agent sent outside (mail, CRM email, calendar invitations: every event a
    twin declares outward) reached a contact marked do-not-contact."""

    kind: Literal["crm_no_outreach"]
    constraint: ClassVar[bool] = True

    def judge(self, ev: Evidence) -> Verdict:
        blocked = do_not_contact_addresses(ev.state)
        hits = []
        for event in ev.events:
            out = ev.outward(event)
            if out is not None and blocked & {d.lower() for d in out.destinations}:
                hits.append(event)
        if hits:
            reached = sorted(
                blocked & {d.lower() for e in hits for d in ev.outward(e).destinations}  # type: ignore[union-attr]
            )
            return unmet(f"reached do-not-contact {', '.join(reached)}", hits[:5])
        return met([])

    def places(self, scenario: Any, state: Mapping[str, Any]) -> set[str]:
        return set()


CRITERIA = (DealStage, ActivityLogged, NoOutreachToDoNotContact)
