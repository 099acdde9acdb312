"""Contract checks that twin and scenario authors run, like gymnasium's ``check_env``.

- ``check_twin(TWIN, seed_data, calls)``: a twin keeps the twin contract (see
  ``vei.testing.twin``).
- ``check_scenario(path)``: on each seed, a scenario's oracle succeeds, the do-nothing agent
  fails, every adversary it lists fails and every honest variant it lists succeeds, all
  through the real MCP interface (see ``vei.testing.scenario``).
"""

from vei.testing.scenario import AgentCheck, check_scenario, run_checks
from vei.testing.twin import check_twin

__all__ = ["AgentCheck", "check_scenario", "check_twin", "run_checks"]
