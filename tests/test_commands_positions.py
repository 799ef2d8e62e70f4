"""Findings in command snippets point at the exact line and column in the .md file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook_lint.document import Document
from runbook_lint.shell.analysis import Analyzer
from runbook_lint.shell.programs import load_registry

from .test_commands_checks import lint  # noqa: F401  (the fixture)

FIXTURE = Path(__file__).parent / "fixtures" / "commands"

CASES = [
    ("plain block", "# E\n\n```bash\ndemo logs --folow\n```\n", (4, 11)),
    ("blockquote", "# E\n\n> ```bash\n> demo logs --folow\n> ```\n", (4, 13)),
    (
        "nested blockquote",
        "# E\n\n> > ```sh\n> > echo ok\n> > demo logs --folow\n> > ```\n",
        (5, 15),
    ),
    ("list item", "# E\n\n1. Run:\n\n   ```bash\n   demo logs --folow\n   ```\n", (6, 14)),
    (
        "nested list in quote",
        "# E\n\n> - Step\n>\n>   ```shell\n>   demo logs --folow\n>   ```\n",
        (6, 15),
    ),
    ("tab inside the command", "# E\n\n```bash\ndemo\tlogs\t--folow\n```\n", (4, 11)),
    ("tab-indented command", "# E\n\n```bash\n\tdemo logs --folow\n```\n", (4, 12)),
    (
        "tab after the list marker",
        "# E\n\n1.\tRun:\n\n\t```bash\n\tdemo logs --folow\n\t```\n",
        (6, 12),
    ),
    ("tab after the quote marker", "# E\n\n>\t```bash\n>\tdemo logs --folow\n>\t```\n", (4, 13)),
    ("CRLF line endings", "# E\r\n\r\n```bash\r\ndemo logs --folow\r\n```\r\n", (4, 11)),
    (
        "multibyte before the error",
        '# E\n\n```bash\necho "ünïcödé 🔵" && demo logs --folow\n```\n',
        (4, 31),
    ),
    (
        "multibyte in an earlier line",
        "# E\n\n```bash\n# 🔴 Ümlaut — note\ndemo logs --folow\n```\n",
        (5, 11),
    ),
    ("continuation line", "# E\n\n```bash\ndemo logs \\\n    --folow\n```\n", (5, 5)),
    (
        "after a masked placeholder",
        "# E\n\n```bash\ndemo logs <service-name> --folow\n```\n",
        (4, 26),
    ),
    ("console prompt", "# E\n\n```console\n$ demo logs --folow\n```\n", (4, 13)),
    ("indented console prompt", "# E\n\n```console\n  $ demo logs --folow\n```\n", (4, 15)),
    ("inline after cue", "# E\n\nCommand to verify: `demo logs --folow`\n", (3, 31)),
    ("inline in a list in a quote", "# E\n\n> - Run: `demo logs --folow`\n", (3, 21)),
    ("tilde fence", "# E\n\n~~~bash\ndemo logs --folow\n~~~\n", (4, 11)),
]


@pytest.mark.parametrize(("markdown", "where"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_position(lint, markdown: str, where: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    found = lint(markdown)
    assert [(f[0], f[1], f[2]) for f in found] == [("RB423", *where)]
    line, column = where
    # The column names the offending token in the raw Markdown line.
    raw = markdown.replace("\r\n", "\n").split("\n")[line - 1]
    assert raw[column - 1 :].startswith("--folow")


def test_unparseable_position_in_quote_with_multibyte(lint) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    found = lint('# E\n\n> ```bash\n> echo "🔵" \'unterminated\n> ```\n')
    assert [(f[0], f[1], f[2]) for f in found] == [("RB420", 4, 12)]
    assert '> echo "🔵" \'unterminated'[11] == "'"


SHELLISH = st.lists(
    st.sampled_from([*"demo logs--folw<>|&;()$\"'`\\{}=# \t\n-_xü🔵", "\r\n"]), max_size=60
).map("".join)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(SHELLISH, st.sampled_from(["", "> ", "- ", "1. ", "> - "]))
def test_any_snippet_gives_findings_inside_the_file_never_an_exception(
    body: str, prefix: str
) -> None:
    indent = " " * len(prefix) if prefix.endswith(("- ", ". ")) else prefix
    lines = [prefix + "```bash"] + [indent + line for line in body.split("\n")] + [indent + "```"]
    doc = Document.parse("runbooks/x.md", "# E\n\n" + "\n".join(lines) + "\n")
    registry = load_registry(
        FIXTURE / "schemas/cli/programs.yaml", FIXTURE, FIXTURE / "schemas/cli"
    )
    for issue in Analyzer(doc, registry, "runbooks/x.md").run():
        assert 1 <= issue.line <= len(doc.lines)
        assert 1 <= issue.column <= len(doc.lines[issue.line - 1]) + 1
