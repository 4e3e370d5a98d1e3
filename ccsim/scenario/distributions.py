"""Distribution specs (``{dist: lognormal, mean: 240s, cv: 0.9}``) -> `Distribution`.

A planner gives a mean and a coefficient of variation (cv = sd / mean) or the
textbook parameters; either way the result carries the canonical parameters of
`ccsim.scenario.model.Distribution`. A bare duration (``wrap_up: 30s``) is
shorthand for ``{dist: deterministic, value: 30s}``.

A *multiplier* (``unitless=True``, as for ``busyness``) has the same forms, but its
``mean``, ``value``, ``scale``, ``low``, ``high`` and empirical values are plain
numbers: a unit suffix is an error there.

A *mixture* (``dist: mixture``) draws from one of its weighted ``components``, each
any distribution (a mixture too: nested mixtures are flattened, the weights
multiplied). The weights are positive and sum to 1 (within 1e-9): they are not
normalised, so a typo such as 0.1 + 0.8 is an error rather than a silent rescale.
A component may be ``{dist: deterministic, value: 0s}``: an atom at zero (a caller
who hangs up at once if they must wait), the one place a zero duration is allowed.

This module reads what every kind shares (the ``dist:`` key, the parameter set given,
the size bounds); each kind's own rules are its class in
`ccsim.scenario.kinds.distributions`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ccsim.scenario import csvdata
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import check_keys, choice, fail
from ccsim.scenario.kinds.dist_base import WEIGHT_TOLERANCE, Reading
from ccsim.scenario.kinds.distributions import KINDS
from ccsim.scenario.model import DIST_KINDS, Distribution
from ccsim.units import describe

__all__ = ["FORMS", "MAX_SIZE", "WEIGHT_TOLERANCE", "distribution"]

#: The parameter sets each kind accepts, in the order messages list them (each
#: kind's class in `ccsim.scenario.kinds.distributions` holds its own).
FORMS: dict[str, tuple[tuple[str, ...], ...]] = {name: k.forms for name, k in KINDS.items()}

_EXAMPLE = "a distribution such as {dist: exponential, mean: 180s}, or a fixed duration such as 30s"
_EXAMPLE_UNITLESS = "a distribution such as {dist: gamma, mean: 1, cv: 0.1}, or a plain number"


#: The largest mean or standard deviation a distribution may have (seconds, or a
#: multiplier's plain number): ~31 years. Beyond it sums of draws overflow to
#: infinity and every KPI becomes NaN.
MAX_SIZE = 1e9


def distribution(
    value: Any,
    loc: Loc,
    base_dir: Path | None = None,
    *,
    unitless: bool = False,
    component: bool = False,
) -> Distribution:
    """The `Distribution` a ``dist:`` mapping (or a bare duration) describes.

    ``unitless``: a multiplier, whose sizes are plain numbers (see the module's doc).
    ``component``: a mixture's component, where a deterministic value may be 0.
    Its mean and standard deviation must be finite and at most `MAX_SIZE`.
    """
    d = _distribution(value, loc, base_dir, unitless, component)
    return _bounded_size(d, loc, unitless)


def _bounded_size(d: Distribution, loc: Loc, unitless: bool) -> Distribution:
    """``d``, unless its mean or spread overflows (``mean: 1e300h``, ``sigma: 1000``)."""
    mean, sd = _finite_or_inf(lambda: d.mean), _finite_or_inf(lambda: math.sqrt(d.variance))
    if not (math.isfinite(mean) and math.isfinite(sd) and mean <= MAX_SIZE and sd <= MAX_SIZE):
        unit = "" if unitless else " s"
        fail(
            loc,
            f"the {d.kind} distribution's mean or standard deviation is not finite or exceeds "
            f"{MAX_SIZE:g}{unit} (mean {mean:.3g}, sd {sd:.3g}): use smaller parameters",
        )
    return d


def _finite_or_inf(f: Any) -> float:
    try:
        return float(f())
    except (OverflowError, ValueError, ZeroDivisionError):
        return math.inf


def _reading(base_dir: Path | None, unitless: bool, component: bool) -> Reading:
    """How this mapping is read; a mixture's components are read as components."""
    return Reading(
        unitless=unitless,
        component=component,
        read=lambda v, at: distribution(v, at, base_dir, unitless=unitless, component=True),
        column=lambda spec, at: csvdata.read_column(
            spec["file"], spec.get("column"), at, base_dir, unitless=unitless
        ),
    )


def _distribution(
    value: Any, loc: Loc, base_dir: Path | None, unitless: bool, component: bool
) -> Distribution:
    reading = _reading(base_dir, unitless, component)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return Distribution("deterministic", (reading.size(value, loc, gt=0),))
    if not isinstance(value, dict):
        example = _EXAMPLE_UNITLESS if unitless else _EXAMPLE
        fail(loc, f"must be {example}, got {describe(value)}")
    if "by_period" in value:
        fail(
            (*loc, "by_period"),
            "values per period of the day are read only in a call type's handle_time and"
            " patience; give one distribution here",
        )
    if value.get("dist") is None:
        fail((*loc, "dist"), f"is missing; give one of {', '.join(DIST_KINDS)}")
    kind = choice(value["dist"], (*loc, "dist"), DIST_KINDS)
    form = _form(value, loc, kind)
    params, values, components = KINDS[kind].build(value, loc, form, reading)
    return Distribution(kind, params, values, components)


def _form(spec: dict, loc: Loc, kind: str) -> tuple[str, ...]:
    """The one parameter set of ``kind`` that ``spec`` gives, or a message naming them."""
    forms = KINDS[kind].forms
    allowed = ["dist", *dict.fromkeys(key for form in forms for key in form)]
    check_keys(spec, loc, allowed)
    given = [key for key in spec if key != "dist"]
    takes = ", or ".join(" and ".join(form) for form in forms)
    for form in forms:
        if set(given) == set(form):
            return form
    for form in forms:
        if set(given) < set(form):
            missing = next(key for key in form if key not in given)
            fail((*loc, missing), f"is missing; {kind} takes {takes}")
    fail(loc, f"{kind} takes {takes}, not {' and '.join(given) or 'nothing'}")
