#!/usr/bin/env python3
"""Fetch the site's third-party JavaScript from the npm registry and check it against pins.

Usage: python3 scripts/fetch-site-assets.py [--check] [--manifest scripts/site-assets.json]

Without --check: download what is missing with `npm pack` into the cache named in the manifest,
verify the tarball's and each file's sha256, and write the files (git-ignored) into docs/.
With --check: verify the written files only, offline. Exit 0 when all is well, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from runbook_lint.sitegen.assets import AssetError, fetch, load_manifest, verify  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=ROOT / "scripts" / "site-assets.json")
    parser.add_argument("--check", action="store_true", help="verify only; no network")
    args = parser.parse_args(argv)
    try:
        manifest = load_manifest(args.manifest)
        if not args.check:
            fetch(manifest)
    except AssetError as exc:
        print(f"fetch-site-assets: {exc}", file=sys.stderr)
        return 1
    problems = verify(manifest)
    for problem in problems:
        print(f"fetch-site-assets: {problem}", file=sys.stderr)
    if problems:
        print("fetch-site-assets: run `make assets` to fetch them", file=sys.stderr)
        return 1
    print(f"fetch-site-assets: {sum(1 for _ in manifest.files())} file(s) verified")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
