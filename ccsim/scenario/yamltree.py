"""YAML text -> plain data, plus the line of every field (for error messages).

PyYAML's constructed data has no line numbers and silently keeps the last of two
equal keys, so we compose the node tree with ``yaml.SafeLoader`` and build the
data ourselves: scalars are constructed by the safe loader, mappings and lists
by walking the nodes, recording each field's line and rejecting duplicate keys.

One planner trap is mended on the way: YAML 1.1 reads an unquoted ``20:00`` as
the base-60 integer 1200; such scalars are kept as the text the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ccsim.scenario.errors import Loc, ScenarioError

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NUMERIC = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_MAX_NODES = 100_000  # aliases can expand a small file exponentially ("billion laughs")


@dataclass
class LineMap:
    """1-based line of each field: a mapping entry's key line, a list item's own line."""

    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that exists (a missing key)."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.lines:
                return self.lines[loc[:n]]
        return None


def load_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain dicts, lists and scalars, with its line map."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines = LineMap()
        if node is None:
            return None, lines
        return _Builder(loader, lines).build(node, ()), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"malformed YAML: {_yaml_problem(exc)}", line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}") from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, with where the construct it was reading started."""
    problem = (exc.problem or exc.context or "not valid YAML").removeprefix("but ")
    if not (exc.problem and exc.context):
        return problem
    started, found = exc.context_mark, exc.problem_mark
    if started is not None and found is not None and started.line != found.line:
        return f"{problem} ({exc.context} that starts on line {started.line + 1})"
    return f"{problem} ({exc.context})"


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, lines: LineMap) -> None:
        self.loader = loader
        self.lines = lines
        self.active: set[int] = set()  # nodes on the current branch (recursive aliases)
        self.count = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.lines.lines.setdefault(loc, node.start_mark.line + 1)
        self.count += 1
        if self.count > _MAX_NODES or id(node) in self.active:
            raise ScenarioError(
                "too many or recursive YAML aliases", path=loc, line=node.start_mark.line + 1
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self.mapping(node, loc)
            raise ScenarioError(
                f"the YAML tag {node.tag} is not supported here",
                path=loc,
                line=node.start_mark.line + 1,
            )
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag in _NUMERIC and node.style is None and ":" in node.value:
            return node.value  # base-60 "20:00": keep the clock time as written
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, loc: Loc, skip: frozenset = frozenset()) -> dict:
        """The entries of ``node`` (but ``skip``), then those of its ``<<`` merge keys.

        Explicit keys come first so that theirs are the lines recorded.
        """
        explicit: dict = {}
        seen: set = set()
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self.key(key_node, loc)
            if key in seen:
                first = self.lines.lines.get((*loc, key))
                raise ScenarioError(
                    f"duplicate key {key!r}" + (f" (first given on line {first})" if first else ""),
                    path=(*loc, key),
                    line=key_node.start_mark.line + 1,
                )
            seen.add(key)
            if key not in skip:
                self.lines.lines.setdefault((*loc, key), key_node.start_mark.line + 1)
                explicit[key] = self.build(value_node, (*loc, key))
        merged: dict = {}
        for value_node in merges:
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:  # earlier sources win
                if not isinstance(source, yaml.MappingNode) or id(source) in self.active:
                    raise ScenarioError(
                        "a merge key '<<' takes a mapping or a list of mappings",
                        path=loc,
                        line=source.start_mark.line + 1,
                    )
                taken = skip | explicit.keys() | merged.keys()
                self.active.add(id(source))
                merged.update(self.mapping(source, loc, frozenset(taken)))
                self.active.discard(id(source))
        return {**merged, **explicit}

    def key(self, node: yaml.Node, loc: Loc) -> Any:
        if isinstance(node, yaml.ScalarNode):
            key = self.scalar(node)
            try:
                hash(key)
                return key
            except TypeError:
                pass
        raise ScenarioError(
            "a key must be a plain name, not a list or mapping",
            path=loc,
            line=node.start_mark.line + 1,
        )
