"""The built site loads nothing from another host and runs mermaid with securityLevel strict.

This reads every built file (HTML, CSS, JavaScript, JSON): a complement to the browser test,
which watches the requests of the pages it opens.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from tests.site_helpers import Build, build, library_files, project, require_assets, runbook

HOSTILE = runbook(
    "Hostile Page",
    "### Step 1: Look\n\n🔵 **OPERATIONAL**\n\n- [ ] Look\n\n**Verification:**\n\n- Seen\n\n"
    "![remote](https://example.com/tracker.png)\n",
)
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
CSS_REMOTE = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*((?:https?:)?//[^'\")\s]+)", re.I)


class Loads(HTMLParser):
    """Every URL an element makes the browser load (not plain navigation links)."""

    LOADS: ClassVar[dict[str, tuple[str, ...]]] = {
        "script": ("src",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "iframe": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "video": ("src", "poster"),
        "audio": ("src",),
        "track": ("src",),
        "image": ("href", "xlink:href"),
        "use": ("href", "xlink:href"),
        "input": ("src",),
    }

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        keys = list(self.LOADS.get(tag, ()))
        rel = values.get("rel", "").lower()
        if tag == "link" and rel not in ("canonical", "alternate", "author", "license"):
            keys.append("href")  # stylesheets, icons, preloads, fonts, manifests
        for key in keys:
            for value in values.get(key, "").split(","):
                if REMOTE.match(value):
                    self.found.append(f"<{tag} {key}={value.strip()}>")
        self.styles.append(values.get("style", ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def remote_loads(site: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            parser = Loads()
            parser.feed(path.read_text(encoding="utf-8"))
            rel = path.relative_to(site)
            found += [f"{rel}: {item}" for item in parser.found]
            for style in parser.styles:
                found += [f"{rel}: {u}" for u in CSS_REMOTE.findall(style)]
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(site)}: {u}" for u in CSS_REMOTE.findall(text)]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require_assets()
    root = tmp_path_factory.mktemp("secure")
    files = {**library_files(), "runbooks/hostile.md": HOSTILE}
    result = build(project(root / "project", files, lint=False), root / "site", strict=False)
    assert result.returncode == 0, result.log
    return result


def test_the_built_site_loads_nothing_from_another_host(site: Build) -> None:
    found = [f for f in remote_loads(site.site) if "tracker.png" not in f]
    assert found == []


def test_the_check_finds_a_remote_image_an_author_adds(site: Build) -> None:
    # the detector works: the hostile page's remote image is seen
    assert any("tracker.png" in f for f in remote_loads(site.site))


def test_no_web_fonts_and_no_font_files_from_elsewhere(site: Build) -> None:
    for path in site.site.rglob("*.css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
    for path in site.site.rglob("*.html"):
        assert "fonts.googleapis" not in path.read_text(encoding="utf-8"), path


def test_mermaid_runs_with_strict_security(site: Build) -> None:
    pages = [p for p in site.site.rglob("*.html") if "mermaid.min.js" in p.read_text("utf-8")]
    assert pages, "no page loads mermaid"
    strict = re.compile(r"securityLevel[\"']?\s*:\s*[\"']strict[\"']")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # mermaid2's configuration where the plugin injects it; mermaid's default (strict)
        # otherwise (the print page), and never another level anywhere.
        config = re.search(r"window\.mermaidConfig\s*=\s*(\{.*?\});", text, re.DOTALL)
        if page.name != "print_page.html":
            assert config and strict.search(config.group(1)), f"{page.name}: not strict"
        levels = re.findall(r"securityLevel[\"']?\s*:\s*[\"'](\w+)", text)
        assert set(levels) <= {"strict"}, f"{page.name}: {levels}"
    # Whatever initialises mermaid (the theme's bundle, site scripts) never loosens it.
    for path in site.site.rglob("*.js"):
        if "vendor" in path.parts:
            continue
        for call in re.findall(r"mermaid\.initialize\((\{.{0,400}?\})\)", path.read_text("utf-8")):
            level = re.search(r"securityLevel[\"']?\s*:\s*[\"'](\w+)", call)
            assert level is None or level.group(1) == "strict", f"{path.name}: {call[:200]}"
