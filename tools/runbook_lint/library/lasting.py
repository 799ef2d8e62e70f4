"""Parsed files kept from one run to the next by a process that stays alive (the language
server), and the unsaved editor buffers that stand in for files.

A `LastingStore` is a `DocumentStore` whose entries outlive a run: each remembers how its file
looked when it was read (size, modification time and inode on disk; the buffer's digest for a
file open in an editor) and is dropped as soon as the file looks different, so a run never sees
an old parse. Buffers are the bytes an editor holds for a file; reading the file gives them
instead of the disk's.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from .files import Loaded, digest_of
from .store import DocumentStore

Stamp = tuple[str, int, int, int] | tuple[str, str] | None


class LastingStore(DocumentStore):
    def __init__(self, pinned: Collection[Path] = ()) -> None:
        super().__init__(pinned)
        self._buffers: dict[Path, tuple[bytes, str]] = {}  # key -> (bytes, digest)
        self._stamps: dict[Path, Stamp] = {}
        self._before: dict[Path, Stamp] = {}  # taken before a read, kept with its result

    # -- editor buffers ----------------------------------------------------------------------

    def set_buffer(self, key: Path, data: bytes) -> None:
        """The bytes an editor holds for the file at `key` (resolved), in place of the disk's."""
        self._buffers[key] = (data, digest_of(data))

    def drop_buffer(self, key: Path) -> None:
        self._buffers.pop(key, None)

    def buffer(self, key: Path) -> bytes | None:
        held = self._buffers.get(key)
        return held[0] if held is not None else None

    # -- entries that stay true --------------------------------------------------------------

    def stamp(self, key: Path) -> Stamp:
        """How the file at `key` looks now: its buffer's digest, or its size, modification
        time and inode on disk (None when it cannot be seen)."""
        held = self._buffers.get(key)
        if held is not None:
            return ("buffer", held[1])
        try:
            st = os.stat(key)
        except OSError:
            return None
        return ("disk", st.st_size, st.st_mtime_ns, st.st_ino)

    def _current(self, key: Path) -> None:
        """Forget the entry for `key` if its file no longer looks as it did when read."""
        if key in self._stamps and self._stamps[key] != self.stamp(key):
            self.forget(key)

    def forget(self, key: Path) -> None:
        self._stamps.pop(key, None)
        self._loaded.pop(key, None)
        self._packed.pop(key, None)
        self.facts.pop(key, None)

    def __contains__(self, key: Path) -> bool:
        self._current(key)
        return super().__contains__(key)

    def get(self, key: Path) -> Loaded | None:
        self._current(key)
        return super().get(key)

    def bare(self, key: Path) -> Loaded | None:
        self._current(key)
        return super().bare(key)

    def reading(self, key: Path) -> None:
        # Stamped before the read: a write racing it leaves a stamp that no longer matches.
        self._before[key] = self.stamp(key)

    def keep(self, key: Path, loaded: Loaded) -> None:
        if key in self._before:
            self._stamps[key] = self._before.pop(key)
        elif key not in self._stamps:
            self._stamps[key] = self.stamp(key)
        super().keep(key, loaded)

    def adopt(self, key: Path, bare: Loaded, packed: bytes | None) -> None:
        self._stamps[key] = self._before.pop(key, None) or self.stamp(key)
        super().adopt(key, bare, packed)
