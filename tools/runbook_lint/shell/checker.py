"""Check one command line (argv after the program) against a CLI contract.

The walk mirrors argparse: words are classified as option-like ("O"), positional ("A") or the
`--` separator ("-"); options consume the values that follow them; positional words are matched
to the command's arguments with argparse's regular-expression patterns; a subcommand name hands
every remaining word to the subcommand, where the parent's options are no longer valid. For
contracts not introspected from argparse (click, declared shell scripts) positional words are
matched once, across options, as click does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from runbook_lint.shell.problems import (
    FLAG_VALUE,
    INVALID_VALUE,
    MISSING_ARGUMENT,
    MISSING_OPTION,
    MISSING_SUBCOMMAND,
    TOO_MANY,
    UNKNOWN_OPTION,
    UNKNOWN_SUBCOMMAND,
    VALUE_MISSING,
    CommandUse,
    Problem,
    Result,
    suggest,
)
from runbook_lint.shell.spec import ArgumentSpec, CommandSpec, Contract, OptionSpec
from runbook_lint.shell.syntax import Word
from runbook_lint.shell.walk_state import (
    NEGATIVE_NUMBER,
    SUBCOMMAND,
    WalkState,
    canonical,
    nargs_pattern,
    spec_pattern,
)


@dataclass
class _Opt:
    spec: OptionSpec | None  # None: unknown option
    name: str  # the option string as written (before "=")
    explicit: str | None  # value after "=" or glued to a short option
    silent: bool = False  # unknown, but its name is dynamic: do not report


class _Walker:
    def __init__(self, contract: Contract, words: Sequence[Word], result: Result) -> None:
        self.contract = contract
        self.words = words
        self.result = result
        self.argparse = contract.source.startswith("argparse:")
        self.suggested: set[str] = set()

    # -- classification -----------------------------------------------------------------------

    def _lookup(self, scope: dict[str, OptionSpec], word: Word) -> _Opt | None:
        text = word.text
        if not text or text[0] != "-" or (word.dynamic and not word.static_prefix):
            return None
        if text in scope and not word.dynamic:
            return _Opt(scope[text], text, None)
        if len(text) == 1:
            return None
        if "=" in text:
            name, value = text.split("=", 1)
            if name in scope and "=" in word.static_prefix:
                return _Opt(scope[name], name, value)
        if text[1] != "-" and len(word.static_prefix) >= 2:  # -cVALUE or a cluster of flags
            short = text[:2]
            if short in scope:
                return _Opt(scope[short], short, text[2:])
        if word.dynamic and len(word.static_prefix) <= 2:
            return _Opt(None, text, None, silent=True)
        if NEGATIVE_NUMBER.match(text) or " " in text:
            return None
        name = text.split("=", 1)[0]
        return _Opt(None, name, None, silent=word.dynamic and "=" not in word.static_prefix)

    # -- the walk -------------------------------------------------------------------------------

    def check(
        self,
        cmd: CommandSpec,
        start: int,
        path: tuple[str, ...],
        inherited: tuple[OptionSpec, ...] = (),
    ) -> None:
        scope: dict[str, OptionSpec] = {}
        for opt in (*inherited, *cmd.options):
            for opt_name in opt.names:
                scope[opt_name] = opt
        recursive = (*inherited, *(o for o in cmd.options if o.recursive))
        words = self.words
        pattern: list[str] = []
        opts: dict[int, _Opt] = {}
        seen_dd = False
        for i in range(start, len(words)):
            w = words[i]
            if seen_dd:
                pattern.append("A")
            elif w.text == "--" and not w.dynamic:
                pattern.append("-")
                seen_dd = True
            else:
                o = self._lookup(scope, w)
                if o is None:
                    pattern.append("A")
                else:
                    pattern.append("O")
                    opts[i] = o
        # Groups in click do not intersperse: the first positional word is the subcommand.
        specs: list[ArgumentSpec] = list(cmd.arguments)
        if cmd.commands:
            specs.append(SUBCOMMAND)
        seen: set[str] = set()
        state = WalkState(cmd, path, start, pattern, specs, recursive, scope)
        i = start
        n = len(words)
        if self.argparse or cmd.commands:
            while i < n:
                if pattern[i - start] == "O":
                    i = self._consume_option(state, i, opts[i], seen)
                    continue
                if state.stopped:
                    return
                j = self._consume_positionals(state, i)
                if state.stopped:
                    self._finish(state, seen)
                    return
                if j == i:
                    # No argument left for this word: it and its chunk are extra.
                    while j < n and pattern[j - start] in "A-":
                        self._extra(state, j)  # argparse rejects a stray `--` too
                        j += 1
                i = j
            self._consume_positionals(state, n)
        else:
            positional_indices: list[int] = []
            while i < n:
                if pattern[i - start] == "O":
                    i = self._consume_option(state, i, opts[i], seen)
                    continue
                if pattern[i - start] == "A":
                    positional_indices.append(i)
                i += 1
            self._assign_all(state, positional_indices)
        if not state.stopped:
            self._finish(state, seen)

    def _extra(self, state: WalkState, index: int) -> None:
        word = self.words[index]
        if word.dynamic and not word.static_prefix:
            return
        self.result.problems.append(
            Problem(
                TOO_MANY,
                index,
                f"unexpected argument {word.text!r} for {_label(self.contract, state.path)}",
            )
        )

    def _check_value(self, state: WalkState, spec: ArgumentSpec, index: int, what: str) -> None:
        word = self.words[index]
        if spec.accepted_values and not word.dynamic and word.text not in spec.accepted_values:
            self._bad_value(word.text, spec.accepted_values, index, what)

    def _bad_value(self, value: str, accepted: Sequence[str], index: int, what: str) -> None:
        shown = ", ".join(accepted)
        self.result.problems.append(
            Problem(
                INVALID_VALUE,
                index,
                f"{what} does not accept {value!r} (accepted: {shown}){suggest(value, accepted)}",
            )
        )

    def _consume_option(self, state: WalkState, i: int, opt: _Opt, seen: set[str]) -> int:
        words, start, pattern = self.words, state.start, state.pattern
        if opt.spec is None:
            if not opt.silent:
                names = sorted(state.scope_names(), key=str)
                close = difflib.get_close_matches(opt.name, names, n=1, cutoff=0.6)
                if close:  # a misspelt required option is one mistake, not two
                    self.suggested.add(state.scope[close[0]].name)
                self.result.problems.append(
                    Problem(
                        UNKNOWN_OPTION,
                        i,
                        f"unknown option {opt.name!r} for {_label(self.contract, state.path)}"
                        f"{suggest(opt.name, names)}",
                    )
                )
            else:
                self.result.complete = False
            # Treat a following plain word as its value, so one mistake makes one finding.
            if i + 1 < len(words) and pattern[i + 1 - start] == "A":
                pattern[i + 1 - start] = "X"
                return i + 2
            return i + 1
        spec = opt.spec
        explicit = opt.explicit
        while True:
            seen.add(spec.name)
            self.result.options.add(spec.name)
            state.check_exclusive(self.result.problems, spec, i)
            if explicit is not None:
                if spec.is_flag:
                    if opt.name[1] != "-" and explicit != "":
                        short = "-" + explicit[0]
                        nxt = state.scope.get(short)
                        if nxt is not None:
                            spec, opt, explicit = (
                                nxt,
                                _Opt(nxt, short, explicit[1:] or None),
                                (explicit[1:] or None),
                            )
                            continue
                    self.result.problems.append(
                        Problem(
                            FLAG_VALUE,
                            i,
                            f"option {opt.name!r} is a flag and takes no value (got {explicit!r})",
                        )
                    )
                    return i + 1
                maximum = spec.max_values
                if spec.min_values > 1 or (maximum is not None and maximum < 1):
                    self.result.problems.append(
                        Problem(
                            VALUE_MISSING,
                            i,
                            f"option {opt.name!r} needs {spec.min_values} values",
                        )
                    )
                    return i + 1
                accepted = spec.accepted_values
                if accepted and not words[i].dynamic and explicit not in accepted:
                    self._bad_value(explicit, accepted, i, f"option {opt.name!r}")
                return i + 1
            # values from the following words
            rest = "".join(pattern[i + 1 - start :])
            # As in argparse, an option's values never include a `--`.
            m = re.match(nargs_pattern(spec.min_values, spec.max_values).replace("-*", ""), rest)
            if m is None:
                got = ""
                if i + 1 < len(words):
                    got = f" (got option {words[i + 1].text!r})"
                self.result.problems.append(
                    Problem(
                        VALUE_MISSING,
                        i,
                        f"option {opt.name!r} needs a value"
                        if spec.min_values <= 1
                        else f"option {opt.name!r} needs {spec.min_values} values" + got,
                    )
                )
                # Too few values: the ones given belong to the option, not to the arguments.
                k = i + 1
                while k < len(words) and pattern[k - start] == "A":
                    pattern[k - start] = "X"
                    k += 1
                return k
            count = len(m.group(1))
            for k in range(i + 1, i + 1 + count):
                if pattern[k - start] == "A":
                    self._option_value(spec, k, opt.name)
            return i + 1 + count

    def _option_value(self, spec: OptionSpec, index: int, name: str) -> None:
        word = self.words[index]
        accepted = spec.accepted_values
        if accepted and not word.dynamic and word.text not in accepted:
            self._bad_value(word.text, accepted, index, f"option {name!r}")

    def _consume_positionals(self, state: WalkState, i: int) -> int:
        """argparse's consume_positionals: match as many remaining specs as possible to the
        chunk of positional words starting at i."""
        start = state.start
        rest = "".join(state.pattern[i - start :])
        specs = state.specs
        counts: list[int] = []
        for k in range(len(specs), 0, -1):
            pat = "".join(spec_pattern(s) for s in specs[:k])
            m = re.match(pat, rest)
            if m is not None:
                counts = [len(g) for g in m.groups()]
                break
        j = i
        for spec, count in zip(specs[: len(counts)], counts, strict=True):
            indices = [k for k in range(j, j + count) if state.pattern[k - start] == "A"]
            if spec is SUBCOMMAND:
                del specs[: len(counts)]
                self._enter(state, j)  # argparse passes a leading `--` on as the name
                return len(self.words)
            for k in indices:
                self._check_value(state, spec, k, f"argument {spec.name}")
            j += count
        del specs[: len(counts)]
        return j

    def _assign_all(self, state: WalkState, indices: list[int]) -> None:
        """click-style: every positional word, wherever it stands, fills the arguments in
        order; the last unbounded argument takes what the fixed ones leave."""
        specs = state.specs
        m = re.match("".join(spec_pattern(s) for s in specs) + "$", "A" * len(indices))
        if m is None:
            # Either too few (a required argument is missing) or too many words.
            fill: int | None = 0
            for s in specs:
                fill = None if fill is None or s.maximum is None else fill + s.maximum
            if fill is not None and len(indices) > fill:
                for k in indices[fill:]:
                    self._extra(state, k)
                indices = indices[:fill]
            m = re.match("".join(spec_pattern(s) for s in specs), "A" * len(indices))
        j = 0
        matched = [len(g) for g in m.groups()] if m is not None else []
        for spec, count in zip(specs, matched, strict=False):
            for k in indices[j : j + count]:
                self._check_value(state, spec, k, f"argument {spec.name}")
            j += count
        consumed = len(matched) if m is not None else 0
        remaining = [s for s in specs[consumed:]]
        del specs[:]
        specs.extend(remaining)

    def _enter(self, state: WalkState, index: int) -> None:
        word = self.words[index]
        cmd = state.cmd
        state.stopped = True
        if word.dynamic:
            self.result.complete = False  # `$SUBCOMMAND`: what follows cannot be checked
            return
        sub = cmd.subcommand(word.text)
        if sub is None:
            names = cmd.subcommand_names()
            self.result.problems.append(
                Problem(
                    UNKNOWN_SUBCOMMAND,
                    index,
                    f"unknown subcommand {word.text!r} for {_label(self.contract, state.path)}"
                    f"{suggest(word.text, names)}",
                )
            )
            return
        path = (*state.path, sub.name)
        self.result.commands.append(CommandUse(sub, index, path))
        self.check(sub, index + 1, path, state.recursive)

    def _finish(self, state: WalkState, seen: set[str]) -> None:
        cmd = state.cmd
        label = _label(self.contract, state.path)
        where = state.name_index
        for opt in cmd.options:
            if opt.required and opt.name not in seen and opt.name not in self.suggested:
                self.result.problems.append(
                    Problem(MISSING_OPTION, where, f"{label} requires option {opt.name!r}")
                )
        for spec in state.specs:
            if spec is SUBCOMMAND:
                if cmd.subcommand_required:
                    names = ", ".join(cmd.subcommand_names())
                    self.result.problems.append(
                        Problem(MISSING_SUBCOMMAND, where, f"{label} needs a subcommand: {names}")
                    )
            elif spec.required and spec.minimum > 0:
                self.result.problems.append(
                    Problem(MISSING_ARGUMENT, where, f"{label} requires argument {spec.name}")
                )
        for group in cmd.exclusive_groups:
            if group.required and not any(canonical(cmd, o) in seen for o in group.options):
                names = ", ".join(group.options)
                self.result.problems.append(
                    Problem(MISSING_OPTION, where, f"{label} requires one of {names}")
                )


def _label(contract: Contract, path: tuple[str, ...]) -> str:
    return repr(" ".join((contract.title, *path)))


# (id of the contract, what the checker reads of each word) -> (the contract, its result). The
# entry holds the contract, so the id cannot be reused for another one while it is cached.
_RESULTS: dict[tuple[int, tuple[tuple[str, bool, str], ...]], tuple[Contract, Result]] = {}
_MAX_RESULTS = 4096


def check(contract: Contract, argv: Sequence[Word]) -> Result:
    """Problems of argv (the words after the program name) against the contract.

    The result depends only on the contract and the words' text, dynamic flag and static
    prefix (never their positions), so a command repeated across runbooks is checked once."""
    key = (id(contract), tuple((w.text, w.dynamic, w.static_prefix) for w in argv))
    cached = _RESULTS.get(key)
    if cached is None or cached[0] is not contract:
        result = Result()
        result.commands.append(CommandUse(contract.root, -1, ()))
        walker = _Walker(contract, argv, result)
        walker.check(contract.root, 0, ())
        if len(_RESULTS) >= _MAX_RESULTS:
            _RESULTS.clear()
        cached = _RESULTS[key] = (contract, result)
    result = cached[1]
    return Result(
        list(result.problems), list(result.commands), set(result.options), result.complete
    )
