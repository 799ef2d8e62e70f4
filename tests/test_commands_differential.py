"""Differential test: a real argparse parser and the contract checker (on the contract
introspected from that parser) agree on which command lines are valid."""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
from collections.abc import Sequence
from typing import NoReturn

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook_lint.shell.checker import check
from runbook_lint.shell.introspect import from_argparse
from runbook_lint.shell.syntax import Word


class Rejected(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise Rejected(message)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="tool", allow_abbrev=False)
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--env", choices=["dev", "prod"])
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("deploy", aliases=["dep"], allow_abbrev=False)
    d.add_argument("service")
    d.add_argument("--target", "-t", required=True)
    d.add_argument("--replicas")
    d.add_argument("--dry-run", action="store_true")
    group = d.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true")
    group.add_argument("--table", action="store_true")
    logs = sub.add_parser("logs", allow_abbrev=False)
    logs.add_argument("services", nargs="*")
    logs.add_argument("-n", "--lines")
    logs.add_argument("-f", "--follow", action="store_true")
    logs.add_argument("--level", choices=["info", "warn"], nargs="?", const="info")
    cp = sub.add_parser("copy", allow_abbrev=False)
    cp.add_argument("src")
    cp.add_argument("dst", nargs="?")
    cp.add_argument("--mode", nargs=2)
    cp.add_argument("--tag", nargs="+")
    cp.add_argument("--fmt", choices=["a", "b"], required=False)
    job = sub.add_parser("job", allow_abbrev=False)
    jobs = job.add_subparsers(dest="action", required=True)
    run = jobs.add_parser("run", allow_abbrev=False)
    run.add_argument("name", choices=["backup", "vacuum"])
    run.add_argument("--wait", action=argparse.BooleanOptionalAction)
    need = run.add_mutually_exclusive_group(required=True)
    need.add_argument("--now", action="store_true")
    need.add_argument("--at")
    jobs.add_parser("list", allow_abbrev=False)
    return p


PARSER = build_parser()
CONTRACT = from_argparse(PARSER, "tool", source="argparse:tests:build_parser")

VOCABULARY = [
    "deploy",
    "dep",
    "logs",
    "copy",
    "job",
    "run",
    "list",
    "deplyo",
    "backup",
    "vacuum",
    "-v",
    "--verbose",
    "--env",
    "dev",
    "prod",
    "stage",
    "-t",
    "--target",
    "--target=x",
    "-t=x",
    "-tx",
    "--replicas",
    "3",
    "--dry-run",
    "--dry-run=1",
    "--json",
    "--table",
    "-n",
    "--lines",
    "5",
    "-f",
    "-fn",
    "-fn5",
    "-vf",
    "--follow",
    "--level",
    "--level=warn",
    "--level=bad",
    "info",
    "warn",
    "--mode",
    "--tag",
    "--fmt",
    "a",
    "b",
    "api",
    "web",
    "--bogus",
    "-x",
    "--",
    "--wait",
    "--no-wait",
    "--wait=1",
    "--now",
    "--at",
    "noon",
]


def argparse_accepts(argv: Sequence[str]) -> bool:
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            PARSER.parse_args(list(argv))
    except Rejected:
        return False
    return True


def checker_accepts(argv: Sequence[str]) -> bool:
    words = [Word(t, 0, len(t), t, False) for t in argv]
    return not check(CONTRACT, words).problems


HANDWRITTEN = [
    ["deploy", "api", "-t", "x"],
    ["dep", "api", "--target=x", "--json"],
    ["deploy", "api", "-t", "x", "--json", "--table"],
    ["-v", "--env", "dev", "logs"],
    ["logs", "-fn5", "api", "web"],
    ["logs", "api", "-f", "web"],
    ["logs", "--level"],
    ["logs", "--level", "warn", "api"],
    ["logs", "--level", "bad"],
    ["copy", "a", "--mode", "x", "y", "b"],
    ["copy", "a", "b", "--mode", "x"],
    ["copy", "--tag", "x", "y", "a"],
    ["copy", "a", "--", "b"],
    ["logs", "--", "-f"],
    ["deploy", "-v", "api", "-t", "x"],
    ["-v", "deploy", "api", "-t", "x"],
    ["--env", "stage", "logs"],
    ["job", "run", "backup", "--now"],
    ["job", "run", "backup", "--now", "--at", "noon"],
    ["job", "run", "backup"],
    ["job", "run", "backup", "--at", "noon", "--no-wait"],
    ["job"],
    ["job", "list", "x"],
    [],
]


def test_handwritten_cases_agree() -> None:
    results = [(argv, argparse_accepts(argv), checker_accepts(argv)) for argv in HANDWRITTEN]
    disagreements = [(argv, a, c) for argv, a, c in results if a != c]
    assert disagreements == []
    assert {a for _, a, _ in results} == {True, False}


def test_exhaustive_short_lines_agree() -> None:
    """Every line of up to three words from a smaller vocabulary, after each subcommand."""
    small = ["api", "-t", "x", "--json", "--table", "-f", "--level", "warn", "--", "-v", "b"]
    checked = valid = 0
    for prefix in (["deploy"], ["logs"], ["copy"], ["job", "run", "backup"]):
        for n in range(4):
            for rest in itertools.product(small, repeat=n):
                argv = [*prefix, *rest]
                expected = argparse_accepts(argv)
                assert checker_accepts(argv) == expected, argv
                checked += 1
                valid += expected
    assert checked > 2000
    assert 50 < valid < checked - 50


@settings(
    max_examples=3000,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=9))
def test_random_lines_agree(argv: list[str]) -> None:
    assert checker_accepts(argv) == argparse_accepts(argv), argv


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(
    st.sampled_from([["deploy"], ["logs"], ["copy"], ["job", "run"], ["dep"]]),
    st.lists(st.sampled_from(VOCABULARY), max_size=7),
)
def test_random_lines_after_a_subcommand_agree(prefix: list[str], rest: list[str]) -> None:
    argv = [*prefix, *rest]
    assert checker_accepts(argv) == argparse_accepts(argv), argv
