"""mkdocs hook: every page of docs/ is in the navigation, even one the nav does not name.

A page added by a later change (a new guide, a translation such as
``classroom.zh.md``) lands in the nav without editing ``mkdocs.yml``: top-level pages
go to "How-to guides", pages in a folder to the section that folder belongs to, and
``architecture.md`` to "Background". Pages already named stay where they are.

A link from a page to a file of the repository outside docs/ (``../scenarios/bank.yaml``,
useful when the Markdown is read on the forge) has no target on the site: it is shown
as the file's path instead, so the strict build stays strict about links that are
really broken.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

#: Where an unlisted page goes: by file name first, then by folder.
BY_NAME = {"architecture.md": "Background", "index.md": None}
BY_FOLDER = {
    "": "How-to guides",
    "tutorials": "Tutorials",
    "reference": "Reference",
    "background": "Background",
}
SKIP_FOLDERS = ("hooks", "notebooks")


def _named(nav: Any) -> set[str]:
    """Every page path the nav names."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(_named(item) for item in nav)) if nav else set()
    if isinstance(nav, dict):
        return set().union(*(_named(v) for v in nav.values()))
    return set()


def unlisted_pages(docs_dir: Path, nav: list) -> dict[str, list[str]]:
    """Section title -> the Markdown pages of ``docs_dir`` the nav does not name."""
    named = _named(nav)
    out: dict[str, list[str]] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if rel in named or folder.split("/")[0] in SKIP_FOLDERS:
            continue
        section = BY_NAME.get(path.name, BY_FOLDER.get(folder.split("/")[0], "How-to guides"))
        if section is not None:
            out.setdefault(section, []).append(rel)
    return out


def on_config(config: Any) -> Any:
    nav = config["nav"]
    if not nav:
        return config
    extra = unlisted_pages(Path(config["docs_dir"]), nav)
    for section, pages in extra.items():
        entry = next((item for item in nav if isinstance(item, dict) and section in item), None)
        if entry is None:
            nav.append({section: list(pages)})
        else:
            entry[section].extend(pages)
    return config


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s#]+)(#[^)\s]*)?\)")


def repository_links(markdown: str, page: Path, docs_dir: Path) -> str:
    """Links to existing repository files outside ``docs_dir`` as ``text (`path`)``."""
    root = docs_dir.resolve().parent

    def replace(match: re.Match) -> str:
        target = match.group(2)
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        path = (page.parent / target).resolve()
        if path.is_relative_to(docs_dir.resolve()) or not path.is_relative_to(root):
            return match.group(0)
        if not path.exists():
            return match.group(0)  # broken: let the strict build say so
        return f"{match.group(1)} (`{path.relative_to(root).as_posix()}`)"

    return _LINK.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs_dir = Path(config["docs_dir"])
    return repository_links(markdown, docs_dir / page.file.src_path, docs_dir)
