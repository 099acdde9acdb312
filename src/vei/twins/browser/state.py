"""Browser state: a static site of pages and one browsing session over it.

``state["browser"]`` holds:

- ``home``: the URL to start from; ``pages``: normalised URL -> page (``url``, ``title``,
  ``text``, ``links`` [{id, text, url}], ``buttons`` [{id, text, action}], ``forms``
  [{id, title, submit_id, submit_text, fields [{id, name, label, type, required}]}]);
  ``form_pages``: form id -> the URL of its page. Only a page's ``text`` ever changes after
  seeding (``browser.page_updated``: a vendor changes a price or stock level).
- ``current_url``: the open page, None before the first ``browser_open``;
  ``history``: the back stack, most recent last.
- ``drafts``: form id -> {field name -> value typed so far}; kept across navigation until
  the form is submitted.
- ``submissions``: [{id, form_id, form_title, url, values, t_ms}], oldest first.
- ``reads``: URL -> {count, first_t_ms}: which pages the agent read in full, and when first.
- ``clicks``: [{url, node_id, text, action, t_ms}] for buttons that do not submit a form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from vei.core.events import Event
from vei.core.twin import Outward, Reducer, State
from vei.twins.browser.seed import DEFAULT_SEED, BrowserSeed, FormSeed, PageSeed

NAVIGATED = "browser.navigated"
"""The open page changed. data: ``url`` (now open), ``from_url`` (open before, or None),
``via`` (``open`` | ``link`` | ``back``), ``node_id`` (the link clicked, or None)."""

PAGE_READ = "browser.page_read"
"""The agent read a page in full (``browser_read``). data: ``url``, ``title``."""

PAGE_SEARCHED = "browser.page_searched"
"""The agent searched the open page (``browser_find``) and was shown what matched. data:
``url``, ``query``, ``paragraphs`` (indices of the paragraphs shown). Changes no state."""

FIELD_TYPED = "browser.field_typed"
"""A form field's draft value was set. data: ``url``, ``form_id``, ``field_id``, ``name``,
``value`` ("" clears it)."""

FORM_SUBMITTED = "browser.form_submitted"
"""A form was submitted (``browser_submit`` or its submit button). data: ``submission_id``
(e.g. ``sub-12``), ``form_id`` (unique across the site), ``form_title``, ``url`` (the page it
was on) and ``values``: field name -> string value for every field of the form ("" for an
optional field left blank). The event's ``t_ms`` is the submission time. NPC rules react to
this kind, e.g. to answer a request by mail."""

BUTTON_CLICKED = "browser.button_clicked"
"""A button without a submit action was clicked. data: ``url``, ``node_id``, ``text``,
``action`` (the seed's action string, or None)."""

PAGE_UPDATED = "browser.page_updated"
"""A page's text changed on the site (drift: a price or stock change). data: ``url`` (a
seeded page, normalised) and ``text`` (the page's whole new text). Links, buttons and forms
stay as seeded."""

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SUBMIT = "submit:"


def normalize_url(raw: str) -> str:
    """The canonical form pages are keyed by: lowercase scheme and host, no default port, no
    fragment, ``/`` for an empty path and no trailing slash on any other path; the query is
    kept as given. ValueError (saying why) unless it is an absolute http(s) URL."""
    text = raw.strip()
    if not text or any(c.isspace() for c in text):
        raise ValueError(f"{raw!r} is not a URL")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"{raw!r} is not an absolute http:// or https:// URL")
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None:
        raise ValueError(f"{raw!r} needs a plain host name (and no user name)")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{path}{query}"


