"""Replications' KPIs as rows of numbers, beside one shared layout.

A replication's KPI document (`replication_kpis`) is a nested dict of ~10⁴ Python
floats, each a boxed object in a dict: ~70 KB per replication. A batch keeps
instead, per replication, one float64 row (its numbers in document order) and,
once per batch, the `KpiLayout` (the document with each number replaced by its
column; labels such as an interval's ``"start"`` kept as they are, since they are
the same in every replication). `KpiRows` gives the documents back on demand
(`RunResult.kpis`), and `summarize_rows` summarizes the columns at once, with the
same numbers as `ccsim.metrics.summarize`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ccsim.metrics.inference import _is_number, _t975, t_interval
from ccsim.metrics.names import FRACTION_KPIS

__all__ = ["KpiLayout", "KpiRows", "summarize_rows"]


class _Label:
    """A leaf that is not a number (the same in every replication)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __reduce__(self):
        return (_Label, (self.value,))


class KpiLayout:
    """Where each number of a KPI document goes: ``skeleton`` (the document with
    column indices for numbers), ``size`` columns, and each column's KPI name (the
    nearest dict key above it: a fraction's interval is clipped to [0, 1])."""

    def __init__(self, skeleton: Any, names: list[str]) -> None:
        self.skeleton = skeleton
        self.names = names
        self.size = len(names)

    @classmethod
    def of(cls, kpis: dict[str, Any]) -> KpiLayout:
        """The layout of the document ``kpis``."""
        names: list[str] = []

        def walk(x: Any, key: str | None) -> Any:
            if isinstance(x, dict):
                return {k: walk(v, k) for k, v in x.items()}
            if isinstance(x, list | tuple) and not all(isinstance(v, str) for v in x):
                return [walk(v, key) for v in x]
            if _is_number(x):
                names.append(key or "")
                return len(names) - 1
            return _Label(x)

        return cls(walk(kpis, None), names)

    def flatten(self, kpis: dict[str, Any]) -> np.ndarray:
        """The numbers of ``kpis`` (laid out as this layout), as one float64 row."""
        out: list[float] = []
        append = out.append

        def walk(x: Any, node: Any) -> None:
            if isinstance(node, dict):
                for k, child in node.items():
                    walk(x[k], child)
            elif isinstance(node, list):
                for v, child in zip(x, node, strict=True):
                    walk(v, child)
            elif not isinstance(node, _Label):
                append(math.nan if x is None else x)

        walk(kpis, self.skeleton)
        return np.array(out, dtype=float)

    def unflatten(self, row: np.ndarray) -> dict[str, Any]:
        """The KPI document whose numbers are ``row`` (plain floats, fresh dicts)."""
        return self.build(row.tolist().__getitem__)

    def build(self, number: Callable[[int], Any]) -> Any:
        """A fresh KPI document shaped like the skeleton: labels as they are, and
        ``number(j)`` where the skeleton holds number ``j``."""

        def build(node: Any) -> Any:
            if isinstance(node, dict):
                return {k: build(v) for k, v in node.items()}
            if isinstance(node, list):
                return [build(v) for v in node]
            if isinstance(node, _Label):
                v = node.value
                return list(v) if isinstance(v, list) else v
            return number(node)

        return build(self.skeleton)

    def view(self, row: np.ndarray) -> Mapping[str, Any]:
        """A read-only view of the document ``row`` (no copy: numbers read on access)."""
        return _View(row, self.skeleton)


class _View(Mapping):
    """A KPI document read from its row (`KpiLayout.view`)."""

    __slots__ = ("_row", "_node")

    def __init__(self, row: np.ndarray, node: Any) -> None:
        self._row, self._node = row, node

    def __getitem__(self, key: Any) -> Any:
        node = self._node[key]
        if isinstance(node, int):
            return float(self._row[node])
        if isinstance(node, _Label):
            return node.value
        return _View(self._row, node)

    def __iter__(self) -> Iterator:
        if isinstance(self._node, dict):
            return iter(self._node)
        return (self[i] for i in range(len(self._node)))  # a list: its entries

    def __len__(self) -> int:
        return len(self._node)


class KpiRows(Sequence):
    """Replications' KPI documents, kept as a matrix: ``rows[r]`` is replication r's
    document (built on access), ``rows.matrix`` its numbers (one row each)."""

    def __init__(self, layout: KpiLayout, matrix: np.ndarray) -> None:
        self.layout = layout
        self.matrix = matrix

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self.layout.unflatten(self.matrix[r]) for r in range(len(self))[i]]
        return self.layout.unflatten(self.matrix[i])

    def views(self) -> list[Mapping[str, Any]]:
        """Every replication's document as a read-only view (cheap: no copies)."""
        return [self.layout.view(self.matrix[r]) for r in range(len(self))]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return f"KpiRows({len(self)} replications × {self.layout.size} numbers)"


def summarize_rows(rows: KpiRows) -> dict[str, Any]:
    """`ccsim.metrics.summarize` of ``rows``, column by column at once (same numbers:
    the same means and standard deviations, taken along each column)."""
    m = rows.matrix
    n = m.shape[0]
    if n == 0:
        raise ValueError("summarize needs at least one replication")
    cols = np.ascontiguousarray(m.T)  # one row per figure: reductions along a row
    nan = np.isnan(cols).any(axis=1)
    mean = cols.mean(axis=1)
    std = cols.std(axis=1, ddof=1) if n > 1 else np.full(cols.shape[0], np.nan)
    figures: list[tuple[float | None, tuple[float, float] | None]]
    if n == 1:
        figures = [(mu, None) for mu in mean.tolist()]
    else:  # the same operations, elementwise, as t_interval's on one column
        half = _t975(n - 1) * std / math.sqrt(n)
        cis = zip((mean - half).tolist(), (mean + half).tolist(), strict=True)
        figures = list(zip(mean.tolist(), cis, strict=True))
    for j in np.flatnonzero(nan).tolist():
        figures[j] = t_interval(cols[j])
    names = rows.layout.names

    def figure(j: int) -> dict[str, Any]:
        mu, ci = figures[j]
        if ci is None:
            return {"mean": mu, "ci95": None}
        high = 1.0 if names[j] in FRACTION_KPIS else math.inf
        return {"mean": mu, "ci95": [max(ci[0], 0.0), min(ci[1], high)]}

    return rows.layout.build(figure)
