"""Browser tools the agent calls: open a URL, read, find, click, type, submit and go back.

There is one tab. Pages are addressed by exact URL after normalisation (``normalize_url``):
an unknown URL is an error, never a guess. Elements are addressed by the node ids that
``browser_open`` and ``browser_read`` list (``link-2``, ``field-purchase-request-email``,
``submit-purchase-request``), always on the open page. Error codes are in ``ERROR_CODES``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from vei.core.context import CallContext
from vei.core.errors import VeiError, invalid
from vei.core.registry import NoArgs, ToolArgs, ToolSpec, tool
from vei.core.twin import State
from vei.twins.browser.state import (
    BUTTON_CLICKED,
    FIELD_TYPED,
    FORM_SUBMITTED,
    NAVIGATED,
    PAGE_READ,
    PAGE_SEARCHED,
    next_history,
    normalize_url,
    page_elements,
    page_outline,
    paragraphs,
    submit_form_id,
)

MAX_URL = 2000
MAX_LINE = 500
MAX_TEXTAREA = 5000

ERROR_CODES: dict[str, str] = {
    "browser.invalid_url": "The URL is not an absolute http:// or https:// URL (for example it has no scheme, or uses another one).",
    "browser.page_not_found": "No page exists at that exact URL (after normalisation); the message names it. Also raised for a link to a page outside the site.",
    "browser.no_page": "No page is open yet; browser_open a URL first (vei_observe shows the home page).",
    "browser.no_history": "browser_back has nothing to go back to.",
    "browser.node_not_found": "The open page has no element with that node id; the message names the node and the page. browser_open and browser_read list the ids.",
    "browser.not_clickable": "The node is a form or a form field; type into fields with browser_type and submit forms with browser_submit.",
    "browser.not_a_field": "browser_type was given a node that is not a form field.",
    "browser.invalid_value": "The text does not fit the field: an email field needs name@domain.tld, a number field a whole number, a one-line field no line breaks; or it is too long.",
    "browser.form_not_found": "The open page has no form with that id (the message says which page has it, if any).",
    "browser.required_fields_missing": "A required field of the form is empty; the message names each one. Nothing was submitted.",
    "browser.invalid_argument": "A find query with no words.",
}

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_NODE = Field(
    min_length=1,
    max_length=100,
    description="Node id from browser_open or browser_read, e.g. link-2 or field-purchase-request-email.",
)


class OpenArgs(ToolArgs):
    url: str = Field(
        min_length=1,
        max_length=MAX_URL,
        description="Absolute http(s) URL, e.g. https://intranet.company.example/ (fragments are ignored).",
    )


class FindArgs(ToolArgs):
    query: str = Field(
        min_length=1,
        max_length=200,
        description="Words that must all appear (any case) in an element or a paragraph of the open page.",
    )


class ClickArgs(ToolArgs):
    node_id: str = _NODE


class TypeArgs(ToolArgs):
    node_id: str = _NODE
    text: str = Field(
        max_length=MAX_TEXTAREA,
        description="The field's new value (replaces what was typed before; empty clears it).",
    )


class SubmitArgs(ToolArgs):
    form_id: str = Field(
        min_length=1, max_length=100, description="Form id from browser_open or browser_read."
    )


def _current(browser: Mapping[str, Any]) -> dict[str, Any]:
    url = browser["current_url"]
    if url is None:
        raise VeiError(
            "browser.no_page",
            f"no page is open; call browser_open first (the home page is {browser['home']})",
        )
    page: dict[str, Any] = browser["pages"][url]
    return page


def _node(page: Mapping[str, Any], node_id: str) -> dict[str, Any]:
    wanted = node_id.strip()
    for node in page_elements(page):
        if node["id"] == wanted:
            return node
    raise VeiError(
        "browser.node_not_found", f"no node {node_id!r} on {page['url']} ({page['title']!r})"
    )


def _navigate(
    ctx: CallContext,
    browser: Mapping[str, Any],
    page: Mapping[str, Any],
    via: str,
    node_id: str | None,
) -> dict[str, Any]:
    data = {"url": page["url"], "from_url": browser["current_url"], "via": via, "node_id": node_id}
    ctx.emit(NAVIGATED, data)
    history = next_history(browser["history"], data)
    return {
        "url": page["url"],
        "title": page["title"],
        "can_go_back": bool(history),
        **page_outline(browser, page),
    }


def _page_at(browser: Mapping[str, Any], url: str, what: str) -> dict[str, Any]:
    page: dict[str, Any] | None = browser["pages"].get(url)
    if page is None:
        raise VeiError(
            "browser.page_not_found",
            f"no page at {url} ({what}; URLs must match exactly; the home page is "
            f"{browser['home']})",
        )
    return page


def open_page(state: State, args: OpenArgs, ctx: CallContext) -> dict[str, Any]:
    """Open the page at exactly ``url`` (normalised) and return its outline."""
    browser = state["browser"]
    try:
        url = normalize_url(args.url)
    except ValueError as exc:
        raise VeiError("browser.invalid_url", str(exc)) from None
    page = _page_at(browser, url, f"asked for {args.url!r}")
    return _navigate(ctx, browser, page, "open", None)


def read_page(state: State, _: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """The open page's full text and elements; records that the agent read it."""
    browser = state["browser"]
    page = _current(browser)
    ctx.emit(PAGE_READ, {"url": page["url"], "title": page["title"]})
    seen = browser["reads"].get(page["url"])
    return {
        "url": page["url"],
        "title": page["title"],
        "text": page["text"],
        **page_outline(browser, page),
        "times_read": 1 + (0 if seen is None else int(seen["count"])),
    }


