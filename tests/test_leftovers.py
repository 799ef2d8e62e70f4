"""RB135: an unedited scaffold fails `check` and the audit; TODO-style markers are reported
where they are markers, not where a word, code or a placeholder happens to contain them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lint.document import Document
from runbook_lint.document.leftovers import leftovers, markers, parts, template_text

from .conftest import Runner, json_findings
from .test_audit import library_copy  # noqa: F401  (a fixture)
from .test_rules_foundation import GOOD

REPO = Path(__file__).resolve().parents[1]


def _markers(body: str) -> list[tuple[int, int, str]]:
    doc = Document.parse("runbooks/x.md", "# X\n\n" + body + "\n")
    return [(m.line, m.column, m.text) for m in markers(doc)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("TODO", [(3, 1, "TODO")]),
        ("TODO: write the restore steps", [(3, 1, "TODO")]),
        ("Restore the index. TODO: check the flags.", [(3, 20, "TODO")]),
        ("Owner: TBD", [(3, 8, "TBD")]),
        ("The failover target is TBD.", [(3, 24, "TBD")]),
        ("- [ ] FIXME confirm the quorum size", [(3, 7, "FIXME")]),
        ("**(TODO)** profile the process", [(3, 4, "TODO")]),
        ("@TODO: more scenarios", [(3, 2, "TODO")]),
        ("### TODO", [(3, 5, "TODO")]),
        ("| Step | Owner |\n|---|---|\n| Restore | TBD |", [(5, 13, "TBD")]),
        ("> XXX: this breaks on replicas", [(3, 3, "XXX")]),
        ("Check it.\n  TODO finish", [(4, 3, "TODO")]),
        (
            "<!-- TODO: write the Rollback section (added by runbook-lint --fix) -->",
            [(3, 6, "TODO")],
        ),
        ("Text <!-- FIXME: link the dashboard --> more", [(3, 11, "FIXME")]),
    ],
)
def test_markers_are_found_where_they_are_markers(
    body: str, expected: list[tuple[int, int, str]]
) -> None:
    assert _markers(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Go through the chat history and list any TODO items for the review.",
        'The scribe writes "TODO: why were we not paged?" in the log.',
        "Connect to `10.0.XXX.12` and run `make todo`.",
        "```bash\n# TODO: add checks\nopsctl health\n```",
        "Hosts XXX.XXX.XX.XXX are masked; the user is userXXX in dbXXX.",
        "Ticket INC-XXX tracks it; see [the list](https://example.com/TODO) and TODOs.",
        "Use `TODO:` as the prefix of a follow-up in the tracker.",
        "A Todo list, the todo: field and TBDs are words, not markers.",
        "The XXXL size and FIXMEs in code reviews.",
        "[TODO](https://example.com/issues/1) is a link text: see below.".replace(
            "[TODO]", "[the issue]"
        ),
    ],
)
def test_words_code_and_placeholders_are_not_markers(body: str) -> None:
    assert _markers(body) == []


TEMPLATE = (REPO / "runbooks/TEMPLATE.md").read_text(encoding="utf-8")


def test_the_template_passages_that_count_and_those_that_do_not() -> None:
    template = Document.parse("runbooks/TEMPLATE.md", TEMPLATE, kind="template")
    text = template_text(template, "runbooks/TEMPLATE.md")
    assert "Use this runbook when:" not in text.passages  # a lead-in
    assert "🔵 **OPERATIONAL**" not in text.passages  # a label
    assert "**Verification:**" not in text.passages
    assert "[Runbook index](index.md)" not in text.passages  # links only
    assert any(p.startswith("One or two sentences:") for p in text.passages)
    assert text.metadata == (("owner", "Owning Team or Role"),)
    blocks = [p for p in text.passages if "\n" in p]
    assert len(blocks) == 1  # the step's three-line block; the one-line command is not
    assert leftovers(parts(template), None) == ()  # the template has no marker of its own


def test_a_drills_sign_off_form_is_not_template_text(run: Runner) -> None:
    for path in ("runbooks/drills/lease-takeover-drill.md", "runbooks/startup.md"):
        text = (REPO / path).read_text(encoding="utf-8")
        files = {
            "runbooks/TEMPLATE.md": TEMPLATE,
            "runbooks/drills/TEMPLATE.md": (REPO / "runbooks/drills/TEMPLATE.md").read_text(
                encoding="utf-8"
            ),
            path: text,
        }
        assert json_findings(run, files, "--select", "RB135", path) == []


@pytest.mark.parametrize(
    ("kind", "path", "requirements"),
    [
        ("runbook", "runbooks/certificate-rotation.md", {"FR145", "FR146", "FR147"}),
        ("drill", "runbooks/drills/cert-drill.md", {"FR145", "FR146"}),  # no constitutional step
    ],
)
def test_an_unedited_scaffold_fails_check_and_audit(
    run: Runner,
    library_copy: Path,  # noqa: F811
    kind: str,
    path: str,
    requirements: set[str],
) -> None:
    title = "Certificate Rotation" if kind == "runbook" else "Cert Drill"
    code, _, err = run({}, "new", title, "--kind", kind, "--owner", "Platform Operations")
    assert code == 0, err
    code, out, _ = run({}, "check", "--format", "json", "--no-cache", path)
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "RB135" in rules
    code, out, err = run({}, "audit", "--no-lint", "--format", "json")
    assert code == 1
    failed = {f["requirement"] for f in json.loads(out)["failures"] if f["path"] == path}
    assert failed == requirements
    assert f"FR145 {path}:" in err and "not written yet" in err


def test_the_fix_for_a_missing_section_leaves_a_todo_that_fails(run: Runner) -> None:
    text = GOOD.replace(
        "## References\n\n- [Index](index.md)\n",
        "## References\n\n<!-- TODO: write the References section (added by runbook-lint --fix)"
        " -->\n",
    )
    found = json_findings(run, {"runbooks/backup.md": text}, "--select", "RB135", "runbooks")
    assert [(f["line"], f["column"], f["message"]) for f in found] == [
        (
            text.split("\n").index("## References") + 3,
            6,
            "'TODO' marker: the runbook is not finished here",
        )
    ]


BOILERPLATE = "> **Paging:** this alert pages the on-call engineer; read Impact first."


def _alert(name: str, extra: str = "") -> str:
    return (
        f"# {name}\n\n{BOILERPLATE}\n\n## Meaning\n\n{name} fires when the queue stays full."
        f"\n\n## Mitigation\n\nScale the {name.lower()} workers.{extra}\n"
    )


def test_boilerplate_most_runbooks_keep_is_not_template_text(run: Runner) -> None:
    """A passage most of the other runbooks keep is the library's; one only this runbook
    copied is left over."""
    template = _alert("Alert Name").replace(
        "Scale the alert name workers.", "Say how to stop the alert from paging again."
    )
    files = {"runbooks/TEMPLATE.md": template}
    files |= {f"runbooks/a{i}.md": _alert(f"Queue{i}") for i in range(3)}
    files["runbooks/a3.md"] = _alert("Queue3", "\n\nSay how to stop the alert from paging again.")
    found = json_findings(run, files, "--select", "RB135", "runbooks")
    assert [(f["path"], f["line"]) for f in found] == [("runbooks/a3.md", 13)]


def test_a_passage_only_one_other_runbook_keeps_is_not_boilerplate(run: Runner) -> None:
    template = _alert("Alert Name")
    files = {"runbooks/TEMPLATE.md": template, "runbooks/a0.md": _alert("Queue0")}
    files["runbooks/a1.md"] = _alert("Queue1")
    found = json_findings(run, files, "--select", "RB135", "runbooks")
    assert [(f["path"], f["line"]) for f in found] == [("runbooks/a0.md", 3), ("runbooks/a1.md", 3)]


def test_the_boilerplate_sample_spreads_over_the_library_and_misses_none() -> None:
    from runbook_lint.library.leftovers import SAMPLE, spread

    for count in (0, 1, 2, 7, SAMPLE, 2000):
        order = list(spread(list(range(count))))
        assert sorted(order) == list(range(count))  # every file, once
    first = list(spread(list(range(2000))))[:SAMPLE]
    assert min(first) < 2000 // 16 and max(first) > 2000 - 2000 // 8  # a prefix covers all of it
