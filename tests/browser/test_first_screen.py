"""What an operator sees first, in a real browser over file://: every runbook and drill shows
its severity and its first safe command without scrolling, on a laptop and on a phone; labels
and marks are drawn (badges, SVG), never left as emoji for a font the machine may not have.

Screenshots go to $RUNBOOK_SITE_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site_helpers import REPO, Build, screenshot

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
EMOJI = "\U0001f535\U0001f534\U0001f7e1\u2705\u274c\u23f8"
# Text outside code, scripts and the SVG drawings that still holds one of the emoji.
RAW_EMOJI = f"""() => {{
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("article"),
                                           NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {{
    const node = walker.currentNode;
    if (node.parentElement.closest("pre, code, script, style, .rb-glyph-char")) continue;
    if (/[{EMOJI}]/u.test(node.nodeValue)) found.push(node.nodeValue.trim().slice(0, 60));
  }}
  return found;
}}"""
FIRST_SCREEN = """() => {
  const glance = document.querySelector(".rb-glance");
  if (!glance) return null;
  const box = (el) => el ? el.getBoundingClientRect() : null;
  const command = box(glance.querySelector("pre"));
  const severity = box(glance.querySelector("a.rb-severity"));
  const panel = box(document.querySelector(".rb-incident"));
  return {command: command && command.bottom, severity: severity && severity.bottom,
          panel: panel && panel.top, glance: box(glance).bottom, height: innerHeight};
}"""


def _pages() -> list[str]:
    from runbook_lint.config import load
    from runbook_lint.sitegen.library import load as load_library

    library = load_library(load(start=Path(os.environ.get("RUNBOOK_SITE_PROJECT", REPO))))
    return sorted(
        uri.replace(".md", ".html")
        for uri, doc in library.documents.items()
        if doc.kind in ("runbook", "drill")
    )


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    yield request.param, context.new_page()
    assert [u for u in requests if not u.startswith(("file://", "data:", "blob:"))] == []
    context.close()


def test_severity_and_first_command_on_the_first_screen(
    site: Build, viewport: tuple[str, Any]
) -> None:
    name, page = viewport
    pages = _pages()
    assert len(pages) >= 10, pages
    below = []
    for uri in pages:
        page.goto((site.site / uri).as_uri())
        page.wait_for_load_state("load")
        seen = page.evaluate(FIRST_SCREEN)
        assert seen is not None, f"{uri}: no At a glance block"
        assert seen["command"] and seen["severity"], f"{uri}: {seen}"
        if seen["command"] > seen["height"] or seen["severity"] > seen["height"]:
            below.append(f"{uri} ({seen['command']:.0f} of {seen['height']} px)")
        if seen["panel"] is not None:
            assert seen["panel"] >= seen["glance"], f"{uri}: the incident panel is above"
    assert below == [], f"first command below the first screen ({name}): {below}"
    for uri in ("runbooks/epic-3-halt-fork.html", "runbooks/operator-recovery.html"):
        page.goto((site.site / uri).as_uri())
        screenshot(page, f"first-screen-{Path(uri).stem}-{name}")


def test_labels_and_marks_are_drawn_not_left_to_an_emoji_font(
    site: Build, viewport: tuple[str, Any]
) -> None:
    name, page = viewport
    page.goto((site.site / "runbooks" / "epic-3-halt-fork.html").as_uri())
    steps = page.locator("article h3, article h4").filter(has_text=re.compile(r"^Step \d+"))
    labels = page.locator("article .rb-label")
    assert labels.count() >= steps.count() > 0
    assert {labels.nth(i).inner_text() for i in range(labels.count())} == {
        "OPERATIONAL",
        "CONSTITUTIONAL",
    }
    assert page.evaluate(RAW_EMOJI) == []
    screenshot(page, f"labels-epic-3-{name}")

    page.goto((site.site / "reference" / "audit.html").as_uri())
    marks = page.locator("article svg.rb-glyph")
    assert marks.count() > 0
    box = marks.first.bounding_box()
    assert box is not None and box["width"] > 4 and box["height"] > 4
    assert page.evaluate(RAW_EMOJI) == []

    page.goto((site.site / "reference" / "rules" / "RB202.html").as_uri())
    assert page.evaluate(RAW_EMOJI) == []
    painted = page.locator("pre .rb-glyph-char").first
    assert painted.inner_text() in EMOJI  # the character stays in code, for copying ...
    style = painted.evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundImage]"
    )
    assert style[0] == "rgba(0, 0, 0, 0)" and style[1].startswith('url("data:image/svg+xml')
