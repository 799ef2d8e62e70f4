"""The install-time asset fetcher: pins are checked, nothing unverified is ever written."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from runbook_lint.sitegen.assets import AssetError, fetch, load_manifest, verify

CONTENT = b"globalThis.mermaid = {};\n"


def _tarball(path: Path, content: bytes = CONTENT) -> str:
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("package/dist/mermaid.min.js")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(root: Path, tarball_sha: str, file_sha: str) -> Path:
    path = root / "scripts" / "site-assets.json"
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {
                "cache": ".cache/site-assets",
                "packages": [
                    {
                        "name": "mermaid",
                        "version": "1.0.0",
                        "tarball_sha256": tarball_sha,
                        "files": [
                            {
                                "member": "package/dist/mermaid.min.js",
                                "dest": "docs/assets/vendor/mermaid.min.js",
                                "sha256": file_sha,
                            }
                        ],
                    }
                ],
            }
        )
    )
    return path


def test_fetch_verifies_and_writes_then_is_a_no_op(tmp_path: Path) -> None:
    source = tmp_path / "registry.tgz"
    tarball_sha = _tarball(source)
    manifest = load_manifest(_manifest(tmp_path, tarball_sha, hashlib.sha256(CONTENT).hexdigest()))
    calls: list[list[str]] = []

    def npm(argv: list[str], cwd: Path) -> str:
        calls.append(argv)
        (cwd / "mermaid-1.0.0.tgz").write_bytes(source.read_bytes())
        return json.dumps([{"filename": "mermaid-1.0.0.tgz"}])

    assert fetch(manifest, run=npm, log=lambda _: None) == 1
    assert calls == [
        [
            "pack",
            "mermaid@1.0.0",
            "--pack-destination",
            str(tmp_path / ".cache/site-assets"),
            "--json",
        ]
    ]
    assert (tmp_path / "docs/assets/vendor/mermaid.min.js").read_bytes() == CONTENT
    assert verify(manifest) == []
    assert fetch(manifest, run=npm, log=lambda _: None) == 0
    assert len(calls) == 1

    (tmp_path / "docs/assets/vendor/mermaid.min.js").write_bytes(b"tampered")
    assert "does not match the pinned" in verify(manifest)[0]


def test_a_tarball_that_does_not_match_its_pin_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "registry.tgz"
    _tarball(source, b"something else")
    manifest = load_manifest(_manifest(tmp_path, "0" * 64, hashlib.sha256(CONTENT).hexdigest()))

    def npm(argv: list[str], cwd: Path) -> str:
        (cwd / "mermaid-1.0.0.tgz").write_bytes(source.read_bytes())
        return json.dumps([{"filename": "mermaid-1.0.0.tgz"}])

    with pytest.raises(AssetError, match="refusing to use it"):
        fetch(manifest, run=npm, log=lambda _: None)
    assert not (tmp_path / "docs/assets/vendor/mermaid.min.js").exists()
    assert not (tmp_path / ".cache/site-assets/mermaid-1.0.0.tgz").exists()
    assert "missing" in verify(manifest)[0]


def test_the_repository_manifest_is_valid() -> None:
    manifest = load_manifest(Path(__file__).resolve().parent.parent / "scripts/site-assets.json")
    assert {p.name for p in manifest.packages} == {"mermaid", "iframe-worker"}
    assert all(f.dest.startswith("docs/assets/vendor/") for _, f in manifest.files())