def find_on_page(state: State, args: FindArgs, ctx: CallContext) -> dict[str, Any]:
    """Elements and paragraphs of the open page that contain every query word."""
    page = _current(state["browser"])
    words = args.query.lower().split()
    if not words:
        raise invalid("browser", "the query has no words")
    elements = []
    for node in page_elements(page):
        haystack = " ".join([node["id"], node["text"], node.get("url") or ""]).lower()
        if all(word in haystack for word in words):
            row = {"id": node["id"], "type": node["type"], "text": node["text"]}
            if node["type"] == "link":
                row["url"] = node["url"]
            elements.append(row)
    found = [
        {"index": index, "text": text}
        for index, text in enumerate(paragraphs(page["text"]), start=1)
        if all(word in text.lower() for word in words)
    ]
    if found:
        shown = {"url": page["url"], "query": args.query, "paragraphs": [p["index"] for p in found]}
        ctx.emit(PAGE_SEARCHED, shown)
    return {"url": page["url"], "query": args.query, "elements": elements, "paragraphs": found}


def _submit(
    ctx: CallContext, page: Mapping[str, Any], form: Mapping[str, Any], drafts: Mapping[str, Any]
) -> dict[str, Any]:
    values = {f["name"]: str(drafts.get(f["name"], "")) for f in form["fields"]}
    missing = [f for f in form["fields"] if f["required"] and not values[f["name"]].strip()]
    if missing:
        named = ", ".join(f"{f['label']!r} ({f['id']})" for f in missing)
        raise VeiError(
            "browser.required_fields_missing",
            f"form {form['id']!r} was not submitted: required field(s) empty: {named}",
        )
    submission_id = ctx.new_id("sub")
    data = {
        "submission_id": submission_id,
        "form_id": form["id"],
        "form_title": form["title"],
        "url": page["url"],
        "values": values,
    }
    ctx.emit(FORM_SUBMITTED, data)
    confirmation = f"{form['title']} submitted. Your reference is {submission_id}."
    return {**data, "values": dict(values), "confirmation": confirmation}


def _form(browser: Mapping[str, Any], page: Mapping[str, Any], form_id: str) -> dict[str, Any]:
    wanted = form_id.strip()
    for form in page["forms"]:
        if form["id"] == wanted:
            return dict(form)
    elsewhere = browser["form_pages"].get(wanted)
    if elsewhere is not None:
        where = f"it is on {elsewhere}"
    else:
        here = ", ".join(repr(f["id"]) for f in page["forms"]) or "none"
        where = f"forms here: {here}"
    raise VeiError("browser.form_not_found", f"no form {form_id!r} on {page['url']} ({where})")


def click(state: State, args: ClickArgs, ctx: CallContext) -> dict[str, Any]:
    """Follow a link, press a submit button (submits its form) or press another button."""
    browser = state["browser"]
    page = _current(browser)
    node = _node(page, args.node_id)
    if node["type"] == "link":
        target = _page_at(browser, node["url"], f"the target of link {node['id']!r}")
        return {"clicked": node["id"]} | _navigate(ctx, browser, target, "link", node["id"])
    if node["type"] != "button":
        raise VeiError(
            "browser.not_clickable",
            f"{node['id']!r} is a {node['type']}: use browser_type for fields and "
            "browser_submit (or the form's submit button) for forms",
        )
    form_id = submit_form_id(node["action"])
    if form_id is not None:
        form = _form(browser, page, form_id)
        drafts = browser["drafts"].get(form_id, {})
        return {"clicked": node["id"]} | _submit(ctx, page, form, drafts)
    data = {k: node[k] for k in ("text", "action")} | {"url": page["url"], "node_id": node["id"]}
    ctx.emit(BUTTON_CLICKED, data)
    return {"clicked": node["id"], **data}


