"""The site build: strict gate, navigation, runbook pages, references, no remote assets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from runbook_lint.sitegen.library import label_badges
from runbook_lint.sitegen.markdown import fence, prose, rebase
from tests.site_helpers import (
    REPO,
    STEP_1,
    Build,
    build,
    library_files,
    project,
    require_assets,
    runbook,
)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require_assets()
    root = tmp_path_factory.mktemp("fixture")
    result = build(project(root / "project", library_files(), lint=False), root / "site")
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require_assets()
    return build(REPO, tmp_path_factory.mktemp("repo") / "site")


def read(site: Build, rel: str) -> str:
    return (site.site / rel).read_text(encoding="utf-8")


class RemoteRefs(HTMLParser):
    """Scripts, stylesheets, fonts, icons and images loaded from http(s)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        loads = {
            "script": "src",
            "img": "src",
            "source": "src",
            "iframe": "src",
            "image": "href",
            "use": "href",
            "embed": "src",
            "object": "data",
        }
        keys = [loads[tag]] if tag in loads else []
        if tag == "link" and (values.get("rel") or "") != "canonical":
            keys.append("href")
        keys += ["srcset"] if "srcset" in values else []
        for key in keys:
            value = values.get(key) or ""
            if re.match(r"\s*(https?:)?//", value):
                self.found.append(f"<{tag} {key}={value}>")
        style = values.get("style") or ""
        self.found += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", style)


def remote_references(site_dir: Path) -> list[str]:
    found = []
    for path in site_dir.rglob("*"):
        if path.suffix == ".html":
            parser = RemoteRefs()
            parser.feed(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(site_dir)}: {ref}" for ref in parser.found]
            text = path.read_text(encoding="utf-8")
            for style in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S):
                found += [f"{path.name}: {u}" for u in _css_remote(style)]
        elif path.suffix == ".css":
            found += [
                f"{path.relative_to(site_dir)}: {u}"
                for u in _css_remote(path.read_text(encoding="utf-8"))
            ]
    return found


def _css_remote(css: str) -> list[str]:
    return re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])(?:https?:)?//[^'\")\s]*", css)


# -- the real library ------------------------------------------------------------------------


def test_the_library_builds_strict_with_no_remote_assets(repo_site: Build) -> None:
    assert repo_site.returncode == 0, repo_site.log
    assert " -q" not in repo_site.log
    assert remote_references(repo_site.site) == []
    assert (repo_site.site / "assets/vendor/mermaid/mermaid.min.js").is_file()
    assert (repo_site.site / "assets/vendor/iframe-worker/shim.js").is_file()
    assert (repo_site.site / "search/search_index.js").is_file(), "offline search index missing"


def test_every_rule_has_its_page(repo_site: Build) -> None:
    from runbook_lint.rules import all_rules

    assert repo_site.returncode == 0, repo_site.log
    catalog = read(repo_site, "reference/rules/index.html")
    for rule in all_rules():
        page = read(repo_site, f"reference/rules/{rule.id}.html")
        assert rule.name in page
        assert f"runbook-lint explain {rule.id}" in page
        assert f'href="{rule.id}.html"' in catalog


def test_no_raw_html_from_rule_texts(repo_site: Build) -> None:
    assert repo_site.returncode == 0, repo_site.log
    for page in (repo_site.site / "reference" / "rules").glob("*.html"):
        body = page.read_text(encoding="utf-8").split("<article", 1)[-1].split("</article>")[0]
        assert "<script" not in body, page.name


# -- a small library built in a temp folder -------------------------------------------------


def test_navigation_follows_the_index(fixture_site: Build) -> None:
    page = read(fixture_site, "runbooks/startup.html")
    nav = page.split("md-nav--primary", 1)[1].split("md-content", 1)[0]
    order = [nav.find(f'href="{name}.html"') for name in ("startup", "shutdown")]
    assert -1 not in order and order == sorted(order), "nav order differs from the index table"
    assert re.search(r">\s*Core\s*<", nav), "runbooks are not grouped by the index's Area"
    drill = read(fixture_site, "runbooks/drills/stale-heartbeat.html")
    assert "Stale Heartbeat Drill" in drill


