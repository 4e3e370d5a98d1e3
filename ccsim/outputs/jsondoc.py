"""Strict JSON for every document ccsim prints or writes.

``json.dumps`` writes ``NaN`` and ``Infinity`` by default, which are not JSON: many
readers (browsers, ``jq``, databases) reject the whole document. An undefined figure
(the ASA of an interval with no answered call, a CI from one replication) is
``null`` instead, as docs/scenario-format.md says; numpy numbers become plain ones.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["dumps", "strict"]


def strict(value: Any) -> Any:
    """``value`` with every non-finite float as None and numpy scalars and arrays as
    plain Python (dict keys kept, tuples as lists)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        return strict(value.tolist())
    return value


def dumps(doc: Any, **kwargs: Any) -> str:
    """``json.dumps`` of ``doc``, strict (``allow_nan=False``, non-finite as null)."""
    return json.dumps(strict(doc), allow_nan=False, **kwargs)
