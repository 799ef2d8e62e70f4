"""Benchmark runbook-lint against markdownlint-cli2 on a generated library.

    python tests/bench/run.py [--files 2000] [--runs 5] [--workdir DIR]

Generates the corpus (`corpus.py`), installs markdownlint-cli2 from the npm registry into a
temporary folder (`npm install --prefix`), then runs both tools alternately `--runs` times per
scenario and prints the median wall time of each, the ratio, and the peak resident memory:

- cold: the whole library with `--no-cache` (runbook-lint uses one worker per core);
- warm: the whole library again with nothing changed (the content cache);
- single file: one runbook, as pre-commit runs it after an edit, with `--no-cache` and with the
  cache warm for the rest of the library (the edited file itself is always checked).

markdownlint-cli2 has no cache, so its cold time is the reference for warm too. Peak memory is
the maximum resident set of any one process (`/usr/bin/time -v`, else getrusage of children).
The linter runs from a copy of `tools/runbook_lint` taken at the start, so edits to the working
tree during the run do not invalidate its cache, with its bytecode written by the first run as
an installed package has it. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import generate  # noqa: E402

TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
SINGLE = "runbooks/db/runbook-0004.md"
SNAPSHOT: Path | None = None  # a copy of the package: edits to the working tree do not disturb


def measure(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in KB of the largest process)."""
    env = {**os.environ, "RUNBOOK_LINT_TODAY": "2026-11-23"}
    # An installed tool runs from compiled bytecode (pip writes it at install time); a
    # sandbox that forbids writing it would time the compiler instead of the linter.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = str(SNAPSHOT)
    if TIME:
        full = [TIME, "-v", *cmd]
        start = time.perf_counter()
        proc = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        rss = int(found.group(1)) if found else 0
    else:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        rss = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, rss


def install_markdownlint(prefix: Path) -> Path:
    binary = prefix / "node_modules" / ".bin" / "markdownlint-cli2"
    if not binary.exists():
        print(f"installing markdownlint-cli2 into {prefix} ...", flush=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "markdownlint-cli2",
            ],
            check=True,
            capture_output=True,
        )
    version = subprocess.run(
        [str(binary), "--help"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[0]
    print(f"peer: {version}")
    return binary


def touch(path: Path, n: int) -> None:
    """Change a file's content (so no cache can answer for it) without changing findings."""
    text = re.sub(r"\n<!-- edit \d+ -->\n$", "\n", path.read_text(encoding="utf-8"))
    path.write_text(text + f"<!-- edit {n} -->\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and npm folder here")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="runbook-lint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    lines = generate(corpus, args.files)
    print(f"corpus: {args.files} runbooks, {lines:,} lines ({corpus}); cores: {os.cpu_count()}")
    mdl = install_markdownlint(work / "npm")
    global SNAPSHOT
    SNAPSHOT = work / "tool"
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    package = HERE.parents[1] / "tools" / "runbook_lint"
    shutil.copytree(
        package, SNAPSHOT / "runbook_lint", ignore=shutil.ignore_patterns("__pycache__")
    )
    lint = [sys.executable, "-m", "runbook_lint.cli", "check"]
    glob = "runbooks/**/*.md"
    cache = corpus / ".cache"

    def cold_lint() -> tuple[float, int]:
        return measure([*lint, "--no-cache"], corpus)

    def warm_lint() -> tuple[float, int]:
        return measure(lint, corpus)

    counter = iter(range(10**6))

    def single_nocache() -> tuple[float, int]:
        touch(corpus / SINGLE, next(counter))
        return measure([*lint, "--no-cache", SINGLE], corpus)

    def single_cached() -> tuple[float, int]:
        touch(corpus / SINGLE, next(counter))
        return measure([*lint, SINGLE], corpus)

    def peer_all() -> tuple[float, int]:
        return measure([str(mdl), glob], corpus)

    def peer_single() -> tuple[float, int]:
        touch(corpus / SINGLE, next(counter))
        return measure([str(mdl), SINGLE], corpus)

    shutil.rmtree(cache, ignore_errors=True)
    measure(lint, corpus)  # fill the cache (and warm the file system) once
    scenarios = {
        "cold (whole library, --no-cache)": (cold_lint, peer_all),
        "warm (nothing changed)": (warm_lint, peer_all),
        "single file, --no-cache": (single_nocache, peer_single),
        "single file, edited, cache warm": (single_cached, peer_single),
    }
    results: dict[str, tuple[list[float], list[float], int, int]] = {}
    for name, (ours, theirs) in scenarios.items():
        a: list[float] = []
        b: list[float] = []
        rss_a = rss_b = 0
        for _ in range(args.runs):
            t, m = ours()
            a.append(t)
            rss_a = max(rss_a, m)
            t, m = theirs()
            b.append(t)
            rss_b = max(rss_b, m)
        results[name] = (a, b, rss_a, rss_b)
        print(f"  {name}: done", flush=True)

    print()
    print(f"{'scenario':36} {'runbook-lint':>13} {'markdownlint-cli2':>18} {'ratio':>7}")
    for name, (a, b, _, _) in results.items():
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:36} {ma:12.3f}s {mb:17.3f}s {ma / mb:6.2f}x")
    print()
    print("peak resident memory of the largest process (MB):")
    for name, (_, _, rss_a, rss_b) in results.items():
        print(
            f"  {name:34} runbook-lint {rss_a / 1024:6.1f}   markdownlint-cli2 {rss_b / 1024:6.1f}"
        )
    print(f"\nmedians of {args.runs} alternating runs; work folder: {work}")


if __name__ == "__main__":
    main()
