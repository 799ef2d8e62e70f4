"""Third-party files the offline site serves itself, fetched from the npm registry at install time.

A JSON manifest pins each npm package by version and by the sha256 of its tarball, and names the
files to take out of it, each with its own sha256. `fetch` runs `npm pack` (the registry's
ordinary client) into a git-ignored cache, checks both hashes and writes the files where the
site expects them. `verify` checks the written files without any network access; the mkdocs
plugin calls it so that a build with a missing or altered file stops with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


class AssetError(Exception):
    """A manifest, download or hash problem; the message says what to do."""


@dataclass(frozen=True)
class AssetFile:
    member: str  # path inside the npm tarball
    dest: str  # path relative to the project root
    sha256: str


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    tarball_sha256: str
    files: tuple[AssetFile, ...]

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class Manifest:
    root: Path
    cache: Path
    packages: tuple[Package, ...]

    def files(self) -> Iterator[tuple[Package, AssetFile]]:
        for package in self.packages:
            for file in package.files:
                yield package, file


def _text(data: dict[str, object], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise AssetError(f"{where}: '{key}' must be a non-empty string")
    return value


def _sha(data: dict[str, object], key: str, where: str) -> str:
    value = _text(data, key, where).lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise AssetError(f"{where}: '{key}' must be 64 hex digits")
    return value


def _safe_dest(root: Path, dest: str, where: str) -> str:
    path = Path(dest)
    if path.is_absolute() or ".." in path.parts:
        raise AssetError(f"{where}: 'dest' must be a relative path inside the project")
    return dest


def load_manifest(path: Path, root: Path | None = None) -> Manifest:
    """Read and validate a manifest; `root` defaults to the manifest's parent's parent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AssetError(f"{path}: cannot read the asset manifest ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise AssetError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise AssetError(f"{path}: the manifest must be a JSON object")
    base = root if root is not None else path.resolve().parent.parent
    cache = base / _text(data, "cache", str(path))
    raw_packages = data.get("packages")
    if not isinstance(raw_packages, list) or not raw_packages:
        raise AssetError(f"{path}: 'packages' must be a non-empty list")
    packages: list[Package] = []
    for index, raw in enumerate(raw_packages):
        where = f"{path}: packages[{index}]"
        if not isinstance(raw, dict):
            raise AssetError(f"{where} must be an object")
        raw_files = raw.get("files")
        if not isinstance(raw_files, list) or not raw_files:
            raise AssetError(f"{where}: 'files' must be a non-empty list")
        files: list[AssetFile] = []
        for findex, rawf in enumerate(raw_files):
            fwhere = f"{where}.files[{findex}]"
            if not isinstance(rawf, dict):
                raise AssetError(f"{fwhere} must be an object")
            files.append(
                AssetFile(
                    member=_text(rawf, "member", fwhere),
                    dest=_safe_dest(base, _text(rawf, "dest", fwhere), fwhere),
                    sha256=_sha(rawf, "sha256", fwhere),
                )
            )
        packages.append(
            Package(
                name=_text(raw, "name", where),
                version=_text(raw, "version", where),
                tarball_sha256=_sha(raw, "tarball_sha256", where),
                files=tuple(files),
            )
        )
    return Manifest(root=base, cache=cache, packages=tuple(packages))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(manifest: Manifest) -> list[str]:
    """Problems with the written files (missing or wrong hash); empty when all is well."""
    problems: list[str] = []
    for package, file in manifest.files():
        path = manifest.root / file.dest
        if not path.is_file():
            problems.append(f"{file.dest}: missing ({package.spec} not fetched)")
            continue
        actual = sha256_file(path)
        if actual != file.sha256:
            problems.append(f"{file.dest}: sha256 {actual} does not match the pinned {file.sha256}")
    return problems


Runner = Callable[[list[str], Path], str]


def _npm_pack(argv: list[str], cwd: Path) -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is not on PATH: install Node.js (npm) to fetch the site assets")
    try:
        done = subprocess.run(
            [npm, *argv], cwd=cwd, check=True, capture_output=True, text=True, timeout=600
        )
    except subprocess.CalledProcessError as exc:
        raise AssetError(f"npm {' '.join(argv)} failed:\n{exc.stderr.strip()}") from exc
    except subprocess.TimeoutExpired as exc:
        raise AssetError(f"npm {' '.join(argv)} timed out") from exc
    return done.stdout


def _tarball(package: Package, cache: Path, run: Runner, log: Callable[[str], None]) -> Path:
    """The verified tarball of `package` in `cache`, downloading it with `npm pack` if needed."""
    cache.mkdir(parents=True, exist_ok=True)
    expected = cache / f"{package.name.lstrip('@').replace('/', '-')}-{package.version}.tgz"
    if expected.is_file() and sha256_file(expected) == package.tarball_sha256:
        return expected
    log(f"npm pack {package.spec}")
    out = run(["pack", package.spec, "--pack-destination", str(cache), "--json"], cache)
    try:
        name = json.loads(out)[0]["filename"]
    except (ValueError, LookupError, TypeError) as exc:
        raise AssetError(f"npm pack {package.spec}: unexpected output: {out[:200]!r}") from exc
    tarball = cache / Path(str(name)).name
    if not tarball.is_file():
        raise AssetError(f"npm pack {package.spec}: {tarball} was not written")
    if tarball != expected:
        os.replace(tarball, expected)
    actual = sha256_file(expected)
    if actual != package.tarball_sha256:
        expected.unlink()
        raise AssetError(
            f"{package.spec}: tarball sha256 {actual} does not match the pinned "
            f"{package.tarball_sha256}; refusing to use it"
        )
    return expected


def _write_member(tarball: Path, file: AssetFile, dest: Path) -> None:
    with tarfile.open(tarball, "r:gz") as archive:
        try:
            member = archive.getmember(file.member)
        except KeyError as exc:
            raise AssetError(f"{tarball.name}: no member {file.member}") from exc
        handle = archive.extractfile(member) if member.isfile() else None
        if handle is None:
            raise AssetError(f"{tarball.name}: {file.member} is not a regular file")
        data = handle.read()
    actual = hashlib.sha256(data).hexdigest()
    if actual != file.sha256:
        raise AssetError(
            f"{tarball.name}:{file.member}: sha256 {actual} does not match the pinned {file.sha256}"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, dest)


def fetch(
    manifest: Manifest,
    *,
    run: Runner = _npm_pack,
    log: Callable[[str], None] = print,
) -> int:
    """Make every file of the manifest present and verified; returns how many were written."""
    written = 0
    for package in manifest.packages:
        stale = [
            f
            for f in package.files
            if not (manifest.root / f.dest).is_file()
            or sha256_file(manifest.root / f.dest) != f.sha256
        ]
        if not stale:
            log(f"{package.spec}: up to date")
            continue
        tarball = _tarball(package, manifest.cache, run, log)
        for file in stale:
            _write_member(tarball, file, manifest.root / file.dest)
            log(f"{package.spec}: wrote {file.dest} (sha256 ok)")
            written += 1
    return written