def paragraphs(text: str) -> list[str]:
    """A page's text split at blank lines, each paragraph stripped, empty ones dropped."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def submit_form_id(action: str | None) -> str | None:
    """``quote`` for a button action ``submit:quote``; None for any other action."""
    if action is None or not action.startswith(_SUBMIT):
        return None
    return action[len(_SUBMIT) :]


def page_elements(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every node of a page in page order as ``{id, type, text, ...}``: links (``url``),
    buttons (``action``), then each form, its fields (``form_id``, ``name``, ``input_type``,
    ``required``) and its submit button (a button with action ``submit:<form id>``)."""
    nodes: list[dict[str, Any]] = [
        {"id": link["id"], "type": "link", "text": link["text"], "url": link["url"]}
        for link in page["links"]
    ]
    nodes += [
        {"id": b["id"], "type": "button", "text": b["text"], "action": b["action"]}
        for b in page["buttons"]
    ]
    for form in page["forms"]:
        nodes.append({"id": form["id"], "type": "form", "text": form["title"]})
        nodes += [
            {
                "id": f["id"],
                "type": "field",
                "text": f["label"],
                "form_id": form["id"],
                "name": f["name"],
                "input_type": f["type"],
                "required": f["required"],
            }
            for f in form["fields"]
        ]
        nodes.append(
            {
                "id": form["submit_id"],
                "type": "button",
                "text": form["submit_text"],
                "action": f"{_SUBMIT}{form['id']}",
            }
        )
    return nodes


def page_outline(browser: Mapping[str, Any], page: Mapping[str, Any]) -> dict[str, Any]:
    """What the agent sees of a page's elements: links and buttons with their node ids, and
    forms with their fields (``input_type``, ``required`` and the draft ``value``) and their
    submit button's ``submit_id`` and ``submit_text``."""
    drafts = browser["drafts"]
    forms = []
    for form in page["forms"]:
        values = drafts.get(form["id"], {})
        fields = [
            {
                "id": f["id"],
                "name": f["name"],
                "label": f["label"],
                "input_type": f["type"],
                "required": f["required"],
                "value": values.get(f["name"], ""),
            }
            for f in form["fields"]
        ]
        forms.append(
            {
                "id": form["id"],
                "title": form["title"],
                "fields": fields,
                "submit_id": form["submit_id"],
                "submit_text": form["submit_text"],
            }
        )
    return {
        "links": [dict(link) for link in page["links"]],
        "buttons": [dict(button) for button in page["buttons"]],
        "forms": forms,
    }


def next_history(history: Sequence[str], data: Mapping[str, Any]) -> list[str]:
    """The back stack after a ``browser.navigated`` event: ``back`` pops it; otherwise the
    page left behind is pushed, unless there was none or it is the page opened again."""
    if data["via"] == "back":
        return list(history[:-1])
    before = data["from_url"]
    if before is None or before == data["url"]:
        return list(history)
    return [*history, before]


def _form(form: FormSeed, page_url: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [
        {
            "id": f.id or f"field-{form.id}-{f.name}".lower(),
            "name": f.name,
            "label": f.label,
            "type": f.type,
            "required": f.required,
        }
        for f in form.fields
    ]
    names = [f.name for f in form.fields]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"form {form.id!r} on {page_url}: field name {repeated[0]!r} repeats")
    return {
        "id": form.id,
        "title": form.title or form.id,
        "submit_id": f"submit-{form.id}",
        "submit_text": form.submit_text,
        "fields": fields,
    }


def _page(seed: PageSeed, url: str) -> dict[str, Any]:
    links = []
    for index, link in enumerate(seed.links):
        try:
            target = normalize_url(urljoin(url, link.url.strip()))
        except ValueError as exc:
            raise ValueError(f"page {url}: link {index + 1}: {exc}") from None
        links.append({"id": link.id or f"link-{index + 1}", "text": link.text, "url": target})
    buttons: list[dict[str, Any]] = [
        {"id": b.id or f"button-{index + 1}", "text": b.text, "action": b.action}
        for index, b in enumerate(seed.buttons)
    ]
    page: dict[str, Any] = {
        "url": url,
        "title": seed.title,
        "text": seed.text,
        "links": links,
        "buttons": buttons,
        "forms": [_form(form, url) for form in seed.forms],
    }
    ids = [node["id"] for node in page_elements(page)]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"page {url}: node id {repeated[0]!r} is used more than once")
    form_ids = {form.id for form in seed.forms}
    for button in buttons:
        submits = submit_form_id(button["action"])
        if submits is not None and submits not in form_ids:
            raise ValueError(
                f"page {url}: button {button['id']!r} submits {submits!r}, "
                "which is not a form on that page"
            )
    return page


