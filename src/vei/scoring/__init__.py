"""Scoring: did the run achieve the scenario's task, judged on its final state and log."""