def test_runbook_page_shows_metadata_and_badges(fixture_site: Build) -> None:
    page = read(fixture_site, "runbooks/operator-recovery.html")
    meta = re.search(r'<div class="rb-meta">(.*?)</div>', page, re.S)
    assert meta is not None
    for value in ("2026-11-20", "2.1", "Site Reliability", "OPERATIONAL × 1", "CONSTITUTIONAL × 1"):
        assert value in meta.group(1)
    assert "Last Updated: 2026-11-20" not in page, "the raw metadata lines are still shown"
    assert 'class="rb-label rb-label--constitutional"' in page


def test_start_page_tables_come_from_the_index(fixture_site: Build) -> None:
    page = read(fixture_site, "index.html")
    link = "runbooks/" + STEP_1.replace(".md", ".html")
    assert f'href="{link}"' in page
    assert "Page immediately, halt system" in page
    assert "&lt;pager-rotation&gt;" in page
    assert "None yet" not in page


def test_mermaid_source_is_escaped_and_the_print_page_loads_mermaid(
    fixture_site: Build,
) -> None:
    page = read(fixture_site, "runbooks/operator-recovery.html")
    assert "Heartbeat for &lt;run_id&gt; stale?" in page
    assert 'src="../assets/vendor/mermaid/mermaid.min.js"' in page
    printed = read(fixture_site, "print_page.html")
    assert '<pre class="mermaid"' in printed
    assert 'src="assets/vendor/mermaid/mermaid.min.js"' in printed
    assert '"base": "."' in printed and '"base": "/"' not in printed


def test_contract_and_schema_references(fixture_site: Build) -> None:
    contract = read(fixture_site, "reference/contracts/opsctl.html")
    assert "opsctl heartbeat takeover" in contract
    assert "rb-badge--constitutional" in contract
    assert "--run-id" in contract and "<strong>required</strong>" in contract
    schema = read(fixture_site, "reference/schemas/dkt/state/heartbeat_status.html")
    assert "<code>history[].at</code>" in schema
    assert '<code>"STALE"</code>' in schema, "enum from the $ref'd common schema is missing"
    assert "&lt;owner&gt;" in schema
    sample = "runbooks/samples/dkt/stale/state/heartbeat_status.json"
    assert (fixture_site.site / sample).is_file()
    assert f'href="../../../../{sample}"' in schema
    assert (fixture_site.site / "schemas/artifacts/common.schema.json").is_file()


def test_strict_build_fails_on_error_findings(tmp_path: Path) -> None:
    files = library_files()
    files["runbooks/startup.md"] = runbook("Startup", "No steps here.").replace(
        "## Rollback", "## Not Rollback"
    )
    result = build(project(tmp_path / "p", files), tmp_path / "site")
    assert result.returncode != 0
    assert re.search(r"ERROR\s+-\s+runbooks/startup\.md:\d+:\d+: RB\d{3} ", result.log), result.log


# -- helpers -----------------------------------------------------------------------------------


def test_rebase_moves_links_between_pages() -> None:
    assert rebase("startup.md#step-2", "runbooks/index.md", "index.md") == (
        "runbooks/startup.md#step-2"
    )
    assert rebase("#severity", "runbooks/index.md", "index.md") == "runbooks/index.md#severity"
    assert rebase("../docs/x.md", "runbooks/index.md", "a/b.md") == "../docs/x.md"
    assert rebase("https://example.invalid/x", "runbooks/index.md", "index.md") == (
        "https://example.invalid/x"
    )


def test_prose_shows_html_and_keeps_code() -> None:
    assert prose("Raw <script> tags, `<b>` in code") == "Raw &lt;script&gt; tags, `<b>` in code"
    assert fence("```bash\nx\n```", "markdown").startswith("````markdown\n")


def test_label_badges_never_touch_code() -> None:
    html = "<p>🔵 <strong>OPERATIONAL</strong></p><pre><code>[OPERATIONAL]</code></pre>"
    out = label_badges(html)
    assert out.count("rb-label--operational") == 1
    assert "<code>[OPERATIONAL]</code>" in out