def initial_state(seed_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The site described by ``seed_data`` (or the default intranet) with no page open;
    ValueError naming the problem for a bad URL, a repeated page, node, field or form id, a
    submit button for a missing form, or a ``home`` that is not one of the pages."""
    seed = BrowserSeed.model_validate(DEFAULT_SEED if seed_data is None else seed_data)
    pages: dict[str, dict[str, Any]] = {}
    form_pages: dict[str, str] = {}
    for index, page_seed in enumerate(seed.pages):
        try:
            url = normalize_url(page_seed.url)
        except ValueError as exc:
            raise ValueError(f"browser seed page {index + 1}: {exc}") from None
        if url in pages:
            raise ValueError(f"browser seed: two pages have the URL {url}")
        try:
            page = _page(page_seed, url)
        except ValueError as exc:
            raise ValueError(f"browser seed: {exc}") from None
        for form in page["forms"]:
            if form["id"] in form_pages:
                raise ValueError(
                    f"browser seed: form id {form['id']!r} is on both "
                    f"{form_pages[form['id']]} and {url}"
                )
            form_pages[form["id"]] = url
        pages[url] = page
    home = next(iter(pages))
    if seed.home is not None:
        try:
            home = normalize_url(seed.home)
        except ValueError as exc:
            raise ValueError(f"browser seed home: {exc}") from None
        if home not in pages:
            raise ValueError(f"browser seed: home {home} is not one of the pages")
    return {
        "home": home,
        "pages": pages,
        "form_pages": form_pages,
        "current_url": None,
        "history": [],
        "drafts": {},
        "submissions": [],
        "reads": {},
        "clicks": [],
    }


def _navigated(state: State, event: Event) -> None:
    browser = state["browser"]
    browser["history"] = next_history(browser["history"], event.data)
    browser["current_url"] = event.data["url"]


def _read(state: State, event: Event) -> None:
    reads = state["browser"]["reads"]
    url = event.data["url"]
    seen = reads.get(url)
    if seen is None:
        reads[url] = {"count": 1, "first_t_ms": event.t_ms}
    else:
        seen["count"] += 1


def _typed(state: State, event: Event) -> None:
    data = event.data
    state["browser"]["drafts"].setdefault(data["form_id"], {})[data["name"]] = data["value"]


def _submitted(state: State, event: Event) -> None:
    browser = state["browser"]
    data = event.data
    browser["submissions"].append(
        {
            "id": data["submission_id"],
            "form_id": data["form_id"],
            "form_title": data["form_title"],
            "url": data["url"],
            "values": dict(data["values"]),
            "t_ms": event.t_ms,
        }
    )
    browser["drafts"].pop(data["form_id"], None)


def _clicked(state: State, event: Event) -> None:
    data = event.data
    state["browser"]["clicks"].append(
        {
            "url": data["url"],
            "node_id": data["node_id"],
            "text": data["text"],
            "action": data["action"],
            "t_ms": event.t_ms,
        }
    )


def _page_updated(state: State, event: Event) -> None:
    page = state["browser"]["pages"].get(event.data["url"])
    if page is None:
        raise ValueError(f"browser event updates unknown page {event.data['url']!r}")
    page["text"] = event.data["text"]


REDUCERS: dict[str, Reducer] = {
    NAVIGATED: _navigated,
    PAGE_READ: _read,
    FIELD_TYPED: _typed,
    FORM_SUBMITTED: _submitted,
    BUTTON_CLICKED: _clicked,
    PAGE_UPDATED: _page_updated,
}


def summary(state: State) -> dict[str, Any]:
    """Where the browser is, where to start, and how many forms were submitted."""
    browser = state["browser"]
    return {
        "current_url": browser["current_url"],
        "home": browser["home"],
        "submissions": len(browser["submissions"]),
    }


def _outward_submitted(state: Mapping[str, Any], event: Event) -> Outward:
    data = event.data
    host = urlsplit(str(data.get("url", ""))).hostname or ""
    values: Mapping[str, Any] = data.get("values", {})
    text = "\n".join(f"{k}: {v}" for k, v in sorted(values.items()))
    where = f"form {data.get('form_id')} on {host}"
    return Outward("form", where, text, (f"browser:form:{data.get('form_id')}",), (host,))


# What the agent's web events show others (vei.core.twin.Outward).
OUTWARD = {FORM_SUBMITTED: _outward_submitted}
