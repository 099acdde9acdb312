"""Drift for the directory: new hires appear as STAGED users while the agent works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from vei.core.twin import DriftJobBase, DriftKind
from vei.twins.identity.state import USER_CREATED

_FIRST = (
    "Alex",
    "Jordan",
    "Riley",
    "Morgan",
    "Casey",
    "Taylor",
    "Jamie",
    "Robin",
    "Avery",
    "Quinn",
)
_LAST = ("Lindqvist", "Moreau", "Tanaka", "Okonkwo", "Silva", "Novak", "Haddad", "Kowalski")
_TITLES = ("Analyst", "Engineer", "Coordinator", "Specialist", "Associate")


class UserJoins(DriftJobBase):
    """A new hire is added to the directory (STAGED, waiting for activation)."""

    kind: Literal["identity_user_joins"]
    departments: list[str] = Field(
        default=["Engineering", "Finance", "Sales", "Operations"],
        min_length=1,
        description="Departments the new hire is drawn from.",
    )


def _compile(job: UserJoins, states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | str:
    ids = states.get("identity")
    if ids is None:
        return "the world has no identity twin"
    return {"domain": ids["domain"], "departments": list(job.departments)}


def _occur(
    job: Mapping[str, Any], rng: Any, variables: Mapping[str, str], context: Mapping[str, Any]
) -> tuple[str, dict[str, Any], str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    department = rng.choice(job["departments"])
    # A drawn number keeps logins apart; the reducer skips a login that is taken.
    login = f"{first}.{last}{rng.randint(10, 99)}@{job['domain']}".lower()
    data = {
        "login": login,
        "first_name": first,
        "last_name": last,
        "title": f"{department} {rng.choice(_TITLES)}",
        "department": department,
        "manager": None,
    }
    return USER_CREATED, data, f"identity:{login}", f"new hire {first} {last} ({department}) staged"


DRIFT = (
    DriftKind(
        job=UserJoins,
        compile=_compile,
        occur=_occur,
        events=(USER_CREATED,),
        library=(
            UserJoins(
                id="identity_new_hires",
                kind="identity_user_joins",
                every_ms=4 * 3_600_000,
                offset_ms=3_600_000,
                jitter_ms=1_800_000,
            ),
        ),
    ),
)
