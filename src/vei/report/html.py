"""The HTML of a report: one self-contained file (inline CSS and JavaScript, the run's data
as JSON in the page, no network), readable from disk in any browser.

The summary, criteria, axes, issues and the run's facts are written here as HTML; the
timeline is drawn in the browser from the embedded data by ``assets/timeline.js``. Every
text from the run is escaped here, or set with ``textContent`` there. A Content Security
Policy forbids the page any request, so nothing in a run can make it load anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from importlib.resources import files
from typing import Any

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


# Longer lists of issues start folded, so the timeline stays near the top of the page.
ISSUES_OPEN = 20


def _asset(name: str) -> str:
    return (files("vei.report") / "assets" / name).read_text(encoding="utf-8")


def _e(value: Any) -> str:
    return escape("-" if value is None else str(value))


def _json_for_script(value: Any) -> str:
    # "<" escaped so no text in the run can close the script element or open a comment.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page(title: str, body: str, data: Any | None = None, script: str | None = None) -> str:
    """A whole HTML document with the report's style, ``body``, and optionally the data and
    script of an interactive part."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_asset('report.css')}</style>",
        "</head><body><main>",
        body,
        "</main>",
    ]
    if data is not None:
        parts.append(
            f'<script type="application/json" id="vei-data">{_json_for_script(data)}</script>'
        )
    if script is not None:
        parts.append(f"<script>{_asset(script)}</script>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, id_: str = "", cls: str = ""
) -> str:
    """A table of already-escaped cells."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    attrs = (f' id="{id_}"' if id_ else "") + (f' class="{cls}"' if cls else "")
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def seconds(ms: int) -> str:
    """Virtual milliseconds as seconds, for people."""
    return f"{ms / 1000:.1f} s"


def _mark(ok: bool, yes: str = "yes", no: str = "no") -> str:
    return f'<span class="ok">✓ {yes}</span>' if ok else f'<span class="bad">✗ {no}</span>'


def _evidence(evidence: Mapping[str, Any]) -> str:
    links = [f'<a href="#e{int(s)}">event {int(s)}</a>' for s in evidence.get("events", [])]
    links += [f'<a href="#r{int(r)}">call #{int(r)}</a>' for r in evidence.get("receipts", [])]
    return ", ".join(links) or "-"


def _integrity(integrity: Mapping[str, Any]) -> str:
    if integrity.get("verified"):
        closed = "signed checkpoint verified" if integrity.get("checkpoint") else "no checkpoint"
        text = (
            f"receipts verified: {integrity.get('receipts')} signed receipts, "
            f"{integrity.get('events')} events, replay reproduces the recorded state, {closed}"
        )
        status = f'<span class="ok">✓ {escape(text)}</span>'
    else:
        status = f'<span class="bad">✗ verification FAILED: {_e(integrity.get("failure"))}</span>'
    head = integrity.get("chain_head")
    return f'<div id="integrity">{status}<br>chain head <code>{_e(head)}</code></div>'


def render_run(data: Mapping[str, Any]) -> str:
    """The report of one run from ``vei.report.run.run_data``."""
    run, verdict = data["run"], data["verdict"]
    title = run.get("title") or run.get("scenario") or run["run_id"]
    ok = bool(verdict["success"])
    summary = (
        f'<div class="summary"><span class="verdict {"ok" if ok else "bad"}" id="verdict">'
        f"{'SUCCESS' if ok else 'FAILURE'}</span>"
        f"<span>{verdict['met']}/{verdict['total']} criteria met</span>"
        f"<span>{verdict['tool_calls']} tool calls</span>"
        f"<span>{seconds(verdict['virtual_time_ms'])} virtual time</span>"
        f"<span>composite {verdict['composite']:.1f}</span></div>"
    )
    criteria = table(
        ("met", "criterion", "description", "first met at", "evidence"),
        (
            (
                _mark(c["met"]),
                f"<code>{_e(c['id'])}</code>",
                _e(c["description"]),
                seconds(c["evidence"]["t_ms"]) if c["evidence"].get("t_ms") is not None else "-",
                _evidence(c["evidence"]),
            )
            for c in data["criteria"]
        ),
        id_="criteria",
    )
    axes = table(
        ("axis", "result"),
        ((_e(a["axis"]), _e(a["result"])) for a in data["axes"]),
        id_="axes",
    )
    issues = data["issues"]
    issue_table = (
        table(
            ("what", "severity", "code", "message", "where"),
            (
                (
                    _e(i["what"]),
                    _e(i["severity"]),
                    f"<code>{_e(i['code'])}</code>",
                    _e(i["message"]),
                    ", ".join(
                        link
                        for link in (
                            f'<a href="#r{int(i["receipt"])}">call #{int(i["receipt"])}</a>'
                            if isinstance(i.get("receipt"), int)
                            else "",
                            f'<a href="#e{int(i["event"])}">event {int(i["event"])}</a>'
                            if isinstance(i.get("event"), int)
                            else "",
                        )
                        if link
                    )
                    or "-",
                )
                for i in issues
            ),
            id_="issues",
        )
        if issues
        else '<p id="issues">No policy violations, refused calls, findings or collateral changes.</p>'
    )
    if len(issues) > ISSUES_OPEN:
        issue_table = (
            f"<details><summary>{len(issues)} items: show them</summary>{issue_table}</details>"
        )
    journal_note = (
        f'<p class="muted">Arguments and results of {data["journaled"]} of '
        f"{len(data['calls'])} calls were recorded in the run's call journal; click a call to "
        "see them, its receipt and the events it caused.</p>"
        if data["journaled"]
        else '<p class="muted">This run has no call journal (it was driven without the MCP or '
        "Gymnasium adapters): each call shows its receipt and the events it caused.</p>"
    )
    config = run.get("configuration") or {}
    facts = table(
        ("field", "value"),
        [
            (escape(k), f"<code>{_e(v)}</code>")
            for k, v in (
                ("run", run["run_id"]),
                ("scenario", f"{run.get('scenario')} (pack {run.get('pack')})"),
                ("seed", run.get("seed")),
                ("twins", ", ".join(map(str, run.get("twins") or []))),
                ("VEI version", run.get("vei_version")),
                ("created", run.get("created_at")),
                ("public key", run.get("public_key")),
            )
        ]
        + [
            (escape(f"config: {k}"), f"<code>{_e(json.dumps(v))}</code>") for k, v in config.items()
        ],
        cls="facts",
    )
    body = "\n".join(
        [
            f"<h1>{_e(title)}</h1>",
            f'<p class="sub">run <code>{_e(run["run_id"])}</code> · scenario '
            f"{_e(run.get('scenario'))} · seed {_e(run.get('seed'))}</p>",
            summary,
            _integrity(data["integrity"]),
            '<nav class="toc"><a href="#criteria-h">criteria</a><a href="#axes-h">axes</a>'
            '<a href="#issues-h">issues</a><a href="#timeline-h">timeline</a>'
            '<a href="#facts-h">run facts</a></nav>',
            f"<details><summary>Task</summary><pre>{_e(run.get('task'))}</pre></details>",
            '<h2 id="criteria-h">Criteria</h2>',
            criteria,
            '<h2 id="axes-h">Axes</h2>',
            axes,
            '<h2 id="issues-h">Policy, findings and collateral</h2>',
            issue_table,
            '<h2 id="timeline-h">Timeline</h2>',
            journal_note,
            '<div id="lanes"></div><div id="controls"></div><div id="timeline"></div>'
            '<div class="more" id="more"></div>',
            "<noscript>The timeline is drawn by JavaScript; the criteria, axes and issues "
            "above are complete without it.</noscript>",
            '<h2 id="facts-h">Run facts</h2>',
            facts,
        ]
    )
    timeline = {k: data[k] for k in ("call_columns", "event_columns", "calls", "events", "journal")}
    return page(f"VEI report: {title}", body, timeline, "timeline.js")
