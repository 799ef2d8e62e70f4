"""Incident mode in a real browser, over file://, with zero requests leaving the machine.

One incident across the site: begin it once, fill a value on one page and find it in the
commands of another, tick and mark verifications on several pages, export one evidence log
(one click, one download) and validate its JSON against schemas/evidence-log.schema.json, end
and clear it explicitly. Also over http, in print, on a phone-sized screen, and the signal
lookup page. Headless Chromium (Debian's /usr/bin/chromium) through the playwright package;
never `playwright install`. Screenshots go to $RUNBOOK_SITE_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.site_helpers import REPO, Build, screenshot

RECOVERY = "runbooks/operator-recovery.md"
DRILL = "runbooks/drills/stale-heartbeat-drill.md"
RESPONSE = "runbooks/incident-response.md"
EPIC3 = "runbooks/epic-3-halt-fork.md"
VALUES = {"<run-root>": "/srv/dkt/runs/2026-11-23", "<run-id>": "run-7f3a"}
INCIDENT, OPERATOR = "INC-2041", "op.jdoe"


class Session:
    """A browser context that records every request, page error and download."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 800, **options: Any) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.downloads: list[Any] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True, **options
        )
        self.context.grant_permissions(["clipboard-read", "clipboard-write"])
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: {error}"))
        self.page.on("download", lambda download: self.downloads.append(download))

    def saved(self) -> None:
        """Wait until the store has answered every change made on the current page, as an
        operator's next click comes after it: leaving earlier would drop the change."""
        if self.page.url.startswith(("file:", "http:")):
            self.page.wait_for_selector("html:not([data-rb-incident-saving])", state="attached")

    def open(self, url: Path | str, fragment: str = "") -> Any:
        self.saved()
        target = url.as_uri() if isinstance(url, Path) else url
        self.page.goto(target + (f"#{fragment}" if fragment else ""))
        self.page.wait_for_load_state("load")
        self.page.wait_for_selector("html[data-rb-incident-ready]", state="attached")
        return self.page

    def remote(self) -> list[str]:
        local = ("file://", "data:", "blob:", "http://127.0.0.1:")
        return [url for url in self.requests if not url.startswith(local)]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    s = Session(browser)
    yield s
    assert s.remote() == [], s.remote()
    assert s.errors == []
    s.close()


@functools.cache
def _library() -> Any:
    from runbook_lint.config import load
    from runbook_lint.sitegen.library import load as load_library

    return load_library(load(start=REPO))


def _document(uri: str) -> Any:
    return _library().documents[uri]


def _html(site: Build, uri: str) -> Path:
    return site.site / uri.replace(".md", ".html")


def _tick(page: Any, index: int) -> None:
    """Click where the operator clicks: on the drawn box (the real input is invisible)."""
    box = page.locator(".task-list-item input[type=checkbox]").nth(index)
    box.scroll_into_view_if_needed()
    rect = box.bounding_box()
    assert rect is not None
    page.mouse.click(rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2)


def _copy(page: Any, code: Any) -> None:
    code.scroll_into_view_if_needed()
    code.hover()
    code.locator("xpath=..").locator("button[data-clipboard-target]").first.click()
    page.wait_for_timeout(200)


def _block(page: Any, text: str) -> Any:
    """The code block that shows exactly `text` (many blocks start alike)."""
    index = page.evaluate(
        """t => Array.from(document.querySelectorAll("pre > code"))
             .findIndex(c => c.innerText.trimEnd() === t.trimEnd())""",
        text,
    )
    assert index >= 0, f"no code block shows {text!r}"
    return page.locator("pre > code").nth(index)


def _begin(page: Any, incident: str = INCIDENT, operator: str = OPERATOR) -> None:
    page.click("[data-rb-action=toggle]")
    page.fill("[data-rb-begin=incident]", incident)
    page.fill("[data-rb-begin=operator]", operator)
    page.click("[data-rb-action=start]")
    page.wait_for_selector(".rb-incident--active")


def _fill(page: Any, values: dict[str, str]) -> None:
    for token, value in values.items():
        page.fill(f'[data-rb-field="{token}"]', value)


def _shown(page: Any, token: str) -> set[str]:
    return set(page.locator(f'.rb-ph[data-rb-ph="{token}"]').all_inner_texts())


def _sub(text: str, values: dict[str, str]) -> str:
    for token, value in values.items():
        text = text.replace(token, value)
    return text


