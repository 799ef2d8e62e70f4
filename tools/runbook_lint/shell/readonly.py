"""Whether a shell snippet only reads: the test a runbook's first safe command must pass.

A snippet only reads when it parses, writes no file through a redirection, and every command
it runs is known to change nothing:

- a command of a declared program whose contract marks it `readOnly` (never one marked
  constitutional or destructive);
- one of the common tools below that only read, used without the options that make them write;
- setting the shell up: assignments, `cd`, `export`.

Anything else (an undeclared program, `rm`, `mv`, `kill`, `sed -i`, a `make` target, a program
name in a variable) is not known to only read, so it is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runbook_lint.shell import checker as ck
from runbook_lint.shell.wrappers import basename, resolve

if TYPE_CHECKING:
    from tree_sitter import Node

    from runbook_lint.shell.programs import Registry
    from runbook_lint.shell.snippets import Snippet
    from runbook_lint.shell.syntax import Invocation, Word

# Commands of programs without a contract that only read, by their first words, with the
# options that would make them write. Matched on the longest entry the command starts with.
_READERS = """
cd pwd export echo printf test true jq cat head tail grep egrep fgrep zgrep wc ls stat file
column less diff cmp sha256sum sha1sum md5sum du df free uptime ps pgrep id whoami uname which
basename dirname realpath readlink cut tr nl od
"""
_READING_SUBCOMMANDS = (
    "docker ps", "docker logs", "docker inspect", "docker version", "docker compose ps",
    "docker compose logs", "docker compose version", "docker compose config", "git status",
    "git rev-parse", "kubectl get", "kubectl describe", "kubectl logs", "systemctl status",
    "systemctl is-active",
)  # fmt: skip
READ_ONLY_TOOLS: dict[tuple[str, ...], frozenset[str]] = {
    **{(name,): frozenset() for name in _READERS.split()},
    **{tuple(words.split()): frozenset() for words in _READING_SUBCOMMANDS},
    ("date",): frozenset({"-s", "--set"}),
    ("sort",): frozenset({"-o", "--output"}),
    ("sed",): frozenset({"-i", "--in-place"}),
    ("yq",): frozenset({"-i", "--inplace"}),
    **{("git", name): frozenset({"--output"}) for name in ("log", "diff", "show")},
    ("find",): frozenset(
        {"-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf"}
    ),
}
_GROUPS = frozenset(words[:size] for words in READ_ONLY_TOOLS for size in range(1, len(words)))
# Programs that change state, named in the message when a snippet runs one.
CHANGES = frozenset(
    {"rm", "mv", "cp", "kill", "pkill", "killall", "dd", "truncate", "tee", "chmod", "chown"}
)
_WRITING_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>"})
_HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})


@dataclass(frozen=True)
class Change:
    offset: int  # in the snippet
    message: str


def changes(snippet: Snippet, registry: Registry, doc_path: str) -> list[Change]:
    """What in `snippet` is not known to only read (empty when it only reads)."""
    from runbook_lint.shell.syntax import parse, syntax_tree

    parsed = parse(snippet)
    if parsed.error is not None:
        return [Change(parsed.error.offset, f"not valid shell: {parsed.error.message}")]
    found = [Change(at, message) for at, message in _redirects(syntax_tree(snippet), snippet)]
    for invocation in parsed.invocations:
        found.extend(_invocation(invocation, registry, doc_path))
    return sorted(found, key=lambda c: c.offset)


def _redirects(root: Node, snippet: Snippet) -> Iterator[tuple[int, str]]:
    data = snippet.text.encode("utf-8")
    source = snippet.source or snippet.text

    def offset(byte: int) -> int:
        return len(data[:byte].decode("utf-8", "replace"))

    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "file_redirect":
            continue
        operator = next((c.type for c in node.children if not c.is_named), "")
        targets = [c for c in node.named_children if c.type != "file_descriptor"]
        target = (
            source[offset(targets[0].start_byte) : offset(targets[0].end_byte)] if targets else ""
        )
        if operator == ">&" and (target.isdigit() or target == "-"):
            continue  # `2>&1`, `>&2`: joins output streams, writes no file
        if operator not in _WRITING_REDIRECTS and operator != ">&":
            continue
        if target in _HARMLESS_TARGETS:
            continue
        yield offset(node.start_byte), f"`{operator} {target}` writes a file"


def _invocation(invocation: Invocation, registry: Registry, doc_path: str) -> Iterator[Change]:
    words = invocation.words
    resolved = resolve(words)
    if resolved is None:
        yield Change(words[0].start, "runs a program named by a variable: not known to only read")
        return
    name_word = words[resolved.name_index]
    argv = words[resolved.index :]
    program = registry.lookup(resolved.key, doc_path)
    if program is None:
        yield from _tool(resolved.key, argv, name_word.start)
        return
    contract = registry.contract(program)
    if contract is None:
        yield Change(name_word.start, f"`{resolved.key}` runs Makefile targets: not read-only")
        return
    result = ck.check(contract, argv)
    used = result.commands[-1]
    label = " ".join((contract.title, *used.path))
    at = name_word.start if used.index < 0 else argv[used.index].start
    if used.spec.constitutional or used.spec.destructive:
        kind = "constitutional" if used.spec.constitutional else "destructive"
        yield Change(at, f"`{label}` is {kind} in its contract")
    elif not used.spec.read_only:
        yield Change(at, f"`{label}` is not marked readOnly in its contract")


def _tool(key: str, argv: tuple[Word, ...], start: int) -> Iterator[Change]:
    name = basename(key)
    texts = [w.text for w in argv]
    entry = next(
        (
            words
            for size in range(min(len(texts) + 1, 3), 0, -1)
            for words in [(name, *texts[: size - 1])]
            if words in READ_ONLY_TOOLS
        ),
        None,
    )
    if entry is None:
        why = "changes state" if name in CHANGES else "is not known to only read"
        shown = [key]
        for word in argv[:2]:  # the subcommands, for a program listed with some
            if word.dynamic or tuple(shown) not in _GROUPS:
                break
            shown.append(word.text)
        yield Change(start, f"`{' '.join(shown)}` {why}")
        return
    forbidden = READ_ONLY_TOOLS[entry]
    for word in argv:
        option = word.text.split("=", 1)[0]
        if option in forbidden or (
            len(option) > 2 and option[:2] in forbidden and option[1] != "-"
        ):
            yield Change(word.start, f"`{name} {word.text}` writes")
