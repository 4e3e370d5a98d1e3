"""The documentation site's structure: every public name has an API reference entry,
and every page of docs/ is in the navigation (docs/hooks/nav.py adds the ones
mkdocs.yml does not name). The site itself is built by .ci/run (mkdocs --strict)."""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path

import yaml

import ccsim

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _hook():
    spec = importlib.util.spec_from_file_location("nav_hook", DOCS / "hooks" / "nav.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_public_name_has_a_reference_entry():
    api = (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    entries = set(re.findall(r"^::: ccsim\.(\w+)\s*$", api, flags=re.MULTILINE))
    assert set(ccsim.__all__) <= entries, set(ccsim.__all__) - entries


def test_every_page_is_in_the_navigation():
    hook = _hook()
    config = _config()
    config["docs_dir"] = str(DOCS)
    nav = hook.on_config(config)["nav"]
    named = hook._named(nav)
    pages = {
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.md")
        if p.relative_to(DOCS).parts[0] not in hook.SKIP_FOLDERS
    }
    assert pages <= named, pages - named
    assert all((DOCS / page).is_file() for page in named if page.endswith(".md"))
    sections = [next(iter(item)) for item in nav if isinstance(item, dict)]
    assert sections == ["Home", "Tutorials", "How-to guides", "Reference", "Background"]


def test_a_new_page_lands_in_its_section(tmp_path):
    hook = _hook()
    docs = tmp_path / "docs"
    (docs / "background").mkdir(parents=True)
    for page in ("compare.md", "new-guide.md", "classroom.zh.md", "architecture.md"):
        (docs / page).write_text("# page\n")
    (docs / "background" / "queues.md").write_text("# page\n")
    config = {"docs_dir": str(docs), "nav": copy.deepcopy(_config()["nav"])}
    nav = hook.on_config(config)["nav"]
    section = {next(iter(item)): item[next(iter(item))] for item in nav if isinstance(item, dict)}
    assert section["How-to guides"].count("compare.md") == 1  # already named: not repeated
    assert {"new-guide.md", "classroom.zh.md"} <= set(section["How-to guides"])
    assert {"architecture.md", "background/queues.md"} <= set(section["Background"])


def test_links_to_repository_files_become_paths():
    hook = _hook()
    page = DOCS / "guide.md"
    text = (
        "See [the bank](../scenarios/bank_multiskill.yaml), [compare](compare.md), "
        "[gone](../scenarios/missing.yaml) and [web](https://example.org/x)."
    )
    out = hook.repository_links(text, page, DOCS)
    assert "the bank (`scenarios/bank_multiskill.yaml`)" in out
    assert "[compare](compare.md)" in out  # a page of the site: a link still
    assert "[gone](../scenarios/missing.yaml)" in out  # broken: the build reports it
    assert "[web](https://example.org/x)" in out
