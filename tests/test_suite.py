"""The test suite itself: a green run means every test ran.

No test skips itself because a tool or a feature is missing (a skip would report success with
the thing unchecked); the browser tests skip without Chromium only on a developer's machine and
fail under CI=true; `.ci/run` stops when it cannot install Chromium; every package a test
imports is declared in pyproject.toml.
"""

from __future__ import annotations

import ast
import os
import re
import stat
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.site_helpers import assets_problem, chromium_problem, require_assets, unavailable

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
# Skips that are not about a missing tool: POSIX-only behaviour on another platform, the
# developer's own choice (RUNBOOK_LINT_SKIP_BROWSER, refused under CI), and the one place that
# decides between skip and failure for a missing browser.
ALLOWED_SKIPS = {
    ("test_bad_input.py", 'sys.platform == "win32"'),
    ("test_resource_bounds.py", 'sys.platform != "linux"'),
    ("conftest.py", 'reason="RUNBOOK_LINT_SKIP_BROWSER is set"'),
    ("site_helpers.py", "pytest.skip(problem)"),
}
_SKIP_RE = re.compile(r"pytest\.(?:importorskip|skip|mark\.skipif|mark\.skip)\b\(?(.*)")


def _python_files() -> list[Path]:
    skip = {"adversarial", "fixtures"}
    return sorted(p for p in TESTS.rglob("*.py") if not skip & set(p.relative_to(TESTS).parts))


def test_no_test_skips_itself_for_a_missing_tool() -> None:
    found = []
    for path in _python_files():
        if path.name == Path(__file__).name:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _SKIP_RE.search(line)
            if match and not any(
                path.name == name and text in line for name, text in ALLOWED_SKIPS
            ):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# -- the browser: skipped on a developer's machine, a failure under CI ----------------------


def test_a_missing_chromium_is_a_skip_locally_and_a_failure_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBOOK_LINT_CHROMIUM", str(tmp_path / "missing" / "chromium"))
    problem = chromium_problem()
    assert problem is not None and "apt-get install chromium" in problem
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable(problem)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        unavailable(problem)


def _pytest(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    environment.pop("RUNBOOK_LINT_SKIP_BROWSER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_browser_tests_under_ci_fail_without_chromium(tmp_path: Path) -> None:
    missing = str(tmp_path / "chromium")
    # -x: the first test's failure is enough, before any site is built
    done = _pytest(["-x", "tests/browser"], CI="true", RUNBOOK_LINT_CHROMIUM=missing)
    assert done.returncode == 1, done.stdout
    assert f"no Chromium at {missing}" in done.stdout and "1 error" in done.stdout
    done = _pytest(["tests/browser"], RUNBOOK_LINT_CHROMIUM=missing)
    assert done.returncode == 0, done.stdout
    assert re.search(r"\d+ skipped", done.stdout) and "passed" not in done.stdout


def test_ci_refuses_to_skip_the_browser_tests_on_request() -> None:
    done = _pytest(["--collect-only", "tests/browser"], CI="true", RUNBOOK_LINT_SKIP_BROWSER="1")
    assert done.returncode == 4
    assert "RUNBOOK_LINT_SKIP_BROWSER is set, but CI=true runs every test" in done.stderr


def test_missing_site_assets_are_a_failure_not_a_skip(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    manifest = ROOT / "scripts" / "site-assets.json"
    (tmp_path / "scripts" / "site-assets.json").write_bytes(manifest.read_bytes())
    assert assets_problem(tmp_path) is not None
    with pytest.raises(pytest.fail.Exception, match="make assets"):
        require_assets(tmp_path)
    assert assets_problem() is None  # this checkout has them (`make test` runs `make assets`)


# -- .ci/run ---------------------------------------------------------------------------------


def _ci_run(tmp_path: Path, apt_get: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """`.ci/run` with `apt-get` and `make` replaced: what it ran, and its result."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "log"
    for name, body in (("apt-get", apt_get), ("make", "exit 0\n")):
        tool = bin_dir / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "$LOG"\n{body}', encoding="utf-8")
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        LOG=str(log),
        RUNBOOK_LINT_CHROMIUM=str(tmp_path / "chromium"),
    )
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done, log.read_text(encoding="utf-8") if log.exists() else ""


def test_ci_stops_when_installing_chromium_fails(tmp_path: Path) -> None:
    failing_update = 'if [ "$1" = update ]; then exit 100; fi\n'
    done, log = _ci_run(tmp_path, failing_update)
    assert done.returncode == 1
    assert "installing Chromium with apt-get failed" in done.stderr
    assert "make" not in log


def test_ci_stops_when_the_install_leaves_no_chromium(tmp_path: Path) -> None:
    done, log = _ci_run(tmp_path, "exit 0\n")
    assert done.returncode == 1 and "there is no Chromium at" in done.stderr
    assert "make" not in log


def test_ci_installs_chromium_then_runs_make_test(tmp_path: Path) -> None:
    installs = (
        'if [ "$1" = install ]; then printf "#!/bin/sh\\n" > "$RUNBOOK_LINT_CHROMIUM"; '
        'chmod +x "$RUNBOOK_LINT_CHROMIUM"; fi\n'
    )
    done, log = _ci_run(tmp_path, installs)
    assert done.returncode == 0, done.stderr
    assert log.splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq chromium",
        "make test",
    ]


# -- every import a test makes is declared ---------------------------------------------------


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_a_test_imports_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    declared = {_normal(re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0]) for r in requirements}
    local = {p.stem for p in TESTS.rglob("*.py")} | {"tests", "runbook_lint"}
    distributions = packages_distributions()
    undeclared = []
    for path in _python_files():
        for module in sorted(_imports(path) - set(sys.stdlib_module_names) - local):
            names = {_normal(d) for d in distributions.get(module, [module])}
            if not names & declared:
                undeclared.append(f"{path.relative_to(ROOT)}: {module}")
    assert undeclared == []
