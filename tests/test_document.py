"""The Document model: positions across Markdown constructs, slugs, steps, metadata."""

from __future__ import annotations

import pytest

from runbook_lint.document import Document, slugify


def parse(text: str) -> Document:
    return Document.parse("x.md", text)


def test_code_lines_are_placed_in_blockquotes_lists_and_tabs() -> None:
    doc = parse(
        '> - item\n>   ```bash\n>   echo "x" --y\n>   ```\n\n1. step\n\n\t```sh\n\tls -l\n\t```\n'
    )
    quoted, listed = doc.code_blocks
    assert quoted.lang == "bash" and quoted.closed
    assert [(s.line, s.column, s.text) for s in quoted.lines] == [(3, 5, 'echo "x" --y')]
    assert [(s.line, s.column, s.text) for s in listed.lines] == [(9, 2, "ls -l")]


def test_crlf_bom_and_multibyte_positions() -> None:
    doc = parse("\ufeff# Tïtle 🔵\r\n\r\nRun `café --go` now\r\n")
    assert doc.title is not None and doc.title.text == "Tïtle 🔵"
    (code,) = doc.inline_codes
    assert (code.line, code.column, code.text) == (3, 6, "café --go")
    assert doc.line_text(3)[code.column - 1 :].startswith("café")


def test_inline_code_context_and_links() -> None:
    doc = parse("- Command to verify: `ls /x` then [see](other.md#a-b)\n")
    (code,) = doc.inline_codes
    assert code.context == "Command to verify: " and (code.line, code.column) == (1, 23)
    (link,) = doc.links
    assert (link.target, link.text, link.line, link.column) == ("other.md#a-b", "see", 1, 41)


def test_unterminated_fence_runs_to_the_end() -> None:
    doc = parse("# T\n\n```bash\necho a\necho b\n")
    (block,) = doc.code_blocks
    assert not block.closed and [s.line for s in block.lines] == [4, 5]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Step 2: Drain the queue", "step-2-drain-the-queue"),
        (
            "Case A: Stale Heartbeat Triage (No Immediate Takeover)",
            "case-a-stale-heartbeat-triage-no-immediate-takeover",
        ),
        ("🔴 Constitutional Check", "constitutional-check"),
        ("A. `stage_conflict` on `run`", "a-stage_conflict-on-run"),
        ("E. Invalid `OPENAI_BASE_URL`", "e-invalid-openai_base_url"),
        ("DB → Redis → API", "db-redis-api"),
    ],
)
def test_slugs_match_python_markdown(heading: str, slug: str) -> None:
    import markdown

    html = markdown.markdown(f"## {heading}", extensions=["toc"])
    assert f'id="{slug}"' in html
    assert (
        parse(f"## {heading}\n").headings[0].slug
        == slug
        == slugify(parse(f"## {heading}\n").headings[0].text)
    )


def test_repeated_headings_get_suffixes() -> None:
    doc = parse("## Verify\n\n## Verify\n\n## Verify\n")
    assert [h.slug for h in doc.headings] == ["verify", "verify_1", "verify_2"]


def test_steps_groups_labels_and_verification() -> None:
    doc = parse(
        "# T\n\n## Procedure\n\n### Case A: Stale\n\n#### Step 1: Look\n\n[OPERATIONAL]\n\n"
        "- [ ] look\n\n**Verification:** the file shows `STALE`\n\n"
        "### Case B: Takeover\n\n#### Step 1: Take over\n\n🔴 **CONSTITUTIONAL** FR21\n\n"
        "- [x] done\n\n##### Verification\n\n- Expected outcome: new lease\n"
    )
    first, second = doc.steps
    assert first.group is not None and first.group.text == "Case A: Stale"
    assert first.label is not None and first.label.kind == "operational"
    assert not first.label.emoji and first.verification is not None
    assert first.verification.items == ("the file shows `STALE`",)
    assert second.group is not None and second.group.text == "Case B: Takeover"
    assert second.label is not None and second.label.kind == "constitutional"
    assert [i.checkbox for i in second.checklist] == ["done"]
    assert second.verification is not None
    assert second.verification.items == ("Expected outcome: new lease",)
    assert doc.step_at(12) is first and doc.step_at(4) is None


def test_metadata_forms() -> None:
    doc = parse("# T\n\n**Last Updated:** 2026-01-02  \n**Owner**: SRE\nVersion: 2.0\n\n## A\n")
    assert {k: (v.value, v.line, v.column) for k, v in doc.metadata.items()} == {
        "last_updated": ("2026-01-02", 3, 19),
        "owner": ("SRE", 4, 12),
        "version": ("2.0", 5, 10),
    }


def test_front_matter_rejects_aliases_and_objects() -> None:
    from runbook_lint.document.markdown import FrontMatterError, load_front_matter

    with pytest.raises(FrontMatterError):
        load_front_matter("a: &x [1]\nb: *x\n")
    with pytest.raises(FrontMatterError):
        load_front_matter("!!python/object/apply:os.system ['true']\n")
    assert load_front_matter("last_updated: 2026-01-02\nversion: 1.0\n") == {
        "last_updated": "2026-01-02",
        "version": "1.0",
    }
