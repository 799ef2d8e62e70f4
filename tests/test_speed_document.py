"""The document model's caches keep every value, and pickles carry no derived caches."""

from __future__ import annotations

import pickle

from runbook_lint.document import Document
from runbook_lint.library.store import pack, unpack

RICH = """\
---
owner: Platform
---

# Restore the Ledger

Last Updated: 2026-11-02
Version: 1.2

## Procedure

### Step 1: Stop writes

🔵 **OPERATIONAL**

- [ ] Run `ledgerctl pause --all` on the [primary](hosts.md#primary)
- [x] Note the time<!-- in UTC -->
  continued on a second line with `code` and <a href="x.md">a link</a>

**Verification:**

- Expected outcome: `paused`

### Scenario B

#### Step 1: Restore

🔴 **CONSTITUTIONAL** (ADR-10)

> quoted `span` and ![img](i.png)

```bash
ledgerctl restore --from "$SNAPSHOT"
```

##### Verification

- the ledger reads back

## Escalation

| Condition | Escalate To | Contact |
|-----------|-------------|---------|
| `fails` twice | [On-call](oncall.md) | pager \\| phone |

    indented code

1. first
   1. nested
"""


def _snapshot(doc: Document) -> dict[str, object]:
    return {
        "headings": doc.headings,
        "code_blocks": doc.code_blocks,
        "inline_codes": doc.inline_codes,
        "links": doc.links,
        "paragraphs": doc.paragraphs,
        "list_items": doc.list_items,
        "tables": doc.tables,
        "comments": doc.comments,
        "html": doc.html,
        "front_matter": doc.front_matter,
        "blocks": doc.block_ranges,
        "sections": doc.sections,
        "metadata": dict(doc.metadata),
        "steps": doc.steps,
        "procedure": doc.steps_in("Procedure"),
        "repr": repr((doc.paragraphs, doc.list_items, doc.tables, doc.code_blocks)),
    }


def test_extracted_model_survives_a_compressed_pickle() -> None:
    doc = Document.parse("runbooks/ledger.md", RICH)
    slim = unpack(pack(doc))
    assert slim.tokens == ()
    assert _snapshot(slim) == _snapshot(doc)
    assert slim.list_items[0].checkbox == "open"
    assert slim.tables[0].rows[0][1].links[0].target == "oncall.md"


def test_a_pickled_document_leaves_its_derived_caches_behind() -> None:
    doc = Document.parse("runbooks/ledger.md", RICH)
    before = _snapshot(doc)
    assert doc.section("procedure") is not None
    state = doc.__getstate__()
    assert set(state) == {"path", "text", "kind", "tokens", "extracted"}
    copy = pickle.loads(pickle.dumps(doc, 5))
    assert copy == doc
    assert "_steps_memo" not in vars(copy) and "lines" not in vars(copy)
    assert _snapshot(copy) == before


def test_steps_found_by_section_match_the_documents_steps() -> None:
    doc = Document.parse("runbooks/ledger.md", RICH)
    in_procedure = doc.steps_in("Procedure")
    assert [s.heading.text for s in in_procedure] == ["Step 1: Stop writes", "Step 1: Restore"]
    assert in_procedure == doc.steps
    assert in_procedure[1].group is not None and in_procedure[1].group.text == "Scenario B"
    assert in_procedure[0].verification is not None
    assert in_procedure[0].verification.items == ("Expected outcome: `paused`",)
    assert in_procedure[1].verification is not None
    assert in_procedure[1].verification.line == doc.headings[5].line
    assert doc.steps_in("Escalation") == ()
    assert doc.steps_in("Missing") == doc.steps
    assert doc.section("Escalation") is doc.section("escalation")


def test_spans_on_a_later_row_of_a_paragraph_are_placed_on_their_own_line() -> None:
    doc = Document.parse("runbooks/ledger.md", RICH)
    lines = RICH.split("\n")
    row = next(i for i, text in enumerate(lines) if text.startswith("  continued")) + 1
    code = next(c for c in doc.inline_codes if c.text == "code")
    assert (code.line, code.column) == (row, lines[row - 1].index("`code`") + 2)
    raw = next(link for link in doc.links if link.raw)
    assert (raw.line, raw.column) == (row, lines[row - 1].index("href") + 1)
    comment = doc.comments[0]
    assert (comment.line, comment.text) == (row - 1, "in UTC")
    assert doc.heading_at(row) is not None and doc.heading_at(row).text == "Step 1: Stop writes"
    assert doc.heading_at(0) is None
