"""RB0xx: the file itself: encoding, readability, size, stray control characters, and a code
fence left open, which changes how the whole rest of the file is read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Edit, Fix, Hit
from ..mojibake import find_mojibake
from ..rule import DOC_KINDS, Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document
    from ..library import Library


def _problems(kinds: tuple[str, ...]) -> object:
    def check(library: Library, ctx: Context) -> Iterator[Hit]:
        for problem in library.problems:
            if problem.kind in kinds:
                yield Hit(problem.line, problem.column, problem.message, path=problem.path)

    return check


def check_mojibake(doc: Document, ctx: Context) -> Iterator[Hit]:
    for number, line in enumerate(doc.lines, start=1):
        if line.isascii():
            continue
        runs = list(find_mojibake(line))
        if not runs:
            continue
        # Consecutive runs (an emoji spans several) are one finding with one fix.
        start, _, _ = runs[0]
        edits = tuple(Edit(number, s + 1, number, e + 1, repaired) for s, e, repaired in runs)
        shown = ", ".join(f"{line[s:e]!r} -> {r!r}" for s, e, r in runs[:3])
        yield Hit(
            number,
            start + 1,
            f"mojibake: UTF-8 text decoded as Windows-1252 ({shown}); re-save with the intended "
            "characters",
            fix=Fix("repair mojibake", edits),
        )


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_controls(doc: Document, ctx: Context) -> Iterator[Hit]:
    for number, line in enumerate(doc.lines, start=1):
        for match in _CONTROL_RE.finditer(line):
            code = ord(match.group(0))
            name = "NUL" if code == 0 else f"U+{code:04X}"
            yield Hit(
                number,
                match.start() + 1,
                f"control character {name} in text; it is invisible and breaks copying",
            )
            break


_HEADING_RE = re.compile(r" {0,3}#{1,6}[ \t]+\S")
_CODE_CHARS = frozenset("{}()[];=|$<>/\\")


def _prose(text: str) -> bool:
    """Whether a line read as code is a sentence: an uppercase word first, four words or more,
    and none of the characters commands, output and data are made of."""
    words = text.split()
    return len(words) >= 4 and words[0][:1].isupper() and not any(ch in _CODE_CHARS for ch in text)


def check_unclosed_fence(doc: Document, ctx: Context) -> Iterator[Hit]:
    last = max((n for n, text in enumerate(doc.lines, 1) if text.strip()), default=0)
    for block in doc.code_blocks:
        if not block.fenced or block.closed:
            continue
        opening = re.match(r"`{3,}|~{3,}", doc.line_text(block.line).lstrip(" >\t"))
        fence = opening.group(0) if opening else "```"
        lines = [s for s in block.lines if s.text.strip()]
        hidden = [
            (s.line, s.text.strip().lstrip("#").rstrip("#").strip())
            for s in block.lines
            # after a blank line, as headings stand; a `#` line right under code is a comment
            if _HEADING_RE.match(s.text) and not doc.line_text(s.line - 1).strip()
        ]
        to_end = not block.lines or block.lines[-1].line >= last
        where = (
            "to the end of the file" if to_end else "to the end of the list item or quote it is in"
        )
        prose = next((s for s in block.lines if _prose(s.text)), None)
        if not to_end and not hidden and prose is None:
            continue  # the list item or quote ends the block: what it holds is code as meant
        what = f"the {len(lines)} line{'s' * (len(lines) != 1)} after it, {where}, are read as code"
        if not to_end and not hidden and prose is not None:
            words = prose.text.split()
            what += f", including the text '{' '.join(words[:6])}...' (line {prose.line})"
        if hidden:
            shown = ", ".join(f"'{text}' (line {line})" for line, text in hidden[:3])
            more = f" and {len(hidden) - 3} more" if len(hidden) > 3 else ""
            what += f", hiding the heading{'s' * (len(hidden) != 1)} {shown}{more}"
        yield Hit(
            block.line,
            block.column,
            f"code fence {fence!r} is never closed: {what}; close it with a line of {fence!r}",
        )


# Reported by the engine itself when a rule raises (engine.py).
INTERNAL_ERROR = Rule(
    id="RB000",
    name="internal-error",
    severity="error",
    engine=True,
    runnable_examples=False,
    summary="A rule failed on this file; the other rules still ran.",
    rationale=(
        "A linter that crashes on one odd file blocks every commit. When a rule raises, the "
        "failure is reported as a finding on the file it failed on, with the rule and the "
        "exception, and every other rule and file is still checked. Report it: it is a bug "
        "in runbook-lint, not in the runbook."
    ),
    bad="(reported when a rule raises while checking a file)",
    good="(no rule raises)",
    kinds=DOC_KINDS,
)

RULES = (
    INTERNAL_ERROR,
    Rule(
        id="RB001",
        name="not-utf8",
        severity="error",
        runnable_examples=False,
        summary="The file is not valid UTF-8.",
        rationale=(
            "Runbooks are read in terminals, editors and the offline site, all of which expect "
            "UTF-8. A file in another encoding shows garbage exactly where an operator needs the "
            "text. The finding points at the first byte that is not UTF-8; the rest of the file "
            "is still checked with that byte replaced."
        ),
        bad="Owner: Op\\xe9rations   (Latin-1 byte 0xE9)",
        good="Owner: Opérations   (saved as UTF-8)",
        check_library=_problems(("not-utf8",)),  # type: ignore[arg-type]
    ),
    Rule(
        id="RB002",
        name="mojibake",
        severity="error",
        fixable=True,
        summary="Text shows UTF-8 decoded as Windows-1252, such as 'ðŸ”µ' for '🔵'.",
        rationale=(
            "Copy-paste through tools that guess the encoding turns '🔵' into 'ðŸ”µ' and "
            "'DB → Redis' into 'DB â†’ Redis'. Labels then stop being recognised and arrows stop "
            "reading as arrows. The fix re-decodes the run of characters as UTF-8."
        ),
        bad="ðŸ”µ **OPERATIONAL**\n\nStart order: DB â†’ Redis â†’ API",
        good="🔵 **OPERATIONAL**\n\nStart order: DB → Redis → API",
        check=check_mojibake,
        kinds=DOC_KINDS,
    ),
    Rule(
        id="RB003",
        name="unreadable-file",
        severity="error",
        runnable_examples=False,
        summary="The file or folder cannot be read (permissions, broken link, symlink loop).",
        rationale=(
            "A runbook that cannot be read cannot be checked or published. Unreadable files, "
            "dangling symbolic links and symbolic-link loops are reported instead of stopping "
            "the run."
        ),
        bad="runbooks/backup.md -> a symbolic link to a file that no longer exists",
        good="runbooks/backup.md (a readable file)",
        check_library=_problems(("unreadable", "symlink-loop")),  # type: ignore[arg-type]
    ),
    Rule(
        id="RB004",
        name="file-too-large",
        severity="error",
        runnable_examples=False,
        summary="The file exceeds the size limit and was not checked.",
        rationale=(
            "A multi-megabyte Markdown file is almost always generated output or a mistake, and "
            "it would slow every run. Files over `max-file-bytes` (default 5 MB) are reported "
            "and skipped rather than hanging the linter."
        ),
        bad="runbooks/dump.md (40 MB of pasted logs)",
        good="runbooks/dump.md trimmed; the logs attached to the incident ticket instead",
        check_library=_problems(("too-large",)),  # type: ignore[arg-type]
        options={"max-file-bytes": "size limit in bytes (default 5000000)"},
    ),
    Rule(
        id="RB005",
        name="binary-file",
        severity="error",
        runnable_examples=False,
        summary="A file with a Markdown name holds binary data.",
        rationale=(
            "A binary file saved with a .md name (an exported PDF, an image) cannot be read as a "
            "runbook. It is reported and skipped."
        ),
        bad="runbooks/diagram.md containing PNG bytes",
        good="runbooks/diagram.png, linked from a Markdown runbook",
        check_library=_problems(("binary",)),  # type: ignore[arg-type]
    ),
    Rule(
        id="RB006",
        name="control-character",
        severity="error",
        summary="Invisible control characters (NUL, escape, ...) in the text.",
        rationale=(
            "Control characters are invisible on screen but travel with copied text: a command "
            "pasted from the runbook then fails in ways nobody can see. Only tab, line feed and "
            "carriage return belong in Markdown."
        ),
        bad="systemctl restart api\x1b",
        good="systemctl restart api",
        check=check_controls,
        kinds=DOC_KINDS,
    ),
    Rule(
        id="RB007",
        name="unclosed-code-fence",
        severity="error",
        summary="A code fence is opened and never closed, so the rest of the file becomes code.",
        rationale=(
            "A fence without its closing line swallows everything after it: the headings, "
            "steps and tables below are shown as one grey block, the site's navigation loses "
            "them, and every other check reads them as code, so a missing section or step goes "
            "unnoticed. Renderers also disagree about such a block (GitHub shows it as code to "
            "the end of the file; mkdocs may not show it as code at all). The finding points at "
            "the opening fence and names the headings it hides. Where the block should end "
            "cannot be guessed, so there is no automatic fix, and `--fix` changes nothing at or "
            "after an unclosed fence (it would write into the code block)."
        ),
        bad="## Procedure\n\n```bash\nopsctl health --component all\n\n## Escalation\n",
        good="## Procedure\n\n```bash\nopsctl health --component all\n```\n\n## Escalation\n",
        check=check_unclosed_fence,
        kinds=DOC_KINDS,
    ),
)
