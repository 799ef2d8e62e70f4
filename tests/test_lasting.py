"""What is kept beyond one parse or one run: anchors read from part of a file, facts the
content cache keeps for files a run does not check, and the language server's store of parsed
files and buffers. Each must answer exactly as a fresh full parse would, and never outlive a
change to its file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from runbook_lint.cache import FILE_NAME
from runbook_lint.cli import main
from runbook_lint.config import Config
from runbook_lint.document import Document
from runbook_lint.document.markdown import anchor_tokens
from runbook_lint.library import Library
from runbook_lint.library.lasting import LastingStore
from runbook_lint.rules import all_rules
from runbook_lint.rules.rb3_links import anchors_of
from tests.bench.corpus import generate

from .conftest import write_files

REPO = Path(__file__).resolve().parents[1]
TRICKY = """# Top

<a id="raw-anchor"></a>

| Table | Row |
| --- | --- |
| <span name="in-cell">x</span> | y |
===

Setext after a paragraph
------------------------

> ## Quoted heading
>
> <b id="quoted-id">b</b>

- item

  ### Heading in a list

```md
# not a heading
```

## Top
## `code` and *emphasis* in a heading
"""


def _markdown_texts() -> list[tuple[str, str]]:
    texts = [("tricky.md", TRICKY)]
    for folder in ("runbooks", "docs", "tests/fixtures", "tests/adversarial"):
        for path in sorted((REPO / folder).rglob("*.md")):
            texts.append((path.name, path.read_bytes().decode("utf-8", "replace")))
    for rule in all_rules():
        for files in (rule.bad_files, rule.good_files):
            texts.extend((name, text) for name, text in files.items() if name.endswith(".md"))
        texts.extend((f"{rule.id}.md", text) for text in (rule.bad, rule.good))
    return texts


def test_anchors_from_part_of_a_file_equal_those_of_a_full_parse() -> None:
    texts = _markdown_texts()
    assert len(texts) > 100
    for name, text in texts:
        full = anchors_of(Document.parse(name, text, "other"))
        partial = anchors_of(Document(name, text, "other", anchor_tokens(text)))
        assert partial == full, name
    tricky = _ids(anchors_of(Document(name, TRICKY, "other", anchor_tokens(TRICKY))))
    assert {"raw-anchor", "in-cell", "quoted-id", "quoted-heading", "top_1"} <= tricky


def _ids(found: tuple[tuple[str, ...], frozenset[str]]) -> set[str]:
    """The ids a page offers, from its anchors fact, as mkdocs (Python-Markdown) makes them."""
    from runbook_lint.document.slugs import heading_ids

    texts, ids = found
    return {*heading_ids(texts, "python-markdown"), *ids}


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    generate(tmp_path, files=6, seed=5)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _one(capsys: pytest.CaptureFixture[str], path: str) -> list[tuple[str, int]]:
    capsys.readouterr()
    assert main(["check", "--format", "json", path]) in (0, 1)
    return [(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]


def test_the_cache_keeps_a_linked_file_anchors_until_its_bytes_change(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, linked = "runbooks/api/runbook-0000.md", library / "runbooks/db/runbook-0004.md"
    assert "(../db/runbook-0004.md#procedure)" in (library / one).read_text(encoding="utf-8")
    assert _one(capsys, one) == []
    cache = json.loads((library / ".cache/runbook-lint" / FILE_NAME).read_text())
    linked_key = str(linked.resolve())
    assert "Procedure" in cache["facts"][linked_key][1]["anchors"][0]  # heading texts

    # The linked runbook loses the heading: the kept anchors are not those of these bytes.
    text = linked.read_text(encoding="utf-8")
    linked.write_text(text.replace("## Procedure", "## Steps"), encoding="utf-8")
    assert [rule for rule, _ in _one(capsys, one)] == ["RB304"]

    # A kept value of the wrong shape is computed again, not trusted.
    linked.write_text(text, encoding="utf-8")
    assert _one(capsys, one) == []
    data = json.loads((library / ".cache/runbook-lint" / FILE_NAME).read_text())
    data["facts"][linked_key][1]["anchors"] = "procedure"
    (library / ".cache/runbook-lint" / FILE_NAME).write_text(json.dumps(data))
    (library / one).write_text((library / one).read_text() + "\n", encoding="utf-8")
    assert _one(capsys, one) == []


def test_a_lasting_store_drops_what_changed_and_reads_buffers(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"runbooks/index.md": "# Index\n\n## First\n", "runbooks/a.md": "# A\n"},
    )
    config = Config(root=tmp_path)
    store = LastingStore()
    index = (tmp_path / "runbooks/index.md").resolve()

    def anchors() -> set[str]:
        library = Library(config, tmp_path, store)
        library.collect(["runbooks/a.md"])
        library.document(index)  # kept in the store, as a linked file is
        return _ids(library.fact(index, "anchors"))

    assert anchors() == {"index", "first"}
    assert anchors() == {"index", "first"}  # from the store
    index.write_text("# Index\n\n## Second\n", encoding="utf-8")
    os.utime(index, ns=(1, 1))  # a change the modification time shows
    assert anchors() == {"index", "second"}
    store.set_buffer(index, b"# Index\n\n## Unsaved\n")
    assert anchors() == {"index", "unsaved"}
    store.drop_buffer(index)
    assert anchors() == {"index", "second"}


def test_the_severity_anchor_from_part_of_an_index_equals_that_of_a_full_parse(
    library: Path,
) -> None:
    """The index's severity table is read without parsing its runbook rows inline; the anchor
    found must be the one a full parse finds, here and on this repository's index."""
    from runbook_lint.rules.rb1_glance import _severity_tokens, severity_anchor

    for path in (library / "runbooks/index.md", REPO / "runbooks/index.md"):
        text = path.read_text(encoding="utf-8")
        full = severity_anchor(Document.parse("index.md", text, "index"))
        partial = severity_anchor(Document("index.md", text, "index", _severity_tokens(text)))
        assert full is not None and partial == full, path
    text = "# Index\n\n## Runbooks\n\n| Runbook | Severity |\n|---|---|\n| [A](a.md) | HIGH |\n"
    assert severity_anchor(Document("i.md", text, "index", _severity_tokens(text))) is None


