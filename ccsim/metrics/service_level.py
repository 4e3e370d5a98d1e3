"""The service level under its four definitions, written once.

Simulated KPIs (counts of calls), the analytic models (probabilities per offered
call) and the animation's running figure (one indicator per call) all ask the
same question; each passes its own ``counts`` to `service_level` (or, for the
numerator and denominator apart, `service_level_terms`):

- ``answered_within``: answered within the threshold T (wait <= T);
- ``abandoned_within``: abandoned within T (a short abandon);
- ``answered``: answered; ``offered``: answered + abandoned.

Definitions (design.md, KPIs):

- ``offered``: answered within T / offered;
- ``answered``: answered within T / answered;
- ``exclude_short_abandons``: answered within T / (offered - abandoned within T);
- ``short_abandons_as_met``: (answered + abandoned within T) / offered, at most 1.

A zero denominator gives NaN.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["SL_DEFINITIONS", "service_level", "service_level_terms"]

SL_DEFINITIONS = ("offered", "answered", "exclude_short_abandons", "short_abandons_as_met")


def service_level_terms(counts: Mapping[str, Any], definition: str) -> tuple[Any, Any]:
    """Numerator and denominator of the service level under ``definition``.

    ``counts`` holds numbers or arrays (any type that adds and subtracts).

    Raises
    ------
    ValueError
        An unknown definition.
    """
    within = counts["answered_within"]
    if definition == "offered":
        return within, counts["offered"]
    if definition == "answered":
        return within, counts["answered"]
    if definition == "exclude_short_abandons":
        return within, counts["offered"] - counts["abandoned_within"]
    if definition == "short_abandons_as_met":
        return within + counts["abandoned_within"], counts["offered"]
    raise ValueError(
        f"unknown service-level definition {definition!r}; use one of {SL_DEFINITIONS}"
    )


def service_level(counts: Mapping[str, Any], definition: str) -> Any:
    """The service level under ``definition`` from ``counts`` (see the module).

    Numbers give a float, arrays an array (elementwise); NaN where the
    denominator is not positive.

    Examples
    --------
    >>> c = {"answered_within": 7, "abandoned_within": 1, "answered": 8, "offered": 10}
    >>> [round(service_level(c, d), 4) for d in SL_DEFINITIONS]
    [0.7, 0.875, 0.7778, 0.8]
    """
    num, den = service_level_terms(counts, definition)
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    pos = den > 0
    out = np.where(pos, num / np.where(pos, den, 1.0), np.nan)
    if definition == "short_abandons_as_met":
        out = np.minimum(out, 1.0)  # probabilities may round past 1; counts cannot
    return float(out) if out.ndim == 0 else out