def test_emoji_are_drawn_in_text_and_kept_in_code() -> None:
    from runbook_lint.sitegen.glyphs import draw_glyphs

    html = (
        '<p title="🔵">✅ pass</p><pre><code>🔴 **CONSTITUTIONAL**</code></pre>'
        '<pre class="mermaid"><code>A[🔵]</code></pre><script>"⏸"</script>'
    )
    out = draw_glyphs(html)
    assert '<p title="🔵"><svg class="rb-glyph rb-glyph--check"' in out
    assert 'aria-label="check mark"' in out and "✅" not in out
    assert '<span class="rb-glyph-char rb-glyph--red" title="red circle"' in out
    assert ">🔴</span> **CONSTITUTIONAL**" in out  # the character stays in code
    assert '<pre class="mermaid"><code>A[🔵]</code></pre><script>"⏸"</script>' in out


def test_line_anchors_go_where_the_text_starts() -> None:
    from runbook_lint.document import Document
    from runbook_lint.sitegen.anchors import add_line_anchors, line_anchor

    text = (
        "# Startup\n\nLast Updated: 2026-11-02\n\n## Procedure\n\n"  # 1-6
        "- [ ] Start the database\n"  # 7
        "  and wait\n\n"  # 8
        "**Verification:**\n\n"  # 10
        "| Condition | Escalate To |\n|---|---|\n| Down | On-call |\n\n"  # 12-14
        "```bash\nopsctl health\n```\n"  # 16-18
    )
    doc = Document.parse("runbooks/startup.md", text)
    assert line_anchor(doc, 5).fragment == "procedure"  # a heading: its own anchor
    assert line_anchor(doc, 3).fragment == "startup"  # metadata: the heading above
    assert line_anchor(doc, 17).fragment == "procedure"  # code: the heading above
    out = add_line_anchors(text, doc, {3, 7, 10, 14, 17}).split("\n")
    assert out[6] == '- [ ] <span id="L7"></span>Start the database'
    assert out[9] == '<span id="L10"></span>**Verification:**'
    assert out[13] == '| <span id="L14"></span>Down | On-call |'
    assert out[2] == "Last Updated: 2026-11-02" and out[16] == "opsctl health"


def test_the_audit_page_draws_coverage_and_links_each_line(repo_site: Build) -> None:
    page = read(repo_site, "reference/audit.html")
    assert 'class="rb-coverage"' in page
    rows = page.count('class="rb-coverage__name"')
    assert rows >= 20 and page.count("rb-coverage__cell rb-coverage__cell--") == 3 * rows
    assert page.count("rb-coverage__cell--deferred") == 3
    assert '<a href="#startup-procedures">Startup procedures</a>' in page
    assert "Deferred, with no runbook yet: <strong>Emergence Audit Procedures</strong>" in page
    links = re.findall(r'href="\.\./(runbooks/[^"#]+\.html)#(L\d+)"', page)
    assert len(links) > 200
    pages: dict[str, str] = {}
    for target, anchor in links:
        html = pages.setdefault(target, read(repo_site, target))
        assert f'id="{anchor}"' in html, f"{target}#{anchor} lands nowhere"


def test_at_a_glance_is_a_block_above_the_incident_panel(repo_site: Build) -> None:
    page = read(repo_site, "runbooks/epic-3-halt-fork.html")
    found = re.search(r'<section [^>]*class="rb-glance rb-glance--critical"', page)
    assert found is not None
    glance = found.start()
    assert page.index('<div class="rb-meta">') < glance < page.index('class="rb-incident"')
    assert (
        'class="rb-severity rb-severity--critical"'
        in page[glance : page.index("</section>", glance)]
    )


def test_the_build_log_says_what_it_checked_without_noise(repo_site: Build) -> None:
    import logging

    from runbook_lint.mkdocs_plugin import MermaidNoise

    log = repo_site.log
    assert "Custom loader activated" not in log and "Found superfences config" not in log
    assert re.search(r"runbook-lint: the library's \d+ files \(runbooks, schemas\): 0 error", log)
    assert "found 11 diagrams" in log  # what the plugin does still shows
    noise = logging.LogRecord("m", logging.WARNING, "", 0, "Custom loader activated", None, None)
    assert MermaidNoise().filter(noise)  # a warning always shows
    noise.levelno = logging.INFO
    assert not MermaidNoise().filter(noise)
