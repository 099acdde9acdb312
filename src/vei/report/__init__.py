"""``vei report``: one self-contained HTML file for a run or an eval directory.

``build_report(path, out)`` writes the report of a run directory (default
``<run dir>/report.html``) or of an eval directory (default ``<dir>/report.html``, plus
each episode's run report as ``runs/<run_id>/report.html``, linked from the table) and
returns the files it wrote. The call journal (``vei.store.journal``) is how a report
shows each call's arguments and result.
"""

from __future__ import annotations

import os
from pathlib import Path

from vei.report.run import ReportError

REPORT = "report.html"

__all__ = ["REPORT", "ReportError", "build_report", "write_run_report"]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_run_report(run_dir: Path, out: Path | None = None) -> Path:
    """Write the report of the run in ``run_dir``; returns where."""
    from vei.report.html import render_run
    from vei.report.run import run_data

    target = out if out is not None else Path(run_dir) / REPORT
    _write(target, render_run(run_data(Path(run_dir))))
    return target


def build_report(path: Path, out: Path | None = None) -> list[Path]:
    """Write the report of a run directory or an eval directory (see the module doc).

    Raises ReportError when ``path`` is neither, or an episode list cannot be read."""
    from vei.report.evals import EPISODES, read_episodes, render_eval, run_dir_of
    from vei.store.rundir import MANIFEST

    path = Path(path)
    if (path / MANIFEST).is_file():
        return [write_run_report(path, out)]
    if not (path / EPISODES).is_file():
        raise ReportError(
            f"{path} is neither a run directory (no {MANIFEST}) nor an eval directory "
            f"(no {EPISODES})"
        )
    episodes = read_episodes(path)
    target = out if out is not None else path / REPORT
    written: list[Path] = []
    links: dict[str, str] = {}
    for episode in episodes:
        run_dir = run_dir_of(path, episode)
        if run_dir is None or str(episode["run_id"]) in links:
            continue
        try:
            report = write_run_report(run_dir)
        except ReportError:
            continue  # the table marks the episode's run as unreadable
        written.append(report)
        links[str(episode["run_id"])] = Path(
            os.path.relpath(report.resolve(), target.resolve().parent)
        ).as_posix()
    _write(target, render_eval(path, episodes, links))
    return [target, *written]
