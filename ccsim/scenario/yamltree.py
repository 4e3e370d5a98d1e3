"""YAML text -> plain data, plus the line of every field (for error messages).

PyYAML's constructed data has no line numbers and silently keeps the last of two
equal keys, so we compose the node tree with ``yaml.SafeLoader`` and build the
data ourselves: scalars are constructed by the safe loader, mappings and lists
by walking the nodes, recording each field's line and rejecting duplicate keys.

Two planner traps are mended on the way: YAML 1.1 reads an unquoted ``20:00`` as
the base-60 integer 1200 (such scalars are kept as the text the user wrote), and
reads ``1e3`` (no dot) as text (it is read as the number 1000, as YAML 1.2 does).

Hostile input is bounded before it costs anything: the nesting depth and the number
of nodes are capped while the tree is composed (`ccsim.scenario.limits`), aliases
cannot expand a small file exponentially, and a control character is a message
with its line, not a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.limits import LIMITS

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NUMERIC = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

#: YAML 1.2 floats without a dot (``1e3``, ``-2.5E-4`` has one already), which YAML 1.1
#: leaves as text.
_EXPONENT_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")


class _Loader(yaml.SafeLoader):
    """The safe loader, composing at most `LIMITS.max_depth` levels and
    `LIMITS.max_nodes` nodes (PyYAML's composer recurses once per level, so a deep
    file would otherwise end in a RecursionError)."""

    def __init__(self, text: str) -> None:
        self._depth = 0
        self._nodes = 0
        super().__init__(text)

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        self._depth += 1
        self._nodes += 1
        if self._depth > LIMITS.max_depth or self._nodes > LIMITS.max_nodes:
            line = self.peek_event().start_mark.line + 1
            what = (
                f"nested more than {LIMITS.max_depth} levels deep"
                if self._depth > LIMITS.max_depth
                else f"more than {LIMITS.max_nodes:,} keys and values"
            )
            raise ScenarioError(f"the YAML is {what}", line=line)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+0123456789"))


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
    loader = None
    try:
        loader = _Loader(text)  # inside the try: the reader rejects control characters
        node = loader.get_single_node()
        lines = LineMap()
        if node is None:
            return None, lines
        return _Builder(loader, lines).build(node, ()), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"malformed YAML: {_yaml_problem(exc)}", line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "a character"
        message = f"malformed YAML: the control character {what} is not allowed"
        raise ScenarioError(message, line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}") from None
    except RecursionError:
        message = f"the YAML is nested more than {LIMITS.max_depth} levels deep"
        raise ScenarioError(message) from None
    finally:
        if loader is not None:
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
        if len(loc) > LIMITS.max_depth:
            raise ScenarioError(
                f"the YAML is nested more than {LIMITS.max_depth} levels deep (through aliases)",
                path=loc[: LIMITS.max_depth],
                line=node.start_mark.line + 1,
            )
        if self.count > LIMITS.max_nodes or id(node) in self.active:
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
