"""Incident mode in a real browser, over file://, with zero requests leaving the machine.

Fill placeholders and copy the filled command, tick steps and reload, export the evidence log
and validate it against schemas/evidence-log.schema.json, follow the signal lookup page's links,
print. Headless Chromium (Debian's /usr/bin/chromium) through the playwright package; never
`playwright install`. Screenshots go to $RUNBOOK_SITE_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.site_helpers import REPO, Build

RUNBOOK = "runbooks/operator-recovery.md"
VALUES = {"<run-root>": "/srv/dkt/runs/2026-11-23", "<run-id>": "run-7f3a"}


class Session:
    """A browser context that records every request, page error and download."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 800) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.downloads: list[Any] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        self.context.grant_permissions(["clipboard-read", "clipboard-write"])
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: {error}"))
        self.page.on("download", lambda download: self.downloads.append(download))

    def open(self, path: Path, fragment: str = "") -> Any:
        self.page.goto(path.as_uri() + (f"#{fragment}" if fragment else ""))
        self.page.wait_for_load_state("load")
        self.page.wait_for_selector(".rb-incident:not([hidden]), .rb-signal-filter:not([hidden])")
        return self.page

    def remote(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file://", "data:", "blob:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    s = Session(browser)
    yield s
    assert s.remote() == [], s.remote()
    assert s.errors == []
    s.close()


def _shot(page: Any, name: str, full: bool = False) -> None:
    folder = os.environ.get("RUNBOOK_SITE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full)


def _document(uri: str) -> Any:
    from runbook_lint.config import load
    from runbook_lint.sitegen.library import load as load_library

    return load_library(load(start=REPO)).documents[uri]


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


def _fill(page: Any, values: dict[str, str]) -> None:
    for token, value in values.items():
        page.fill(f'[data-rb-field="{token}"]', value)


def test_values_replace_every_placeholder_and_copy_the_filled_command(
    site: Build, session: Session
) -> None:
    page = session.open(_html(site, RUNBOOK))
    _shot(page, "incident-empty-1280x800")
    counts = {t: page.locator(f'.rb-ph[data-rb-ph="{t}"]').count() for t in VALUES}
    assert all(counts.values()), counts
    _fill(page, VALUES)
    for token, value in VALUES.items():
        texts = page.locator(f'.rb-ph[data-rb-ph="{token}"]').all_inner_texts()
        assert texts == [value] * counts[token]
        shown = page.evaluate(
            """t => Array.from(document.querySelectorAll("article code"))
                 .filter(c => !c.closest(".rb-incident") && c.innerText.includes(t)).length""",
            token,
        )
        assert shown == 0, f"{token} is still shown in {shown} code elements"

    # A block that uses exactly the filled placeholders copies as the filled command.
    doc = _document(RUNBOOK)
    block = next(
        b
        for b in doc.code_blocks
        if b.lang == "bash" and all(t in b.text for t in VALUES) and "<" not in _sub(b.text)
    )
    expected = _sub(block.text)
    code = _block(page, expected)
    page.evaluate("() => navigator.clipboard.writeText('nothing yet')")
    _copy(page, code)
    assert page.evaluate("() => navigator.clipboard.readText()").rstrip("\n") == expected
    _shot(page, "incident-filled-command-1280x800")

    # A block with a placeholder still empty is not copied: a warning says which one.
    partial = next(
        b for b in doc.code_blocks if b.lang == "bash" and re.search(r"<[a-z_-]+>", _sub(b.text))
    )
    missing = re.findall(r"<[a-z_-]+>", _sub(partial.text))
    code = _block(page, _sub(partial.text))
    page.evaluate("() => navigator.clipboard.writeText('nothing yet')")
    _copy(page, code)
    warning = page.locator(".rb-copy-warning")
    assert warning.count() == 1 and warning.is_visible()
    assert missing[0] in warning.inner_text()
    assert page.evaluate("() => navigator.clipboard.readText()") == "nothing yet"
    _shot(page, "incident-copy-warning-1280x800")
    warning.get_by_role("button", name="Copy anyway").click()
    page.wait_for_timeout(200)
    assert page.evaluate("() => navigator.clipboard.readText()").rstrip("\n") == _sub(partial.text)

    # Values persist per page; "Clear values" brings the placeholders back.
    page.reload()
    page.wait_for_selector(".rb-incident:not([hidden])")
    assert page.input_value('[data-rb-field="<run-id>"]') == VALUES["<run-id>"]
    page.click("[data-rb-action=clear]")
    assert set(page.locator('.rb-ph[data-rb-ph="<run-id>"]').all_inner_texts()) == {"<run-id>"}


def _sub(text: str) -> str:
    for token, value in VALUES.items():
        text = text.replace(token, value)
    return text


def test_ticks_survive_reload_and_the_export_is_valid_evidence(
    site: Build, session: Session
) -> None:
    from jsonschema import Draft202012Validator

    page = session.open(_html(site, RUNBOOK))
    _fill(page, VALUES)
    boxes = page.locator(".task-list-item input[type=checkbox]")
    total = boxes.count()
    assert total >= 10
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ticked = [0, 5, 6]
    for index in ticked:
        _tick(page, index)
    assert [boxes.nth(i).is_checked() for i in range(8)] == [i in ticked for i in range(8)]
    step = page.locator("[data-rb-section='step-1-capture-status-and-replay-before-acting']")
    step.scroll_into_view_if_needed()
    page.locator(".rb-note__toggle").first.click()
    page.locator(".rb-note__text").first.fill("status-before.json saved; replay showed 3 events")
    _shot(page, "incident-ticked-step-1280x800")

    page.reload()
    page.wait_for_selector(".rb-incident:not([hidden])")
    boxes = page.locator(".task-list-item input[type=checkbox]")
    assert [boxes.nth(i).is_checked() for i in range(total)] == [i in ticked for i in range(total)]
    assert page.locator(".rb-incident__progress").inner_text().startswith(f"3 of {total} checks")
    assert page.locator(".rb-note__text").first.input_value().startswith("status-before.json")
    chip = step.locator(".rb-chip")
    assert re.match(r"^\d+/\d+$", chip.inner_text().replace("✓ ", ""))

    page.click("[data-rb-action=export]")
    page.wait_for_timeout(500)
    names = sorted(d.suggested_filename for d in session.downloads)
    assert len(names) == 2 and names[0].endswith(".json") and names[1].endswith(".md"), names
    end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    by_suffix = {Path(d.suggested_filename).suffix: Path(d.path()) for d in session.downloads}
    log = json.loads(by_suffix[".json"].read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "evidence-log.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    errors = list(
        Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).iter_errors(log)
    )
    assert errors == [], [e.message for e in errors]

    doc = _document(RUNBOOK)
    assert log["runbook"]["path"] == RUNBOOK
    assert log["runbook"]["version"] == doc.metadata["version"].value
    assert log["runbook"]["last_updated"] == doc.metadata["last_updated"].value
    assert {v["placeholder"]: v["value"] for v in log["values"] if v["value"]} == VALUES
    assert log["progress"] == {"done": 3, "total": total}
    checks = [c for s in log["steps"] for c in s["checks"]]
    assert [c["done"] for c in checks] == [i in ticked for i in range(total)]
    for check in checks:
        if check["done"]:
            at = dt.datetime.fromisoformat(check["done_at"].replace("Z", "+00:00"))
            assert start <= at <= end
    first_step = next(s for s in log["steps"] if s["id"] == step.get_attribute("data-rb-section"))
    assert first_step["step"] == 1 and first_step["label"] == "operational"
    assert first_step["note"].startswith("status-before.json")
    assert [t["at"] for t in log["timeline"]] == sorted(t["at"] for t in log["timeline"])

    markdown = by_suffix[".md"].read_text(encoding="utf-8")
    assert markdown.startswith(f"# Evidence log: {doc.title.text}")
    assert f"- Last Updated: {doc.metadata['last_updated'].value}" in markdown
    assert markdown.count("- [x] ") == 3
    assert f"`{VALUES['<run-id>']}`" in markdown
    assert "> status-before.json saved" in markdown

    # Reset for a new incident: asks once more, then clears everything, also after reload.
    page.evaluate("window.scrollTo(0, 0)")
    page.click("[data-rb-action=reset]")
    assert boxes.nth(0).is_checked(), "reset must not act on the first click"
    _shot(page, "incident-reset-armed-1280x800")
    page.click("[data-rb-action=reset]")
    page.reload()
    page.wait_for_selector(".rb-incident:not([hidden])")
    assert page.locator(".task-list-item input:checked").count() == 0
    assert page.input_value('[data-rb-field="<run-id>"]') == ""


def test_signal_page_links_land_on_the_handling_sections(site: Build, session: Session) -> None:
    from runbook_lint.document.signals import declarations

    page = session.open(site.site / "signals.html")
    _shot(page, "signals-1280x800")
    links = page.eval_on_selector_all(
        "h2.rb-signal + ul a", "links => links.map(a => a.getAttribute('href'))"
    )
    headings = page.locator("h2.rb-signal").all_inner_texts()
    from runbook_lint.config import load
    from runbook_lint.sitegen.library import load as load_library

    library = load_library(load(start=REPO))
    declared = {
        s.text
        for doc in library.documents.values()
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
    _shot(page, "signals-filtered-1280x800")
    page.locator("h2.rb-signal:visible + ul a").nth(visible.index("STALE")).click()
    page.wait_for_load_state("load")
    fragment = urlsplit(page.url).fragment
    heading = page.locator(f"[id='{fragment}']")
    assert heading.count() == 1
    assert "Signals:" in page.evaluate(
        "id => document.getElementById(id).nextElementSibling.innerText", fragment
    )


def test_print_page_shows_the_values_and_no_widgets(site: Build, session: Session) -> None:
    page = session.open(_html(site, RUNBOOK))
    _fill(page, VALUES)
    _tick(page, 0)
    page.emulate_media(media="print")
    assert not page.locator(".rb-incident__actions").is_visible()
    assert page.locator(".rb-field__print").first.is_visible()
    page.emulate_media(media="screen")

    page.goto((site.site / "print_page.html").as_uri())
    page.wait_for_load_state("load")
    page.wait_for_selector(".rb-incident--print")
    section = page.locator("section.print-page#runbooks-operator-recovery")
    assert section.locator(".rb-incident--print").inner_text().count(VALUES["<run-id>"]) == 1
    texts = section.locator('.rb-ph[data-rb-ph="<run-id>"]').all_inner_texts()
    assert texts and set(texts) == {VALUES["<run-id>"]}
    assert section.locator(".task-list-item input:checked").count() == 1
    page.emulate_media(media="print")
    for selector in ("button", "input[type=text]", "textarea"):
        assert page.locator(f".rb-incident {selector}:visible").count() == 0, selector
    section.scroll_into_view_if_needed()
    _shot(page, "incident-print-page")


def test_narrow_window_stays_readable(site: Build, browser: Any) -> None:
    narrow = Session(browser, width=720, height=900)
    try:
        page = narrow.open(_html(site, RUNBOOK))
        _fill(narrow.page, VALUES)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 720
        sizes = page.eval_on_selector_all(
            ".rb-incident button, .rb-incident input",
            "els => els.map(e => e.getBoundingClientRect().height)",
        )
        assert sizes and min(sizes) >= 40, sizes
        _shot(page, "incident-720x900")
        page = narrow.open(site.site / "signals.html")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 720
        _shot(page, "signals-720x900")
        assert narrow.remote() == []
        assert narrow.errors == []
    finally:
        narrow.close()
