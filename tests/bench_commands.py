"""Per-snippet cost of command checking, against peers measured in the same run.

    .venv/bin/python tests/bench_commands.py

Prints microseconds per snippet for: tree-sitter parsing (with masking and word building),
the whole per-document analysis (extraction, parsing, program resolution, contract check),
and two stdlib peers: shlex.split of the same text, and argparse.parse_args of a comparable
argv. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "commands" / "seed-commands.md"


def per_call(fn: object, n: int) -> float:
    call = fn  # type: ignore[assignment]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            call()  # type: ignore[operator]
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6


def main() -> int:
    cold = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t = time.perf_counter(); import tree_sitter, tree_sitter_bash; "
            "tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language())); "
            "print(time.perf_counter() - t)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    cold_ms = float(cold.stdout.strip() or "nan") * 1000

    from runbook_lint.config import Config
    from runbook_lint.document import Document
    from runbook_lint.shell.analysis import Analyzer
    from runbook_lint.shell.programs import load_registry
    from runbook_lint.shell.snippets import from_block
    from runbook_lint.shell.syntax import parse

    text = SEEDS.read_text(encoding="utf-8")
    doc = Document.parse("seed.md", text)
    snippets = [s for s in (from_block(b) for b in doc.code_blocks) if s is not None]
    registry = load_registry(ROOT / "schemas/cli/programs.yaml", ROOT, ROOT / "schemas/cli")
    config = Config(root=ROOT)
    assert config.programs

    parse(snippets[0])  # load the grammar once
    registry.all_contracts()  # load every contract once (per run, not per snippet)
    n_inv = sum(len(parse(s).invocations) for s in snippets)

    t_parse = per_call(lambda: [parse(s) for s in snippets], 200) / len(snippets)
    t_shlex = per_call(lambda: [shlex.split(s.text, comments=True) for s in snippets], 200) / len(
        snippets
    )

    def analyse() -> None:
        Analyzer(doc, registry, "runbooks/seed.md").run()

    t_doc = per_call(analyse, 100)
    n_snippets = len(snippets) + sum(1 for _ in doc.inline_codes)
    parser = argparse.ArgumentParser(prog="x", allow_abbrev=False)
    for flag in ("--repo", "--loop", "--transport", "--service-base-url", "--service-token"):
        parser.add_argument(flag)
    parser.add_argument("--pretty", action="store_true")
    argv = ["--repo", "/p", "--loop", "l", "--transport", "local", "--pretty"]
    t_argparse = per_call(lambda: parser.parse_args(argv), 2000)

    one_line = from_block(
        Document.parse(
            "one.md",
            "```bash\nscripts/ops-manager-status.sh --repo /p --loop <loop-id> --pretty\n```\n",
        ).code_blocks[0]
    )
    assert one_line is not None
    one_doc = Document.parse(
        "one.md",
        "```bash\nscripts/ops-manager-status.sh --repo /p --loop <loop-id> --pretty\n```\n",
    )
    t_one_parse = per_call(lambda: parse(one_line), 2000)
    t_one_shlex = per_call(lambda: shlex.split(one_line.text), 2000)
    t_one_all = per_call(lambda: Analyzer(one_doc, registry, "runbooks/one.md").run(), 1000)
    print(
        f"one-line snippet: parse {t_one_parse:.1f} us (shlex.split {t_one_shlex:.1f} us, "
        f"ratio {t_one_parse / t_one_shlex:.2f}); full check {t_one_all:.1f} us "
        f"(argparse.parse_args {t_argparse:.1f} us, ratio {t_one_all / t_argparse:.2f})"
    )
    print(f"snippets: {len(snippets)} blocks ({n_inv} invocations) in {SEEDS.name}")
    print(f"tree-sitter + grammar import and load (cold, once per process): {cold_ms:.1f} ms")
    print(f"parse per snippet (mask, tree-sitter, words): {t_parse:8.1f} us")
    print(
        f"  peer shlex.split per snippet:                {t_shlex:8.1f} us"
        f"  (ratio {t_parse / t_shlex:.2f})"
    )
    print(f"whole analysis per document:                   {t_doc:8.1f} us")
    print(f"whole analysis per snippet:                    {t_doc / n_snippets:8.1f} us")
    print(f"whole analysis per invocation:                 {t_doc / n_inv:8.1f} us")
    print(
        f"  peer argparse.parse_args per argv:           {t_argparse:8.1f} us"
        f"  (ratio {t_doc / n_inv / t_argparse:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
