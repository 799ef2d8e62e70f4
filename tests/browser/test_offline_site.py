"""The built site in a real browser, over file://, with zero requests leaving the machine.

Headless Chromium (Debian's /usr/bin/chromium) through the playwright package; never
`playwright install`. Screenshots go to $RUNBOOK_SITE_SCREENSHOTS when it is set.
$RUNBOOK_SITE_PROJECT builds another project folder instead of this repository.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site_helpers import REPO, Build, screenshot

# mkdocs-material renders each diagram into a closed shadow root; open them so they can be counted.
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, Object.assign({}, init, { mode: "open" }));
  };
  document.addEventListener("copy", () => { window.__copied = String(document.getSelection()); },
                            true);
})();
"""
COUNT_SVGS = """() => Array.from(document.querySelectorAll("div.mermaid"))
  .filter(d => d.shadowRoot && d.shadowRoot.querySelector("svg")).length"""


class Session:
    """A browser context that records every request it makes."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 800) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.add_init_script(OPEN_SHADOW_ROOTS)
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: {error}"))

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def remote(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file://", "data:", "blob:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    s = Session(browser)
    yield s
    s.close()


def _diagram_pages(site_dir: Path) -> dict[Path, int]:
    pages = {}
    for path in sorted(site_dir.rglob("*.html")):
        count = len(re.findall(r'<pre[^>]*class="mermaid"', path.read_text(encoding="utf-8")))
        if count:
            pages[path] = count
    return pages


def test_every_diagram_renders_and_nothing_leaves_the_machine(
    site: Build, session: Session
) -> None:
    pages = _diagram_pages(site.site)
    print_page = site.site / "print_page.html"
    assert print_page in pages, "the print page has no diagram: the library's flows are missing"
    assert len(pages) >= 2
    rendered = {}
    for path, expected in pages.items():
        page = session.open(path)
        page.wait_for_function(f"() => ({COUNT_SVGS})() >= {expected}", timeout=30_000)
        rendered[path.relative_to(site.site).as_posix()] = page.evaluate(COUNT_SVGS)
        assert rendered[path.relative_to(site.site).as_posix()] == expected
    level = session.page.evaluate("() => mermaid.mermaidAPI.getSiteConfig().securityLevel")
    assert level == "strict"
    total = sum(rendered.values())
    print(
        f"\n{total} diagrams rendered as SVG on {len(rendered)} pages; "
        f"{len(session.requests)} requests, all local"
    )
    assert session.remote() == [], session.remote()
    assert session.errors == []


def test_start_page_search_and_runbook_metadata_offline(site: Build, session: Session) -> None:
    page = session.open(site.site / "index.html")
    assert page.locator("h1").first.inner_text().startswith("In an incident?")
    assert page.locator("table").count() >= 2, "scenario and severity tables are missing"
    screenshot(page, "start-page-1280x800")

    page.locator(".md-search__input").first.click()
    page.keyboard.type("heartbeat", delay=30)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=20_000)
    assert results.count() > 0
    screenshot(page, "search-1280x800")

    target = page.locator("table a[href*='runbooks/']").first
    href = target.get_attribute("href")
    assert href is not None
    page = session.open((site.site / href.split("#", 1)[0]).resolve())
    meta = page.locator(".rb-meta")
    assert meta.count() == 1
    text = meta.inner_text()
    for key in ("Last Updated", "Version", "Owner"):
        assert key in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert page.locator(".rb-label").count() > 0, "step labels are not shown as badges"
    screenshot(page, "runbook-1280x800")
    assert session.remote() == []
    assert session.errors == []


def test_copy_button_copies_the_exact_command(site: Build, session: Session) -> None:
    from runbook_lint.config import load
    from runbook_lint.sitegen.library import load as load_library

    library = load_library(load(start=Path(os.environ.get("RUNBOOK_SITE_PROJECT", REPO))))
    uri, block = next(
        (uri, block)
        for uri, doc in library.documents.items()
        if doc.kind == "runbook"
        for block in doc.code_blocks
        if block.lang == "bash" and len(block.lines) > 1
    )
    page = session.open(site.site / uri.replace(".md", ".html"))
    session.context.grant_permissions(["clipboard-read", "clipboard-write"])
    code = page.locator("pre > code", has_text=block.lines[0].text.strip()).first
    code.scroll_into_view_if_needed()
    button = code.locator("xpath=..").locator("button").first
    code.hover()
    button.click()
    page.wait_for_timeout(300)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == block.text.rstrip("\n")
    screenshot(page, "copied-command-1280x800")
    assert session.remote() == []


def test_narrow_window(site: Build, browser: Any) -> None:
    narrow = Session(browser, width=720, height=900)
    try:
        page = narrow.open(site.site / "index.html")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 720, "the start page scrolls sideways in a narrow window"
        screenshot(page, "start-page-720x900")
        wide = []
        for path in sorted((site.site / "runbooks").rglob("*.html")):
            page = narrow.open(path)
            if page.evaluate("() => document.documentElement.scrollWidth") > 720:
                wide.append(path.name)
        assert wide == [], "runbook pages that scroll sideways in a narrow window"
        page = narrow.open(site.site / "runbooks" / "operator-recovery.html")
        screenshot(page, "runbook-720x900")
        assert narrow.remote() == []
    finally:
        narrow.close()


def test_served_with_python_http_server(site: Build, session: Session) -> None:
    """The third way operators open it: `python -m http.server` in the site folder."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page = session.page
        page.goto(base + "runbooks/operator-recovery.html")
        recovery = site.site / "runbooks" / "operator-recovery.html"
        expected = _diagram_pages(site.site).get(recovery, 0)
        page.wait_for_function(f"() => ({COUNT_SVGS})() >= {expected}", timeout=30_000)
        assert page.locator(".rb-meta").count() == 1
        page.locator(".md-search__input").first.click()
        page.keyboard.type("takeover", delay=30)
        page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
        outside = [u for u in session.requests if not u.startswith(base)]
        assert outside == [], outside
        assert session.errors == []
    finally:
        server.shutdown()
        server.server_close()


def test_print_page_prints_to_pdf_with_its_diagrams(site: Build, session: Session) -> None:
    pages = _diagram_pages(site.site)
    expected = pages[site.site / "print_page.html"]
    page = session.open(site.site / "print_page.html")
    page.wait_for_function(f"() => ({COUNT_SVGS})() >= {expected}", timeout=60_000)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 10
    folder = os.environ.get("RUNBOOK_SITE_SCREENSHOTS")
    if folder:
        (Path(folder) / "print-everything.pdf").write_bytes(pdf)
    assert session.remote() == []
