"""Per-document command analysis: snippets -> invocations -> issues with Markdown positions.

All RB42x-RB43x rules read the same analysis, computed once per document and run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runbook_lint.shell import checker as ck
from runbook_lint.shell import problems as pb
from runbook_lint.shell.makefile import check_make
from runbook_lint.shell.programs import Program, Registry
from runbook_lint.shell.snippets import (
    InlineLike,
    Snippet,
    from_block,
    from_inline,
    is_command_inline,
)
from runbook_lint.shell.spec import CommandSpec
from runbook_lint.shell.wrappers import basename, resolve

if TYPE_CHECKING:
    from runbook_lint.document import Document
    from runbook_lint.shell.syntax import Invocation, Word

UNPARSEABLE = "unparseable"
NOT_SHELL = "not-shell"
UNKNOWN_PROGRAM = "unknown-program"
UNKNOWN_TARGET = "unknown-make-target"
CONSTITUTIONAL = "constitutional-in-operational"
DESTRUCTIVE = "destructive-without-safeguard"
SHELLCHECK = "shellcheck"

INCOMPLETE_OK = frozenset(
    {pb.MISSING_OPTION, pb.MISSING_ARGUMENT, pb.MISSING_SUBCOMMAND, pb.VALUE_MISSING}
)
SAFEGUARD = re.compile(
    r"back[\s-]?up|snapshot|checkpoint|verif|pre-?check|pre-?flight|dry-?run|export|dump",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Issue:
    kind: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class _Use:
    spec: CommandSpec
    label: str
    line: int
    column: int


def _near_program(key: str, registry: Registry) -> str | None:
    """A declared program this undeclared one is probably a misspelling of."""
    return registry.memo(("near", key), lambda: _nearest(key, registry))


def _nearest(key: str, registry: Registry) -> str | None:
    name = basename(key)
    if len(name) < 5:
        return None
    declared_keys = registry.memo("sorted keys", lambda: sorted(registry.keys))
    for declared in declared_keys:
        other = basename(declared)
        if other == name or other[:1] != name[:1]:
            continue
        if difflib.SequenceMatcher(None, name, other).ratio() >= 0.8:
            return declared
    return None


class Analyzer:
    def __init__(self, doc: Document, registry: Registry, doc_path: str) -> None:
        self.doc = doc
        self.registry = registry
        self.doc_path = doc_path
        self.issues: list[Issue] = []
        self.uses: list[_Use] = []
        self.safeguards: list[int] = []  # lines of commands that verify or back up

    def snippets(self) -> list[Snippet]:
        out: list[Snippet] = []
        for block in self.doc.code_blocks:
            snippet = from_block(block)
            if snippet is not None:
                out.append(snippet)
        words = self.registry.first_words
        inline: Sequence[InlineLike] = self.doc.inline_codes
        for code in inline:
            if is_command_inline(code, words):
                snippet = from_inline(code)
                if snippet is not None:
                    out.append(snippet)
        return out

    def run(self, shellcheck: bool = False) -> list[Issue]:
        snippets = self.snippets()
        if not snippets:
            return []
        from runbook_lint.shell.syntax import parse

        for snippet in snippets:
            for line, column in snippet.broken:
                self.issues.append(
                    Issue(
                        UNPARSEABLE,
                        line,
                        column,
                        "the backslash that ends this line is followed by blanks, so the "
                        "command stops here and the next line runs on its own; remove the "
                        "blanks after the backslash",
                    )
                )
            parsed = parse(snippet)
            if parsed.error is not None:
                self._unparsed(snippet, parsed.error.offset, parsed.error.message)
                continue
            for invocation in parsed.invocations:
                self._invocation(snippet, invocation)
        if shellcheck:
            from runbook_lint.shell.shellcheck import run_shellcheck

            for snippet in snippets:
                for line, column, message in run_shellcheck(snippet):
                    self.issues.append(Issue(SHELLCHECK, line, column, message))
        self._labels()
        return self.issues

    def _unparsed(self, snippet: Snippet, offset: int, message: str) -> None:
        """A snippet that is not valid shell: another language, command output pasted under
        the command, or a broken command."""
        from runbook_lint.shell.transcripts import looks_like_output, other_language

        language = other_language(snippet.text)
        if snippet.inline and language is not None:
            return  # `select 1` after "Run" in prose: a query, not a shell command
        if language is not None:
            line, column = snippet.position(0)
            self.issues.append(
                Issue(
                    NOT_SHELL,
                    line,
                    column,
                    f"this block reads as {language}, not shell: label the fence with its "
                    "language so that readers and the checker do not take it for a command",
                )
            )
            return
        if snippet.kind == "commands" and not snippet.inline:
            row = snippet.text.count("\n", 0, offset)
            rows = snippet.text.split("\n")[: row + 1]
            near = [text for text in rows if text.strip()][-4:]
            if any(looks_like_output(row) for row in near):
                return  # the output of the command above, pasted in the same block
        line, column = snippet.position(offset)
        self.issues.append(
            Issue(UNPARSEABLE, line, column, f"this command is not valid shell: {message}")
        )

    def _invocation(self, snippet: Snippet, invocation: Invocation) -> None:
        words = invocation.words
        if any(SAFEGUARD.search(w.text) for w in words if not w.dynamic):
            self.safeguards.append(snippet.position(words[0].start)[0])
        resolved = resolve(words)
        if resolved is None:
            return
        name_word = words[resolved.name_index]
        line, column = snippet.position(name_word.start)
        program = self.registry.lookup(resolved.key, self.doc_path)
        if program is None:
            near = _near_program(resolved.key, self.registry)
            if near is not None or self.registry.in_namespace(resolved.key):
                hint = f" (did you mean {near!r}?)" if near else ""
                self.issues.append(
                    Issue(
                        UNKNOWN_PROGRAM,
                        line,
                        column,
                        f"{resolved.key!r} is not a declared program{hint}; declare it in "
                        f"{self.registry.source or 'schemas/cli/programs.yaml'}",
                    )
                )
            return
        argv = words[resolved.index :]
        mention = snippet.inline and not snippet.cued
        if mention and not argv:
            return  # `runbook-lint` named in prose, not a command to run
        if program.makefile is not None or resolved.key == "make":
            self._make(snippet, program, argv, mention)
            return
        contract = self.registry.contract(program)
        assert contract is not None
        result = ck.check(contract, argv)
        for problem in result.problems:
            if mention and problem.kind in INCOMPLETE_OK:
                continue  # prose may name a command without its required parts
            word = name_word if problem.index < 0 else argv[problem.index]
            p_line, p_column = snippet.position(word.start)
            self.issues.append(Issue(problem.kind, p_line, p_column, problem.message))
        if mention:
            return  # naming a command in prose does not run it: no label or safeguard checks
        for use in result.commands:
            word = name_word if use.index < 0 else argv[use.index]
            u_line, u_column = snippet.position(word.start)
            label = " ".join((contract.title, *use.path))
            self.uses.append(_Use(use.spec, label, u_line, u_column))

    def _make(
        self,
        snippet: Snippet,
        program: Program,
        argv: Sequence[Word],
        mention: bool,
    ) -> None:
        contract = None if program.makefile is not None else self.registry.contract(program)
        if contract is not None:
            known = frozenset(contract.root.subcommand_names())
            where = f"the targets declared in {program.contract}"
        else:
            known = self.registry.make_targets(program)
            where = f"{program.makefile}"
        texts = [(w.text, w.dynamic) for w in argv]
        for index, target in check_make(texts, known):
            t_line, t_column = snippet.position(argv[index].start)
            hint = pb.suggest(target, sorted(known))
            self.issues.append(
                Issue(
                    UNKNOWN_TARGET,
                    t_line,
                    t_column,
                    f"make target {target!r} is not in {where}{hint}",
                )
            )
        if contract is not None and not mention:
            for i, word in enumerate(argv):
                spec = contract.root.subcommand(word.text)
                if spec is not None and not word.dynamic:
                    w_line, w_column = snippet.position(argv[i].start)
                    self.uses.append(_Use(spec, f"make {spec.name}", w_line, w_column))

    def _labels(self) -> None:
        for use in self.uses:
            step = self.doc.step_at(use.line) if use.spec.constitutional else None
            if step is not None and step.label is not None and step.label.kind == "operational":
                self.issues.append(
                    Issue(
                        CONSTITUTIONAL,
                        use.line,
                        use.column,
                        f"{use.label!r} is a constitutional command but step "
                        f"{step.number} is labelled OPERATIONAL; label the step "
                        "CONSTITUTIONAL and cite its governance requirement (FR147)",
                    )
                )
            if use.spec.destructive and not self._safeguarded(use.line):
                self.issues.append(
                    Issue(
                        DESTRUCTIVE,
                        use.line,
                        use.column,
                        f"{use.label!r} is destructive and nothing before it verifies or backs "
                        "up the state it changes; add a verification or backup step first",
                    )
                )

    def _safeguarded(self, line: int) -> bool:
        if any(s < line for s in self.safeguards):
            return True
        for step in self.doc.steps:
            if step.start_line > line:
                break
            texts: list[tuple[int, str]] = [(step.heading.line, step.heading.text)]
            texts.extend((item.line, item.text) for item in step.checklist)
            if any(t_line < line and SAFEGUARD.search(text) for t_line, text in texts):
                return True
        return False


def analyse(doc: Document, registry: Registry, doc_path: str, shellcheck: bool) -> list[Issue]:
    return Analyzer(doc, registry, doc_path).run(shellcheck)


def kinds(issues: Iterable[Issue], kind: str) -> Iterable[Issue]:
    return (i for i in issues if i.kind == kind)