def _checked(field: Mapping[str, Any], text: str) -> str:
    kind = field["input_type"]
    where = f"field {field['id']!r} ({field['text']!r})"
    if kind == "textarea":
        return text
    if len(text) > MAX_LINE or "\n" in text or "\r" in text:
        raise VeiError(
            "browser.invalid_value", f"{where} takes one line of at most {MAX_LINE} characters"
        )
    value = text.strip() if kind in ("email", "number") else text
    if value and kind == "email" and (not _EMAIL.match(value) or ".." in value):
        raise VeiError(
            "browser.invalid_value",
            f"{where} needs an email address like name@company.example, not {text!r}",
        )
    if value and kind == "number" and not _INTEGER.match(value):
        raise VeiError(
            "browser.invalid_value",
            f"{where} needs a whole number such as 5 (digits only, no $ or commas), not {text!r}",
        )
    return value


def type_text(state: State, args: TypeArgs, ctx: CallContext) -> dict[str, Any]:
    """Set a form field's draft value on the open page (validated for its input type)."""
    page = _current(state["browser"])
    node = _node(page, args.node_id)
    if node["type"] != "field":
        raise VeiError(
            "browser.not_a_field",
            f"{node['id']!r} on {page['url']} is a {node['type']}, not a field",
        )
    value = _checked(node, args.text)
    data = {
        "url": page["url"],
        "form_id": node["form_id"],
        "field_id": node["id"],
        "name": node["name"],
        "value": value,
    }
    ctx.emit(FIELD_TYPED, data)
    return dict(data)


def submit(state: State, args: SubmitArgs, ctx: CallContext) -> dict[str, Any]:
    """Submit a form on the open page with the values typed into it."""
    browser = state["browser"]
    page = _current(browser)
    form = _form(browser, page, args.form_id)
    return _submit(ctx, page, form, browser["drafts"].get(form["id"], {}))


def back(state: State, _: NoArgs, ctx: CallContext) -> dict[str, Any]:
    """Go back to the page before this one."""
    browser = state["browser"]
    if not browser["history"]:
        raise VeiError("browser.no_history", "there is no earlier page to go back to")
    page = browser["pages"][browser["history"][-1]]
    return _navigate(ctx, browser, page, "back", None)


TOOLS: tuple[ToolSpec, ...] = (
    tool(
        "browser_open",
        "Open a web page by its exact URL. "
        "Returns {url, title, can_go_back, links, buttons, forms}: the page's outline, with the node ids the other browser tools take "
        "(forms list their fields and submit_id).",
        OpenArgs,
        open_page,
        records=True,
        latency_ms=800,
        keywords=("web", "website", "visit", "navigate", "url", "go"),
    ),
    tool(
        "browser_read",
        "Read the open page in full. "
        "Returns {url, title, text, links, buttons, forms, times_read}: all its text and elements, with the values typed into form fields.",
        NoArgs,
        read_page,
        records=True,
        latency_ms=300,
        keywords=("web", "text", "content", "view"),
    ),
    tool(
        "browser_find",
        "Find text on the open page. "
        "Returns {url, query, elements, paragraphs}: the elements ({id, type, text}, links with url) and the numbered paragraphs ({index, text}) that contain all the query words (any case).",
        FindArgs,
        find_on_page,
        latency_ms=100,
        records=True,
        keywords=("web", "locate", "text"),
    ),
    tool(
        "browser_click",
        "Click an element of the open page by node id: a link opens its page, a form's submit button submits the form, other buttons are pressed. "
        "Returns {clicked} plus what browser_open returns for a link, what browser_submit returns for a submit button, or {text, action, url, node_id} for another button.",
        ClickArgs,
        click,
        effect="write",
        latency_ms=600,
        keywords=("press", "button", "link", "follow"),
    ),
    tool(
        "browser_type",
        "Type into a form field of the open page by node id, replacing its value. Email fields need an address, number fields a whole number. "
        "Returns {url, form_id, field_id, name, value} with the value as stored.",
        TypeArgs,
        type_text,
        effect="write",
        latency_ms=150,
        keywords=("fill", "enter", "input", "write", "field", "form"),
    ),
    tool(
        "browser_submit",
        "Submit a form of the open page by form id with the values typed into it; fails naming any empty required field. "
        "Returns {submission_id, form_id, form_title, url, values, confirmation}.",
        SubmitArgs,
        submit,
        effect="write",
        latency_ms=700,
        keywords=("send", "form", "order", "request", "fill"),
    ),
    tool(
        "browser_back",
        "Go back to the previous page, like a browser's back button. "
        "Returns what browser_open returns for that page.",
        NoArgs,
        back,
        records=True,
        latency_ms=400,
        keywords=("previous", "return"),
    ),
)