def test_the_index_levels_and_passages_the_cache_keeps_read_back_equal() -> None:
    """What the content cache keeps for the index's levels (RB330) and a runbook's passages
    (RB135) comes back from its JSON equal to what was computed, and a wrong shape is refused."""
    from runbook_lint.library.facts import KEPT
    from runbook_lint.library.leftovers import PARTS, _parts
    from runbook_lint.rules.rb3_levels import INDEX_LEVELS, index_facts

    index = REPO / "runbooks/index.md"
    runbook = REPO / "runbooks/operator-recovery.md"
    for name, compute, path, kind in (
        (INDEX_LEVELS, index_facts, index, "index"),
        (PARTS, _parts, runbook, "runbook"),
    ):
        value = compute(Document.parse(path.name, path.read_text(encoding="utf-8"), kind))
        out, back = KEPT[name]
        assert back(json.loads(json.dumps(out(value)))) == value, name
        assert back(None) is None
        with pytest.raises((TypeError, ValueError)):
            back("not what was kept")


def test_a_lasting_store_answers_contacts_and_index_links_again_only_for_the_same_bytes(
    tmp_path: Path,
) -> None:
    """The language server's store keeps the contacts file's roles and the index links read
    for a runbook between edits; a change on disk is read again."""
    contacts = (
        "version: 1\nroles:\n  {role}:\n    name: On-call\n    contact: <pager>\n    hours: 24x7\n"
    )
    write_files(
        tmp_path,
        {
            "runbooks/index.md": "# Index\n\n- [A](a.md)\n",
            "runbooks/a.md": "# A\n",
            "runbooks/contacts.yaml": contacts.format(role="first-on-call"),
        },
    )
    config = Config(root=tmp_path)
    store = LastingStore()

    def seen() -> tuple[set[str], list[str]]:
        library = Library(config, tmp_path, store)
        library.collect(["runbooks/a.md"])
        found = library.index_links(["a.md"])
        assert found is not None
        return set(library.contacts().roles), [link.target for link in found[0]]

    assert seen() == ({"first-on-call"}, ["a.md"])
    assert seen() == ({"first-on-call"}, ["a.md"])  # from the store
    for rel, text in (
        ("runbooks/contacts.yaml", contacts.format(role="second-on-call")),
        ("runbooks/index.md", "# Index\n\n- [A, again](a.md#top)\n"),
    ):
        (tmp_path / rel).write_text(text, encoding="utf-8")
        os.utime(tmp_path / rel, ns=(1, 1))
    assert seen() == ({"second-on-call"}, ["a.md#top"])