def _export(session: Session) -> tuple[str, dict[str, Any]]:
    """Click Export once: exactly one download, the Markdown log with its JSON at the end."""
    before = len(session.downloads)
    session.page.evaluate("window.scrollTo(0, 0)")
    session.page.click("[data-rb-action=export]")
    session.page.wait_for_timeout(700)
    downloads = session.downloads[before:]
    assert len(downloads) == 1, [d.suggested_filename for d in downloads]
    assert downloads[0].suggested_filename.endswith(".md")
    markdown = Path(downloads[0].path()).read_text(encoding="utf-8")
    match = re.search(r"^(`{3,})json\n(.*?)\n\1$", markdown, re.MULTILINE | re.DOTALL)
    assert match is not None, "no JSON block in the log"
    return markdown, json.loads(match.group(2))


def _valid(log: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((REPO / "schemas" / "evidence-log.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == [], errors


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


# -- the panel before the operator begins ----------------------------------------------------


def test_the_panel_starts_collapsed_and_nothing_is_recorded_before_the_incident_begins(
    site: Build, session: Session
) -> None:
    page = session.open(_html(site, RECOVERY))
    panel = page.locator(".rb-incident")
    assert panel.is_visible()
    assert page.get_attribute("[data-rb-action=toggle]", "aria-expanded") == "false"
    assert page.locator(".rb-incident__body").is_hidden()
    assert page.locator(".rb-incident__begin").is_hidden()
    assert page.locator(".rb-field__input:visible").count() == 0
    height = panel.bounding_box()["height"]
    assert height < 130, height  # one line and a button, not a form
    screenshot(page, "incident-collapsed-1280x800")

    # A tick before the incident begins is not taken: the panel asks to begin.
    _tick(page, 0)
    assert not page.locator(".task-list-item input[type=checkbox]").nth(0).is_checked()
    assert page.locator("[data-rb-begin=incident]").is_visible()
    assert "Begin the incident first" in page.locator(".rb-incident__status").inner_text()
    assert page.evaluate("rbIncident.session.state") is None

    # Starting needs both the incident id and the operator id.
    page.fill("[data-rb-begin=incident]", INCIDENT)
    page.click("[data-rb-action=start]")
    assert page.evaluate("rbIncident.session.state") is None
    page.fill("[data-rb-begin=operator]", OPERATOR)
    screenshot(page, "incident-begin-1280x800")
    page.click("[data-rb-action=start]")
    page.wait_for_selector(".rb-incident--active")
    assert INCIDENT in page.locator(".rb-incident__title").inner_text()
    assert OPERATOR in page.locator(".rb-incident__summary").inner_text()
    assert page.get_attribute("[data-rb-action=toggle]", "aria-expanded") == "true"


# -- one incident, many pages ---------------------------------------------------------------


def test_a_value_typed_on_one_page_fills_the_commands_of_another(
    site: Build, session: Session
) -> None:
    page = session.open(_html(site, RESPONSE))
    _begin(page)
    page.fill('[data-rb-field="<incident-dir>"]', "/srv/incidents/INC-2041")
    screenshot(page, "incident-active-1280x800")

    page = session.open(_html(site, EPIC3))
    assert INCIDENT in page.locator(".rb-incident__title").inner_text()
    assert _shown(page, "<incident-dir>") == {"/srv/incidents/INC-2041"}
    assert page.input_value('[data-rb-field="<incident-dir>"]') == "/srv/incidents/INC-2041"
    # The operator id given at the start is the value of <operator-id> too.
    assert _shown(page, "<operator-id>") == {OPERATOR}
    # The copy button copies the command with the value typed on the other page.
    doc = _document(EPIC3)
    values = {"<incident-dir>": "/srv/incidents/INC-2041", "<operator-id>": OPERATOR}
    block = next(
        b
        for b in doc.code_blocks
        if b.lang == "bash" and "<incident-dir>" in b.text and "<" not in _sub(b.text, values)
    )
    code = _block(page, _sub(block.text, values))
    page.evaluate("() => navigator.clipboard.writeText('nothing yet')")
    _copy(page, code)
    copied = page.evaluate("() => navigator.clipboard.readText()").rstrip("\n")
    assert copied == _sub(block.text, values)

    # The runbook and its drill share <run-id>; a pages without a panel names the incident.
    page = session.open(_html(site, RECOVERY))
    _fill(page, VALUES)
    page = session.open(_html(site, DRILL))
    for token, value in VALUES.items():
        assert _shown(page, token) == {value}, token
    page = session.open(site.site / "index.html")
    banner = page.locator(".rb-incident-banner")
    assert banner.is_visible() and INCIDENT in banner.inner_text()
    assert OPERATOR in banner.inner_text()


def test_only_values_the_operator_supplies_are_asked_for(site: Build, session: Session) -> None:
    from runbook_lint.sitegen.placeholders import placeholders

    page = session.open(_html(site, RECOVERY))
    _begin(page)
    found = placeholders(_document(RECOVERY))
    asked = page.eval_on_selector_all(
        "[data-rb-field]", "els => els.map(e => e.getAttribute('data-rb-field'))"
    )
    assert asked == [p.token for p in found.asked]
    notes = " ".join(page.locator(".rb-incident__env").all_inner_texts())
    assert "check" in found.assigned  # `for check in 1 2 3`
    for name in found.assigned:
        assert not re.search(rf"\${name}\b", notes), f"${name} is the page's own: {notes}"

    page = session.open(_html(site, EPIC3))
    fields = page.eval_on_selector_all(
        "[data-rb-field]", "els => els.map(e => e.getAttribute('data-rb-field'))"
    )
    assert "<stamp>" not in fields and fields
    # A reason with spaces goes inside quotes: no warning. A folder with one is unquoted: warn.
    page.fill('[data-rb-field="<halt-reason>"]', "fork at seq 4411, see INC-2041")
    reason = page.locator('.rb-field:has([data-rb-field="<halt-reason>"]) .rb-field__warn')
    assert reason.inner_text() == ""
    page.fill('[data-rb-field="<recovery-id>"]', "rec 1")
    warn = page.locator('.rb-field:has([data-rb-field="<recovery-id>"]) .rb-field__warn')
    assert "unquoted" in warn.inner_text()
    page.fill('[data-rb-field="<halt-reason>"]', 'say "no"')
    assert "double quotes" in reason.inner_text()


def test_every_checkbox_is_matched_with_its_line_in_the_runbook(
    site: Build, session: Session
) -> None:
    """The build's outline and the rendered page agree on every runbook: each box knows the
    Markdown text and line it stands for."""
    pages = sorted(u for u, d in _library().documents.items() if d.kind in ("runbook", "drill"))
    assert len(pages) > 10
    for uri in pages:
        page = session.open(_html(site, uri))
        unmatched = page.evaluate(
            """() => rbIncident.session.views.flatMap(v => v.checks || [])
                 .filter(c => c.outline.line === null).map(c => c.id)"""
        )
        assert unmatched == [], f"{uri}: {unmatched}"


# -- the evidence log -------------------------------------------------------------------------


def test_the_exported_log_ties_every_tick_to_the_runbook_text(
    site: Build, session: Session
) -> None:
    page = session.open(_html(site, RECOVERY))
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _begin(page)
    _fill(page, VALUES)
    boxes = page.locator(".task-list-item input[type=checkbox]")
    total = boxes.count()
    stale = page.locator(".task-list-item", has_text="Read the heartbeat state from the run root")
    nested_index = page.evaluate(
        """() => Array.from(document.querySelectorAll('.task-list-item input[type=checkbox]'))
             .findIndex(b => b.closest('.task-list-item').textContent
                              .includes('Read the heartbeat state from the run root'))"""
    )
    assert stale.count() == 1 and nested_index > 0
    ticked = [0, 5, nested_index]
    for index in ticked:
        _tick(page, index)
    page.locator("[data-rb-verify=pass]").nth(0).click()
    page.locator("[data-rb-verify=fail]").nth(1).click()
    page.locator(".rb-note__toggle").first.click()
    page.locator(".rb-note__text").first.fill("status-before.json saved; replay showed 3 events")
    screenshot(page, "incident-ticked-step-1280x800")

    # Reload: the incident is kept.
    session.saved()
    page.reload()
    page.wait_for_selector(".rb-incident[data-rb-ready]")
    boxes = page.locator(".task-list-item input[type=checkbox]")
    assert [boxes.nth(i).is_checked() for i in range(total)] == [i in ticked for i in range(total)]
    assert page.get_attribute("[data-rb-verify=pass] >> nth=0", "aria-pressed") == "true"
    assert page.locator(".rb-note__text").first.input_value().startswith("status-before.json")

    # A tick on a second page goes into the same log.
    page = session.open(_html(site, DRILL))
    _tick(page, 0)
    page.locator("[data-rb-verify=pass]").nth(0).click()
    markdown, log = _export(session)
    end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    _valid(log)

    assert log["incident"]["id"] == INCIDENT and log["incident"]["operator"] == OPERATOR
    assert log["incident"]["ended_at"] is None
    by_path = {p["path"]: p for p in log["pages"]}
    assert set(by_path) == {RECOVERY, DRILL}
    revision = _git("log", "-1", "--format=%H")
    for path, entry in by_path.items():
        (source,) = entry["sources"]
        assert source["revision"] == revision
        assert source["sha256"] == hashlib.sha256((REPO / path).read_bytes()).hexdigest()
    recovery = by_path[RECOVERY]
    doc = _document(RECOVERY)
    assert recovery["version"] == doc.metadata["version"].value
    assert recovery["progress"] == {"done": 3, "total": total}
    checks = [c for s in recovery["steps"] for c in s["checks"]]
    assert [c["done"] for c in checks] == [i in ticked for i in range(total)]
    lines = doc.lines
    for check in checks:
        # The line the check names is the line of the runbook that holds its text.
        assert check["text"] in lines[check["line"] - 1], check
        if check["done"]:
            assert check["source"] == 0
            at = dt.datetime.fromisoformat(check["done_at"].replace("Z", "+00:00"))
            assert start <= at <= end
    nested = next(c for c in checks if c["text"].startswith("Read the heartbeat state"))
    assert nested["done"] and any("status == STALE" in c for c in nested["criteria"])
    marks = [s["verification"] for s in recovery["steps"] if s["verification"]]
    assert [m["result"] for m in marks[:2]] == ["pass", "fail"]
    assert all(m["result"] is None for m in marks[2:])
    assert recovery["verifications"] == {"passed": 1, "failed": 1, "unmarked": len(marks) - 2}
    assert all(m["items"] for m in marks)
    first = next(s for s in recovery["steps"] if s["step"] == 1)
    assert first["note"].startswith("status-before.json") and first["label"] == "operational"
    assert by_path[DRILL]["verifications"]["passed"] == 1
    values = {v["placeholder"]: v["value"] for v in log["values"]}
    assert values == {**VALUES, "<operator-id>": OPERATOR}
    assert [t["at"] for t in log["timeline"]] == sorted(t["at"] for t in log["timeline"])

    assert markdown.startswith(f"# Evidence log: incident {INCIDENT}")
    assert f"- Operator: `{OPERATOR}`" in markdown
    assert revision in markdown and recovery["sources"][0]["sha256"] in markdown
    assert markdown.count("- [x] ") == 4
    assert "  - `state/heartbeat_status.json`: `status == STALE`" in markdown
    assert "**PASSED**" in markdown and "**FAILED**" in markdown
    assert "> status-before.json saved" in markdown


def test_ending_and_clearing_the_incident_are_explicit(site: Build, session: Session) -> None:
    page = session.open(_html(site, RECOVERY))
    _begin(page)
    _tick(page, 0)
    page.click("[data-rb-action=end]")
    page.wait_for_selector(".rb-incident--ended")
    assert page.locator(".task-list-item input[type=checkbox]").nth(0).is_disabled()
    _, log = _export(session)
    _valid(log)
    assert log["incident"]["ended_at"] is not None

    page = session.open(_html(site, EPIC3))
    assert "ended" in page.locator(".rb-incident__summary").inner_text()
    page.click("[data-rb-action=clear]")
    assert session.page.evaluate("rbIncident.session.state") is not None, "clears on 2nd click"
    screenshot(page, "incident-clear-armed-1280x800")
    page.click("[data-rb-action=clear]")
    page = session.open(_html(site, RECOVERY))
    assert page.locator(".rb-incident--collapsed").count() == 1
    assert page.locator(".task-list-item input:checked").count() == 0
    assert page.locator(".rb-incident-banner").count() == 0
    page = session.open(site.site / "index.html")
    assert page.locator(".rb-incident-banner:visible").count() == 0


def test_the_incident_is_shared_over_http_too(site: Build, session: Session) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site.site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page = session.open(base + RESPONSE.replace(".md", ".html"))
        assert page.get_attribute("html", "data-rb-incident-ready") == "shared"
        _begin(page)
        page.fill('[data-rb-field="<incident-dir>"]', "/srv/over-http")
        page = session.open(base + EPIC3.replace(".md", ".html"))
        assert _shown(page, "<incident-dir>") == {"/srv/over-http"}
    finally:
        server.shutdown()
        server.server_close()


# -- print, a phone, the signal lookup page -----------------------------------------------------


def test_print_page_shows_the_values_and_no_widgets(site: Build, session: Session) -> None:
    page = session.open(_html(site, RECOVERY))
    _begin(page)
    _fill(page, VALUES)
    _tick(page, 0)
    page.emulate_media(media="print")
    assert page.locator(".rb-incident__actions:visible").count() == 0
    assert page.locator(".rb-field__print").first.is_visible()
    page.emulate_media(media="screen")

    page = session.open(site.site / "print_page.html")
    page.wait_for_selector(".rb-incident--print")
    section = page.locator("section.print-page#runbooks-operator-recovery")
    printed = section.locator(".rb-incident--print").inner_text()
    assert printed.count(VALUES["<run-id>"]) == 1 and INCIDENT in printed
    texts = section.locator('.rb-ph[data-rb-ph="<run-id>"]').all_inner_texts()
    assert texts and set(texts) == {VALUES["<run-id>"]}
    assert section.locator(".task-list-item input:checked").count() == 1
    page.emulate_media(media="print")
    for selector in ("button", "input[type=text]", "textarea"):
        assert page.locator(f".rb-incident {selector}:visible").count() == 0, selector
    section.scroll_into_view_if_needed()
    screenshot(page, "incident-print-page")


def test_a_phone_screen_stays_readable(site: Build, browser: Any) -> None:
    phone = Session(browser, width=390, height=844, is_mobile=True, has_touch=True)
    try:
        page = phone.open(_html(site, RECOVERY))
        assert page.locator(".rb-incident").bounding_box()["height"] < 200
        screenshot(page, "incident-collapsed-phone-390x844")
        _begin(page)
        _fill(page, VALUES)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        sizes = page.eval_on_selector_all(
            ".rb-incident button:not([hidden]), .rb-incident input:not([hidden])",
            "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)",
        )
        assert sizes and min(sizes) >= 40, sizes
        page.locator(".rb-incident").scroll_into_view_if_needed()
        screenshot(page, "incident-active-phone-390x844")
        page.locator(".rb-verify").first.scroll_into_view_if_needed()
        page.locator("[data-rb-verify=pass]").first.click()
        screenshot(page, "incident-verification-phone-390x844")
        page = phone.open(site.site / "signals.html")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert phone.remote() == []
        assert phone.errors == []
    finally:
        phone.close()


def test_signal_page_links_land_on_the_handling_sections(site: Build, session: Session) -> None:
    from runbook_lint.document.signals import declarations

    page = session.open(site.site / "signals.html")
    screenshot(page, "signals-1280x800")
    links = page.eval_on_selector_all(
        "h2.rb-signal + ul a", "links => links.map(a => a.getAttribute('href'))"
    )
    headings = page.locator("h2.rb-signal").all_inner_texts()
    declared = {
        s.text
        for doc in _library().documents.values()
        if doc.kind in ("runbook", "drill")
        for d in declarations(doc)
        for s in d.signals
    }
    assert {h.replace("¶", "").strip() for h in headings} == declared
    assert len(links) >= len(declared)
    checked: dict[Path, set[str]] = {}
    for href in links:
        parts = urlsplit(href)
        target = (site.site / unquote(parts.path)).resolve()
        assert target.is_file(), href
        if target not in checked:
            session.page.goto(target.as_uri())
            checked[target] = set(
                session.page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
            )
        assert parts.fragment in checked[target], f"{href}: no such anchor"

    # Following one link lands on the section that declares the signal.
    page = session.open(site.site / "signals.html")
    page.locator(".rb-signal-filter__input").fill("STALE")
    visible = [
        v.replace("¶", "").strip() for v in page.locator("h2.rb-signal:visible").all_inner_texts()
    ]
    assert "STALE" in visible and "alert_dispatch_failed" not in visible
    assert 0 < len(visible) < len(headings)
    screenshot(page, "signals-filtered-1280x800")
    page.locator("h2.rb-signal:visible + ul a").nth(visible.index("STALE")).click()
    page.wait_for_load_state("load")
    fragment = urlsplit(page.url).fragment
    heading = page.locator(f"[id='{fragment}']")
    assert heading.count() == 1
    assert "Signals:" in page.evaluate(
        "id => document.getElementById(id).nextElementSibling.innerText", fragment
    )
