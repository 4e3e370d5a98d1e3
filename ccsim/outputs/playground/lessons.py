"""The scenarios the playground offers: one lesson per file, in English and Chinese.

A lesson is a scenario file; its Chinese version, when there is one, is the file of
the same name in the ``zh/`` folder beside it (``scenarios/classroom/zh/``), with
Chinese names for the lesson, the queues and the teams. Without one, the Chinese
page plays the English file.

By default the playground offers the classroom lessons: shipped inside the wheel
(``ccsim/outputs/playground/classroom``, see pyproject.toml), or, in a source
checkout, the repository's ``scenarios/classroom``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ccsim.scenario import load_scenario
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import Scenario

#: Where the wheel ships the classroom scenarios, and where a checkout has them.
SHIPPED = Path(__file__).parent / "classroom"
CHECKOUT = Path(__file__).resolve().parents[3] / "scenarios" / "classroom"


def classroom_folder() -> Path:
    """The classroom scenarios: the shipped copy, else the checkout's folder."""
    for folder in (SHIPPED, CHECKOUT):
        if folder.is_dir() and any(folder.glob("*.yaml")):
            return folder
    raise ScenarioError("the classroom scenarios are not installed: give a SCENARIO file")


@dataclass
class Lesson:
    """One scenario file and its Chinese version (``None``: none)."""

    path: Path
    path_zh: Path | None = None
    _loaded: dict[Path, Scenario] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        return self.path.stem

    @property
    def key_zh(self) -> str:
        return self.path_zh.stem if self.path_zh else self.key

    def scenario(self, lang: str = "en") -> Scenario:
        """The lesson's scenario in ``lang`` (read and checked once)."""
        path = self.path_zh if lang == "zh" and self.path_zh else self.path
        if path not in self._loaded:
            self._loaded[path] = load_scenario(path)
        return self._loaded[path]


def find_lessons(where: Path | None = None) -> list[Lesson]:
    """The lessons of a scenario file or a folder of them (default: the classroom's),
    each with its ``zh/`` twin if there is one. Every file is checked now, so a bad
    one is reported before the server starts."""
    where = classroom_folder() if where is None else Path(where)
    if where.is_dir():
        paths = sorted(where.glob("*.yaml"))
        if not paths:
            raise ScenarioError(f"{where}: no scenario files (*.yaml) in this folder")
    elif where.is_file():
        paths = [where]
    else:
        raise ScenarioError(f"{where}: no such file or folder")
    lessons = []
    for path in paths:
        twin = path.parent / "zh" / path.name
        lesson = Lesson(path, twin if twin.is_file() else None)
        lesson.scenario("en")
        lesson.scenario("zh")
        lessons.append(lesson)
    return lessons
