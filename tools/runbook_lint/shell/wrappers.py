"""Find the program a command line runs: strip wrappers, normalise interpreters.

`sudo -u ops env A=1 timeout 30 python3.11 -u scripts/orchestration.py status` runs the program
keyed `scripts/orchestration.py` with argv `status`; `uv run python -m cli replay` runs
`python -m cli`. Keys are what the project file (`schemas/cli/programs.yaml`) declares.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from runbook_lint.shell.syntax import Word

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
PYTHON = re.compile(r"^python(\d+(\.\d+)*)?$")
# wrapper -> (options that take a value, number of leading positionals before the command)
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"}), 0),
    "env": (frozenset({"-u", "-C", "-S", "--unset", "--chdir"}), 0),
    "time": (frozenset({"-f", "-o", "--format", "--output"}), 0),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "nohup": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "command": (frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "-p"}), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
    "watch": (frozenset({"-n", "-d", "--interval"}), 0),
}
RUNNERS = {("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run")}
RUNNER_VALUE_OPTS = frozenset({"--with", "--python", "-p", "--project", "--directory", "--env"})
PYTHON_VALUE_OPTS = frozenset({"-X", "-W", "-c"})
SHELLS = frozenset({"bash", "sh", "zsh"})


@dataclass(frozen=True)
class Resolved:
    key: str  # normalised program key: "opsctl", "python -m cli", "scripts/orchestration.py"
    index: int  # index of the first argv word after the program
    name_index: int  # index of the word that names the program (for positions)


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def normalise_path(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path


def _skip_options(words: Sequence[Word], i: int, value_opts: frozenset[str]) -> int:
    while i < len(words):
        text = words[i].text
        if text == "--":
            return i + 1
        if not text.startswith("-") or text == "-":
            return i
        i += 1
        if text in value_opts:
            i += 1
    return i


def resolve(words: Sequence[Word]) -> Resolved | None:
    """The program and where its argv starts, or None for a dynamic program name."""
    i = 0
    while i < len(words):
        word = words[i]
        if word.dynamic:
            return None
        name = basename(word.text)
        if name in WRAPPERS:
            value_opts, positionals = WRAPPERS[name]
            i = _skip_options(words, i + 1, value_opts)
            while i < len(words) and ASSIGNMENT.match(words[i].text):
                i += 1
            i += positionals
            continue
        if i + 1 < len(words) and (name, words[i + 1].text) in RUNNERS:
            i = _skip_options(words, i + 2, RUNNER_VALUE_OPTS)
            continue
        if name in SHELLS and i + 1 < len(words):
            nxt = words[i + 1].text
            if not nxt.startswith("-") and not words[i + 1].dynamic:
                return Resolved(normalise_path(nxt), i + 2, i + 1)
            return Resolved(name, i + 1, i)
        if PYTHON.match(name):
            return _python(words, i)
        return Resolved(normalise_path(word.text), i + 1, i)
    return None


def _python(words: Sequence[Word], i: int) -> Resolved | None:
    j = i + 1
    while j < len(words):
        text = words[j].text
        if words[j].dynamic:
            return None
        if text == "-m" and j + 1 < len(words):
            return Resolved(f"python -m {words[j + 1].text}", j + 2, i)
        if text.startswith("-m") and len(text) > 2:
            return Resolved(f"python -m {text[2:]}", j + 1, i)
        if text.startswith("-") and text != "-":
            j += 2 if text in PYTHON_VALUE_OPTS else 1
            continue
        return Resolved(normalise_path(text), j + 1, j)
    return Resolved("python", j, i)


def key_of(invocation: str) -> str:
    """The key of a declared invocation string such as `python3.11 scripts/orchestration.py`."""
    parts = invocation.split()
    words = [Word(p, 0, 0, p, False) for p in parts]
    resolved = resolve(words)
    if resolved is None or resolved.index != len(words):
        raise ValueError(f"not a program invocation: {invocation!r}")
    return resolved.key
