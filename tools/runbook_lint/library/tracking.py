"""Which files were read, by content digest: what the content cache keys a result on.

While tracking is on, every file read through the library is recorded with the sha256 of its
bytes, so the cache knows what a rule's result depended on and when to compute it again.
"""

from __future__ import annotations

from pathlib import Path

from .files import digest_of


class ReadLog:
    def __init__(self) -> None:
        self._digests: dict[str, str] = {}  # file key -> digest of its bytes, this run
        self._reads: dict[str, str] | None = None
        self._seen: set[str] = set()  # every file read, tracked or not

    def known(self, key: str, digest: str) -> None:
        """The digest of bytes read from `key` this run (no second read to learn it)."""
        self._digests[key] = digest

    def record(self, key: str, digest: str | None = None) -> None:
        """While tracking, note that `key` was read (with its digest now when not given)."""
        self._seen.add(key)
        if self._reads is not None:
            self._reads[key] = self.digest(key) if digest is None else digest

    def digest(self, key: str) -> str:
        """The sha256 of the bytes of the file at `key` (a path as `tracked()` records it) now,
        "" if it cannot be read; computed once per run."""
        if key not in self._digests:
            try:
                self._digests[key] = digest_of(Path(key).read_bytes())
            except OSError:
                self._digests[key] = ""
        return self._digests[key]

    def seen(self) -> set[str]:
        return set(self._seen)

    def track(self) -> None:
        """Start recording the files read (path -> content digest)."""
        self._reads = {}

    def tracked(self) -> dict[str, str]:
        """Stop recording; the files read since `track()`."""
        reads, self._reads = self._reads or {}, None
        return reads
