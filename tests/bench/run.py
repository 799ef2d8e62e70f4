"""Benchmark runbook-lint against markdownlint-cli2, and its language server on its own.

    python tests/bench/run.py [--files 2000] [--runs 5] [--edits 40] [--workdir DIR]

Generates the corpus (`corpus.py`: 2,000 runbooks, one of them 300 lines long), installs
markdownlint-cli2 at the version the documentation quotes (`PEER_VERSION`) from the npm
registry into the work folder, then runs both tools alternately `--runs` times per scenario and
prints the median wall time of each, the ratio, each tool's file and finding counts (so the
work compared is visible) and the peak memory:

- cold: the whole library with `--no-cache` (runbook-lint uses one worker per core);
- warm: the whole library again with nothing changed (the content cache). markdownlint-cli2
  has no cache: every run of it is cold, and it is compared as such;
- single file: the 300-line runbook, as pre-commit runs it after an edit, with `--no-cache`
  and with the cache warm for the rest of the library (the edited file itself is checked);
- this repository's own library (`check runbooks schemas docs`, as `make site` runs it), cold,
  against markdownlint-cli2 on the same Markdown files;
- the language server (`runbook-lint server`, driven by pygls's client over stdio as an editor
  does): the time from an edit of the 300-line runbook to its new diagnostics, median over
  `--edits` edits, and the server's memory.

Memory is the peak of the resident set summed over every process of the run (the linter's
worker processes included; pages a forked worker shares with its parent count in both), sampled
from /proc every few milliseconds; without /proc, the peak of the largest process of that run
alone. Every target is printed with the measured figure and whether it is met. The linter runs
from a copy of `tools/runbook_lint` taken at the start, from compiled bytecode as an installed
package does. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
from corpus import generate  # noqa: E402

PEER_VERSION = "0.22.1"  # markdownlint-cli2, as docs/performance.md quotes it
SINGLE = "runbooks/db/runbook-0004.md"  # 300 lines (corpus.LONG)
TODAY = "2026-11-23"
SNAPSHOT: Path | None = None  # a copy of the package: edits to the working tree do not disturb
PROC = Path("/proc/self/status").exists()


@dataclass
class Run:
    wall: float
    rss_kb: int
    stdout: str
    stderr: str


def _env(pin_today: bool = True) -> dict[str, str]:
    env = {**os.environ}
    env.pop("RUNBOOK_LINT_TODAY", None)
    if pin_today:  # the generated corpus's dates are relative to TODAY
        env["RUNBOOK_LINT_TODAY"] = TODAY
    # An installed tool runs from compiled bytecode (pip writes it at install time); a
    # sandbox that forbids writing it would time the compiler instead of the linter.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = str(SNAPSHOT)
    return env


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if PROC else 4


def descendants(pid: int) -> set[int]:
    """A process and all its descendants (one pass over /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, stack = set(), [pid]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def rss_kb(pids: set[int]) -> int:
    """The resident sets of these processes, summed (KB)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(cmd: list[str], cwd: Path) -> Run:
    """`cmd` run in `cwd` (the generated corpus, with its date pinned, or this repository)."""
    return _measure(cmd, cwd, _env(pin_today=cwd != REPO))


def _measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run `cmd`; its wall time, the peak of its processes' summed resident set, its output."""
    if not PROC:
        # One fresh process per run, so RUSAGE_CHILDREN covers this command and nothing else.
        wrapper = (
            "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(p.returncode)"
        )
        cmd = [sys.executable, "-c", wrapper, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # The tree is looked for every 50 ms (a pass over /proc costs milliseconds, which the
        # measured run would feel); the resident sets of the processes found, every 10 ms.
        tree, found_at = {proc.pid}, 0.0
        while not done.is_set():
            if time.perf_counter() - found_at > 0.05:
                tree, found_at = descendants(proc.pid), time.perf_counter()
            peak[0] = max(peak[0], rss_kb(tree))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True) if PROC else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    if sampler:
        sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    rss = peak[0]
    if not PROC:
        last = err.strip().splitlines()[-1]
        rss, err = int(last), err[: err.rstrip().rfind("\n") + 1]
    return Run(wall, rss, out, err)


def install_markdownlint(prefix: Path) -> Path:
    binary = prefix / "node_modules" / ".bin" / "markdownlint-cli2"
    if not binary.exists() or f"v{PEER_VERSION} " not in _peer_banner(binary):
        print(f"installing markdownlint-cli2@{PEER_VERSION} into {prefix} ...", flush=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--save-exact",
                f"markdownlint-cli2@{PEER_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
    banner = _peer_banner(binary)
    if f"v{PEER_VERSION} " not in banner:
        raise SystemExit(f"expected markdownlint-cli2 v{PEER_VERSION}, found: {banner}")
    print(f"peer: {banner}")
    return binary


def _peer_banner(binary: Path) -> str:
    done = subprocess.run([str(binary), "--help"], capture_output=True, text=True, check=False)
    return (done.stdout.splitlines() or [""])[0]


def touch(path: Path, n: int) -> None:
    """Change a file's content (so no cache can answer for it) without changing findings."""
    text = re.sub(r"\n<!-- edit \d+ -->\n$", "\n", path.read_text(encoding="utf-8"))
    path.write_text(text + f"<!-- edit {n} -->\n", encoding="utf-8")


# -- what each tool did ---------------------------------------------------------------------


def our_counts(cmd: list[str], cwd: Path) -> tuple[int, int]:
    """(files, findings) of a runbook-lint command, from its JSON report."""
    run = measure([*cmd, "--format", "json"], cwd)
    report = json.loads(run.stdout)
    return report["summary"]["files"], len(report["findings"])


def peer_counts(run: Run) -> tuple[int, int]:
    """(files, findings) markdownlint-cli2 reports ("Linting: N file(s)", "Summary: N
    error(s)")."""
    text = run.stdout + run.stderr
    files = re.search(r"Linting: (\d+) file", text)
    found = re.search(r"Summary: (\d+) error", text)
    return int(files.group(1)) if files else 0, int(found.group(1)) if found else 0


# -- the language server --------------------------------------------------------------------


def server_latency(corpus: Path, edits: int) -> tuple[list[float], int, int]:
    """Edit the 300-line runbook `edits` times in an editor session: the seconds from each
    change sent to its diagnostics received, the server's resident set after the edits and its
    peak (KB)."""
    from lsprotocol import types as lsp

    from tests.lsp_editor import Editor

    async def session() -> tuple[list[float], int, int]:
        editor = Editor(corpus, _env())
        await editor.start()
        try:
            await editor.open(SINGLE)
            lines = editor.texts[editor.uri(SINGLE)].split("\n")
            row = next(i for i, line in enumerate(lines) if line.startswith("- [ ] "))
            times = []
            for n in range(edits):
                word = f"edit{n}"
                start = time.perf_counter()
                end = lsp.Position(row, len("- [ ] "))
                await editor.edit(
                    SINGLE,
                    [lsp.TextEdit(lsp.Range(end, end), f"{word} ")],
                )
                times.append(time.perf_counter() - start)
            pid = editor.client._server.pid  # type: ignore[union-attr]
            status = Path(f"/proc/{pid}/status").read_text() if PROC else ""
        finally:
            await editor.stop()
        now = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
        peak = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
        return times, int(now.group(1)) if now else 0, int(peak.group(1)) if peak else 0

    return asyncio.run(session())


# -- the report -----------------------------------------------------------------------------


@dataclass
class Result:
    ours: list[Run]
    theirs: list[Run]

    def median(self, which: str) -> float:
        return statistics.median(r.wall for r in getattr(self, which))

    def memory(self, which: str) -> float:
        return max(r.rss_kb for r in getattr(self, which)) / 1024


def alternate(ours: Callable[[], Run], theirs: Callable[[], Run], runs: int) -> Result:
    result = Result([], [])
    for _ in range(runs):
        result.ours.append(ours())
        result.theirs.append(theirs())
    return result


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edits", type=int, default=40, help="language-server edits")
    parser.add_argument("--workdir", type=Path, help="keep the corpus and npm folder here")
    parser.add_argument(
        "--package",
        type=Path,
        default=REPO / "tools" / "runbook_lint",
        help="the runbook_lint package to measure (default: this checkout's), e.g. an older "
        "one for a before/after table",
    )
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="runbook-lint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    lines = generate(corpus, args.files)
    print(f"corpus: {args.files} runbooks, {lines:,} lines ({corpus}); cores: {os.cpu_count()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    mdl = install_markdownlint(work / "npm")
    global SNAPSHOT
    SNAPSHOT = work / "tool"
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    shutil.copytree(
        args.package,
        SNAPSHOT / "runbook_lint",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    lint = [sys.executable, "-m", "runbook_lint.cli", "check"]
    glob = "runbooks/**/*.md"
    repo_targets = ["runbooks", "schemas", "docs"]
    repo_globs = ["runbooks/**/*.md", "docs/**/*.md"]
    counter = iter(range(10**6))

    def single_nocache() -> Run:
        touch(corpus / SINGLE, next(counter))
        return measure([*lint, "--no-cache", SINGLE], corpus)

    def single_cached() -> Run:
        touch(corpus / SINGLE, next(counter))
        return measure([*lint, SINGLE], corpus)

    def peer_single() -> Run:
        touch(corpus / SINGLE, next(counter))
        return measure([str(mdl), SINGLE], corpus)

    shutil.rmtree(corpus / ".cache", ignore_errors=True)
    measure(lint, corpus)  # compile the snapshot, fill the cache, warm the file system
    measure([*lint, "--no-cache", *repo_targets], REPO)
    scenarios: dict[str, tuple[Callable[[], Run], Callable[[], Run]]] = {
        "cold (whole library, --no-cache)": (
            lambda: measure([*lint, "--no-cache"], corpus),
            lambda: measure([str(mdl), glob], corpus),
        ),
        "warm (nothing changed; peer: no cache)": (
            lambda: measure(lint, corpus),
            lambda: measure([str(mdl), glob], corpus),
        ),
        "single file, --no-cache": (single_nocache, peer_single),
        "single file, edited, cache warm": (single_cached, peer_single),
        "this repository, cold": (
            lambda: measure([*lint, "--no-cache", *repo_targets], REPO),
            lambda: measure([str(mdl), *repo_globs], REPO),
        ),
    }
    results: dict[str, Result] = {}
    for name, (ours, theirs) in scenarios.items():
        results[name] = alternate(ours, theirs, args.runs)
        print(f"  {name}: done", flush=True)
    if (SNAPSHOT / "runbook_lint" / "server").is_dir():
        latencies, server_rss, server_peak = server_latency(corpus, args.edits)
        print("  language server: done", flush=True)
    else:  # a package from before the language server
        latencies, server_rss, server_peak = [float("nan")], 0, 0

    counts = {
        "2,000-runbook library": (
            our_counts([*lint, "--no-cache"], corpus),
            peer_counts(results["cold (whole library, --no-cache)"].theirs[-1]),
        ),
        "single file": (
            our_counts([*lint, "--no-cache", SINGLE], corpus),
            peer_counts(results["single file, --no-cache"].theirs[-1]),
        ),
        "this repository": (
            our_counts([*lint, "--no-cache", *repo_targets], REPO),
            peer_counts(results["this repository, cold"].theirs[-1]),
        ),
    }

    print()
    print(f"{'scenario':40} {'runbook-lint':>13} {'markdownlint-cli2':>18} {'ratio':>7}")
    for name, result in results.items():
        ma, mb = result.median("ours"), result.median("theirs")
        print(f"{name:40} {ma:12.3f}s {mb:17.3f}s {ma / mb:6.2f}x")
    median_ms = statistics.median(latencies) * 1000
    print(
        f"{'language server: edit -> diagnostics':40} {median_ms:11.1f}ms "
        f"(median of {len(latencies)} edits; min {min(latencies) * 1000:.1f}, "
        f"max {max(latencies) * 1000:.1f})"
    )
    print()
    print("work compared (files checked, findings reported):")
    for name, ((our_files, our_found), (peer_files, peer_found)) in counts.items():
        print(
            f"  {name:24} runbook-lint {our_files:5} files {our_found:5} findings   "
            f"markdownlint-cli2 {peer_files:5} files {peer_found:6} findings"
        )
    print("  (runbook-lint also reads the schemas, contracts, template and index it checks")
    print("   against; markdownlint-cli2 lints Markdown only, with its default rules)")
    print()
    how = "summed over all processes of a run" if PROC else "largest process"
    print(f"peak resident memory, {how} (MB):")
    for name, result in results.items():
        print(
            f"  {name:38} runbook-lint {result.memory('ours'):6.1f}   "
            f"markdownlint-cli2 {result.memory('theirs'):6.1f}"
        )
    print(
        f"  {'language server (after the edits)':38} runbook-lint {server_rss / 1024:6.1f}   "
        f"(peak {server_peak / 1024:.1f})"
    )

    cold = results["cold (whole library, --no-cache)"]
    one = results["single file, --no-cache"].median("ours")
    one_warm = results["single file, edited, cache warm"].median("ours")
    warm = results["warm (nothing changed; peer: no cache)"].median("ours")
    own = results["this repository, cold"].median("ours")
    ratio = cold.median("ours") / cold.median("theirs")
    targets = [
        ("cold 2,000 runbooks <= 0.33x markdownlint-cli2", f"{ratio:.2f}x", ratio <= 0.33),
        ("warm, nothing changed <= 0.4 s", f"{warm:.3f} s", warm <= 0.4),
        ("one file, --no-cache <= 0.2 s", f"{one:.3f} s", one <= 0.2),
        ("one file, edited, cache warm <= 0.2 s", f"{one_warm:.3f} s", one_warm <= 0.2),
        ("this repository, cold <= 0.6 s", f"{own:.3f} s", own <= 0.6),
        ("language server, edit -> diagnostics <= 30 ms", f"{median_ms:.1f} ms", median_ms <= 30),
        (
            "language server memory < 200 MB",
            f"{server_peak / 1024:.1f} MB peak",
            0 < server_peak / 1024 < 200,
        ),
    ]
    print()
    print("targets:")
    for what, figure, met in targets:
        print(f"  {what:48} {figure:>14}   {verdict(met)}")
    print(
        f"\nmedians of {args.runs} alternating runs; load average at the end: "
        f"{os.getloadavg()[0]:.2f}; work folder: {work}"
    )


if __name__ == "__main__":
    main()
