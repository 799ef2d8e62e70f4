"""What `runbook-lint init` reads from a repository: the shape of its runbook library.

From the Markdown files alone (parsed once each), never from a list of known repositories:

- the template: a file named like a template (`example.md`, `TEMPLATE.md`, ...) whose level-2
  headings are the sections; a Story 8.9 template means the story-8.9 profile;
- without one, the sections: the level-2 headings that at least 90% of the pages of a folder
  share (two or more of them);
- the runbooks: the pages that carry at least half of those sections, the folders where they
  are the majority, and inside those folders what is not a runbook: sub-folders of helper pages
  and reference pages (no section, titled unlike their file name in a library whose runbooks
  are named after their titles). README files, Hugo `_index.md` pages and moved or deprecated
  stubs are recognised at run time and need no setting;
- where the library is read (`renderer.detect`): mkdocs, Hugo, GitLab or GitHub.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .config import Config
from .document import Document, normalise_title
from .document.template import is_stub
from .library.discovery import NOT_RUNBOOKS, Discovery
from .library.files import MARKDOWN_SUFFIXES
from .profiles import ALERT, DEFAULT, PROFILES, STORY
from .renderer import Rendering, detect

TEMPLATE_FILES = ("template.md", "example.md", "_template.md", "runbook-template.md")
COMMON_SHARE = 0.9  # a heading in this share of a folder's pages is one of its sections
MIN_PAGES = 3  # pages a folder needs before its common headings say anything
MAX_LISTED_FOLDERS = 3  # more runbook folders than this are named by their common parent


@dataclass(frozen=True)
class Page:
    path: str  # relative to the root, forward slashes
    title: str
    sections: tuple[str, ...]  # level-2 heading titles
    stub: bool


@dataclass
class Inference:
    rendering: Rendering
    profile: str = DEFAULT
    template: str | None = None
    sections: tuple[str, ...] = ()
    runbook_files: list[str] = field(default_factory=list)
    not_runbooks: list[str] = field(default_factory=list)
    runbooks: list[str] = field(default_factory=list)  # the runbook pages found
    reasons: list[str] = field(default_factory=list)  # what was inferred, and from what

    def settings(self) -> dict[str, object]:
        """The smallest configuration that says it: keys as written in the file."""
        out: dict[str, object] = {"profile": self.profile}
        if self.template:
            if self.template != Config().template:
                out["template"] = self.template
        elif self.sections and self.sections != PROFILES[self.profile].sections:
            out["sections"] = list(self.sections)
        if self.runbook_files:
            out["runbook-files"] = self.runbook_files
        if self.not_runbooks:
            out["not-runbooks"] = self.not_runbooks
        return out


def _key(title: str) -> str:
    return normalise_title(title)


def read_pages(root: Path) -> list[Page]:
    layout = Discovery(Config(root=root), root)
    pages = []
    for path in layout.walk(root):
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        doc = Document.parse(str(path), text)
        rel = path.relative_to(root).as_posix()
        title = doc.title.text if doc.title is not None else ""
        pages.append(Page(rel, title, tuple(s.title for s in doc.sections), is_stub(doc)))
    return pages


def _template(pages: list[Page]) -> Page | None:
    found = [p for p in pages if PurePosixPath(p.path).name.lower() in TEMPLATE_FILES]
    found = [p for p in found if len(p.sections) >= 2]
    return min(found, key=lambda p: (p.path.count("/"), p.path)) if found else None


def _folders(pages: list[Page]) -> dict[str, list[Page]]:
    by_folder: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        name = PurePosixPath(page.path).name.lower()
        if name in NOT_RUNBOOKS or name in TEMPLATE_FILES or page.stub:
            continue
        by_folder[str(PurePosixPath(page.path).parent)].append(page)
    return by_folder


def common_sections(pages: list[Page]) -> tuple[str, ...]:
    """The sections of the largest group of folders whose pages share two or more level-2
    headings (in at least 90% of each folder's pages), in their usual order."""
    groups: dict[tuple[str, ...], int] = Counter()
    for folder_pages in _folders(pages).values():
        if len(folder_pages) < MIN_PAGES:
            continue
        counts = Counter(_key(s) for p in folder_pages for s in dict.fromkeys(p.sections))
        common = {k for k, n in counts.items() if n >= COMMON_SHARE * len(folder_pages)}
        if len(common) < 2:
            continue
        order: dict[str, list[int]] = defaultdict(list)
        titles: dict[str, Counter[str]] = defaultdict(Counter)
        for page in folder_pages:
            for index, title in enumerate(page.sections):
                if _key(title) in common:
                    order[_key(title)].append(index)
                    titles[_key(title)][title] += 1
        ranked = sorted(common, key=lambda k: sum(order[k]) / len(order[k]))
        groups[tuple(titles[k].most_common(1)[0][0] for k in ranked)] += len(folder_pages)
    if not groups:
        return ()
    return max(groups.items(), key=lambda item: (item[1], item[0]))[0]


def _matches(page: Page, wanted: set[str]) -> bool:
    have = {_key(s) for s in page.sections}
    return len(have & wanted) >= max(2, (len(wanted) + 1) // 2)


def _named_after_title(page: Page) -> bool:
    stem = re.sub(r"[^a-z0-9]", "", PurePosixPath(page.path).stem.lower())
    title = re.sub(r"[^a-z0-9]", "", re.sub(r"\[[^\]]*\]", "", page.title.lower()))
    return bool(stem and title) and (stem in title or title in stem)


def _scope(inferred: Inference, pages: list[Page]) -> None:
    """Which files are runbooks: the folders where pages with the sections are the majority,
    and inside them what is not a runbook."""
    wanted = {_key(s) for s in inferred.sections}
    folders = _folders(pages)
    runbook_folders = sorted(
        folder
        for folder, group in folders.items()
        if sum(_matches(p, wanted) for p in group) * 2 >= len(group)
        and any(_matches(p, wanted) for p in group)
    )
    if not runbook_folders:
        return
    chosen = [p for f in runbook_folders for p in folders[f]]
    if len(runbook_folders) <= MAX_LISTED_FOLDERS:
        inferred.runbook_files = [f"{f}/*.md" if f != "." else "*.md" for f in runbook_folders]
    else:
        parts = [PurePosixPath(f).parts for f in runbook_folders]
        common = []
        for level in zip(*parts, strict=False):
            if len(set(level)) != 1:
                break
            common.append(level[0])
        parent = "/".join(common)
        inferred.runbook_files = [f"{parent}/**/*.md" if parent else "**/*.md"]
        for folder in sorted(folders):
            inside = not parent or folder == parent or folder.startswith(parent + "/")
            if inside and folder not in runbook_folders:
                glob = f"{folder}/*.md" if folder == parent else f"{folder}/**"
                inferred.not_runbooks.append(glob)
                inferred.reasons.append(f"not runbooks: {glob} (pages without the sections)")
    named = [p for p in chosen if _matches(p, wanted)]
    if named and sum(_named_after_title(p) for p in named) >= 0.8 * len(named):
        for page in chosen:
            if not (set(map(_key, page.sections)) & wanted) and not _named_after_title(page):
                inferred.not_runbooks.append(page.path)
                inferred.reasons.append(
                    f"not a runbook: {page.path} (no section, and unlike the runbooks its "
                    "title is not its file name)"
                )
    excluded = set(inferred.not_runbooks)
    inferred.runbooks = sorted(p.path for p in chosen if p.path not in excluded)


def infer(root: Path) -> Inference:
    pages = read_pages(root)
    inferred = Inference(detect(root))
    rendering = inferred.rendering
    inferred.reasons.append(
        f"rendered by {rendering.host} ({rendering.evidence}): heading ids {rendering.slugs}"
        + (f", '/page' links from {rendering.site_root}/" if rendering.site_root else "")
    )
    template = _template(pages)
    if template is not None:
        from .settings import story_shaped

        inferred.template = template.path
        inferred.sections = template.sections
        inferred.profile = STORY if story_shaped(root / template.path) else ALERT
        inferred.reasons.append(
            f"template: {template.path} (sections {', '.join(template.sections)})"
        )
    else:
        inferred.sections = common_sections(pages)
        if inferred.sections:
            inferred.profile = ALERT
            inferred.reasons.append(
                "sections shared by the runbooks: " + ", ".join(inferred.sections)
            )
    if inferred.profile == ALERT:
        _scope(inferred, pages)
        if not inferred.runbook_files:  # sections, but no folder of runbooks: stay generic
            inferred.profile, inferred.template, inferred.sections = DEFAULT, None, ()
    stubs = [p.path for p in pages if p.stub]
    if stubs and inferred.profile == ALERT:
        inferred.reasons.append(
            f"moved or deprecated stubs, skipped by the template rules: {len(stubs)}"
        )
    summary = PROFILES[inferred.profile].summary
    inferred.reasons.insert(0, f"profile: {inferred.profile} ({summary})")
    return inferred
