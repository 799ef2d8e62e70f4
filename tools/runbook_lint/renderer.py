"""Where a library is read, found from its files: an mkdocs site, a Hugo site, GitLab or GitHub.

What follows from it: how headings get their ids (the anchor rules), and the folder a
site-absolute link (`/guide/page`) starts from. mkdocs.yml gives its `docs_dir` and the `toc`
extension's settings (`slugify`, `separator`); a Hugo configuration beside a `content/` folder
gives that folder; otherwise `.gitlab-ci.yml` or a `.gitlab/` folder, or a remote on a GitLab
host, say GitLab; GitHub is the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The heading-id flavours `document.slugs` computes.
FLAVOURS = (
    "python-markdown",
    "python-markdown-unicode",
    "pymdownx",
    "pymdownx-lower",
    "github",
    "gitlab",
    "hugo",
)
HUGO_CONFIGS = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
MKDOCS_CONFIGS = ("mkdocs.yml", "mkdocs.yaml")
GITLAB_MARKERS = (".gitlab-ci.yml", ".gitlab")
# The files read to decide; the content cache hashes them.
DETECTION_FILES = (*MKDOCS_CONFIGS, *HUGO_CONFIGS)


@dataclass(frozen=True)
class Rendering:
    host: str  # mkdocs | hugo | gitlab | github
    slugs: str  # a flavour of document.slugs
    separator: str  # the word separator of Python-Markdown's ids
    site_root: str  # folder '/page' links start at, relative to the root; '' = the root
    evidence: str  # what it was decided from, said to the user by `init`


def _mkdocs_loader() -> Any:
    """A safe YAML loader that reads mkdocs.yml's `!!python/name:` and `!ENV` tags as text
    instead of refusing them (nothing is imported or run)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {"tag": suffix, **loader.construct_mapping(node, deep=True)}
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return f"{suffix}{loader.construct_scalar(node)}"

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", tagged)
    Loader.add_multi_constructor("!", tagged)
    return Loader


def read_mkdocs(path: Path) -> dict[str, Any] | None:
    """mkdocs.yml as a mapping, or None when it cannot be read."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_mkdocs_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def _toc_options(config: dict[str, Any]) -> dict[str, Any]:
    extensions = config.get("markdown_extensions") or []
    items = extensions.items() if isinstance(extensions, dict) else enumerate(extensions)
    for key, item in items:
        if isinstance(item, dict) and isinstance(item.get("toc"), dict):
            found: dict[str, Any] = item["toc"]
            return found
        if key == "toc" and isinstance(item, dict):
            return item
    return {}


def toc_flavour(options: dict[str, Any]) -> tuple[str, str]:
    """(flavour, separator) of Python-Markdown's toc extension with these options."""
    separator = options.get("separator", "-")
    separator = separator if isinstance(separator, str) and separator else "-"
    slug = options.get("slugify")
    name = slug if isinstance(slug, str) else slug.get("tag", "") if isinstance(slug, dict) else ""
    kwds = slug.get("kwds", {}) if isinstance(slug, dict) else {}
    if "pymdownx.slugs" in name:
        lower = name.endswith(("uslugify", "gfm")) or (
            isinstance(kwds, dict) and kwds.get("case") in ("lower", "fold")
        )
        return ("pymdownx-lower" if lower else "pymdownx"), separator
    if name.endswith("slugify_unicode"):
        return "python-markdown-unicode", separator
    return "python-markdown", separator


def _remote_host(root: Path) -> str:
    from .git import git_output

    if not any((folder / ".git").exists() for folder in (root, *root.parents)):
        return ""
    url = git_output(root, "remote", "get-url", "origin", timeout=5) or ""
    return "gitlab" if "gitlab" in url.lower() else ""


def detect(root: Path) -> Rendering:
    for name in MKDOCS_CONFIGS:
        path = root / name
        if path.is_file():
            config = read_mkdocs(path) or {}
            docs_dir = config.get("docs_dir", "docs")
            docs_dir = docs_dir if isinstance(docs_dir, str) and docs_dir else "docs"
            flavour, separator = toc_flavour(_toc_options(config))
            return Rendering("mkdocs", flavour, separator, docs_dir.strip("/"), name)
    for name in HUGO_CONFIGS:
        if (root / name).is_file() and (root / "content").is_dir():
            return Rendering("hugo", "hugo", "-", "content", f"{name} and content/")
    for name in GITLAB_MARKERS:
        if (root / name).exists():
            return Rendering("gitlab", "gitlab", "-", "", name)
    if _remote_host(root) == "gitlab":
        return Rendering("gitlab", "gitlab", "-", "", "the git remote")
    return Rendering("github", "github", "-", "", "no mkdocs, Hugo or GitLab file")
