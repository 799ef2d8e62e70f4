"""Random and mutated Markdown through the whole pipeline, in every output format."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from .conftest import budget, placed
from .harness import lint
from .strategies import markdown, mutated

# Where the hostile file goes: a runbook, a drill, or the files every other file depends on.
TARGETS = (
    "runbooks/fuzz.md",
    "runbooks/fuzz.md",
    "runbooks/fuzz.md",
    "runbooks/drills/fuzz.md",
    "runbooks/index.md",
    "runbooks/TEMPLATE.md",
    "runbooks/drills/TEMPLATE.md",
)
OTHER_FORMATS = st.sampled_from(("text", "sarif", "github"))


def _check(project: Path, target: str, data: bytes, fmt: str) -> None:
    with placed(project, {target: data}):
        # A runbook alone (the pre-commit case), or everything when a shared file changed.
        paths = (target,) if target.endswith("fuzz.md") else ()
        findings = lint(project, "json", *paths)
        shown = lint(project, fmt, *paths)
        expected = sorted((f["path"], f["line"], f["column"], f["rule"]) for f in findings)
        assert sorted((f["path"], f["line"], f["column"], f["rule"]) for f in shown) == expected


@budget(60)
@given(doc=markdown(), target=st.sampled_from(TARGETS), fmt=OTHER_FORMATS)
@example(doc="- " * 40 + "[ ] deep\n", target="runbooks/fuzz.md", fmt="text")
def test_generated_markdown(project: Path, doc: str, target: str, fmt: str) -> None:
    _check(project, target, doc.encode("utf-8"), fmt)


@budget(60)
@given(data=mutated(), target=st.sampled_from(TARGETS), fmt=OTHER_FORMATS)
def test_mutated_runbooks(project: Path, data: bytes, target: str, fmt: str) -> None:
    _check(project, target, data, fmt)
