"""Scenario files written back (``ccsim staff``'s staffed.yaml, ``ccsim schedule``'s
scheduled.yaml, ``ccsim calibrate``'s scenario): the scenario's data with new
staffing, the files it names copied beside it, written as YAML led by a comment.
YAML is read (`ccsim.scenario.load`) and written here, in the scenario layer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ccsim.atomic import write_text
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import Scenario


def staffed_document(
    data: dict,
    scenario: Scenario,
    lines: dict[str, Sequence[int]],
    *,
    base_dir: Path | None,
    out_dir: Path,
    scaled: bool = False,
) -> dict:
    """The scenario file's data (``data``, overrides applied) with each group of
    ``lines`` staffed by its staffing line (``agents: [..]``, shifts dropped), the
    files it names copied into ``out_dir/files/`` (a scenario reads only its folder);
    with ``scaled`` (``--scale-arrivals`` was used) every arrival is written as the
    volumes per interval of ``scenario``."""
    import copy

    doc = copy.deepcopy(data)
    for name, line in lines.items():
        group = doc["agent_groups"][name]
        group.pop("shifts", None)
        group["agents"] = [int(x) for x in line]
    if scaled:
        size = scenario.horizon.interval
        for ct in scenario.call_types:
            entry = doc["call_types"][ct.name]
            if entry.get("arrivals") is not None:
                if ct.aht is not None and any(a is not None for a in ct.aht):
                    raise ScenarioError(
                        "with --scale-arrivals, a forecast file with an aht column cannot be "
                        "written into staffed.yaml (its volumes would lose their AHT); scale "
                        "the forecast file instead",
                        path=("call_types", ct.name, "arrivals", "file"),
                        file=scenario.source,
                    )
                entry["arrivals"] = {"volumes": [round(r * size, 6) for r in ct.rates]}
        if scenario.ivr is not None:
            doc["ivr"]["arrivals"] = {"volumes": [round(r * size, 6) for r in scenario.ivr.rates]}

    copied: dict[Path, str] = {}

    def relocate(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "file" and isinstance(value, str) and base_dir is not None:
                    node[key] = _copy_beside(base_dir / value, out_dir, copied)
                else:
                    relocate(value)
        elif isinstance(node, list):
            for item in node:
                relocate(item)

    relocate(doc)
    return doc


def _copy_beside(source: Path, out_dir: Path, copied: dict[Path, str]) -> str:
    """Copy a file the scenario names into ``out_dir/files/`` and return its path
    relative to ``out_dir``: the written scenario then reads it from its own folder
    (scenarios read no file outside their folder, `ccsim.scenario.files`)."""
    import shutil

    from ccsim.atomic import atomic_path

    full = source.resolve()
    if full not in copied:
        name = full.name
        taken = set(copied.values())
        n = 1
        while f"files/{name}" in taken:
            n += 1
            name = f"{full.stem}_{n}{full.suffix}"
        (out_dir / "files").mkdir(parents=True, exist_ok=True)
        with atomic_path(out_dir / "files" / name) as tmp:
            shutil.copyfile(full, tmp)
        copied[full] = f"files/{name}"
    return copied[full]


def write_staffed(path: Path, doc: dict, note: str) -> Path:
    """Write ``doc`` as YAML, led by the comment ``note``."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}\n" for line in note.splitlines())
    write_text(
        path,
        comment + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=None),
    )
    return path
