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
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ccsim.scenario import csvdata
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import check_keys, choice, duration, fail, number
from ccsim.scenario.model import DIST_KINDS, Distribution
from ccsim.units import describe

#: The parameter sets each kind accepts, in the order messages list them.
FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "exponential": (("mean",),),
    "deterministic": (("value",), ("mean",)),
    "lognormal": (("mean", "cv"), ("mu", "sigma")),
    "gamma": (("mean", "cv"), ("shape", "scale")),
    "weibull": (("shape", "scale"), ("mean", "cv")),
    "uniform": (("low", "high"),),
    "empirical": (("values",), ("file",), ("file", "column")),
    "survival": (("times", "survival", "tail_mean"), ("times", "survival")),
    "mixture": (("components",),),
}
#: How far a mixture's weights may sum from 1.
WEIGHT_TOLERANCE = 1e-9

_EXAMPLE = "a distribution such as {dist: exponential, mean: 180s}, or a fixed duration such as 30s"
_MIXTURE_EXAMPLE = (
    "[{weight: 0.1, dist: deterministic, value: 0s}, {weight: 0.9, dist: exponential, mean: 900s}]"
)
_EXAMPLE_UNITLESS = "a distribution such as {dist: gamma, mean: 1, cv: 0.1}, or a plain number"
_UNITLESS_HINT = "a multiplier has no unit"
_CV_HINT = " (cv 0 is a fixed duration: use dist: deterministic)"
_WEIBULL_SHAPES = (0.1, 200.0)  # the shapes the mean/cv solver searches


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


def _distribution(
    value: Any, loc: Loc, base_dir: Path | None, unitless: bool, component: bool
) -> Distribution:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return Distribution("deterministic", (_size(value, loc, unitless, gt=0),))
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
    if kind == "mixture":
        return _mixture(value["components"], (*loc, "components"), base_dir, unitless)
    if kind == "deterministic" and component:
        key = form[0]
        return Distribution(kind, (_size(value[key], (*loc, key), unitless, ge=0),))
    p = {key: _param(key, value[key], (*loc, key), unitless) for key in form}
    if kind == "empirical":
        return _empirical(value, loc, p, base_dir, unitless)
    if kind == "survival":
        return _survival(value, loc, p, unitless)
    if kind == "uniform" and p["high"] <= p["low"]:
        fail((*loc, "high"), f"must be greater than low, got {describe(value['high'])}")
    if "cv" not in p:
        return Distribution(kind, tuple(p[key] for key in form))
    mean, cv = p["mean"], p["cv"]
    if kind == "lognormal":
        sigma2 = math.log1p(cv**2)
        return Distribution(kind, (math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))
    if kind == "gamma":
        return Distribution(kind, (1 / cv**2, mean * cv**2))
    shape = _weibull_shape(cv, (*loc, "cv"))
    return Distribution(kind, (shape, mean / math.gamma(1 + 1 / shape)))


def _form(spec: dict, loc: Loc, kind: str) -> tuple[str, ...]:
    """The one parameter set of ``kind`` that ``spec`` gives, or a message naming them."""
    forms = FORMS[kind]
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


def _size(raw: Any, loc: Loc, unitless: bool, **bounds: float) -> float:
    """A duration, or for a multiplier a plain number (no unit suffix)."""
    if not unitless:
        return duration(raw, loc, **bounds)
    if isinstance(raw, str):
        fail(loc, f"must be a plain number such as 1 or 0.9 ({_UNITLESS_HINT}), got {raw!r}")
    return number(raw, loc, **bounds)


def _param(key: str, raw: Any, loc: Loc, unitless: bool) -> Any:
    if key in ("mean", "value", "scale", "tail_mean"):
        return _size(raw, loc, unitless, gt=0)
    if key in ("low", "high"):
        return _size(raw, loc, unitless, ge=0)
    if key == "cv":
        return number(raw, loc, gt=0, hint=_CV_HINT)
    if key in ("sigma", "shape"):
        return number(raw, loc, gt=0)
    if key == "mu":
        return number(raw, loc)
    return raw  # empirical's values / file / column: read by _empirical


def _empirical(
    spec: dict, loc: Loc, p: dict, base_dir: Path | None, unitless: bool
) -> Distribution:
    if "values" in p:
        raw = p["values"]
        if not isinstance(raw, list) or not raw:
            what = "numbers" if unitless else "durations"
            fail((*loc, "values"), f"must be a non-empty list of {what}, got {describe(raw)}")
        values = tuple(_size(v, (*loc, "values", i), unitless, ge=0) for i, v in enumerate(raw))
        where = (*loc, "values")
    else:
        values = csvdata.read_column(
            spec["file"], spec.get("column"), loc, base_dir, unitless=unitless
        )
        where = (*loc, "file")
    if not any(values):
        fail(where, "must have a positive mean (all values are 0)")
    return Distribution("empirical", (), values)


def _survival(spec: dict, loc: Loc, p: dict, unitless: bool) -> Distribution:
    """A survival curve: knot times (increasing) and S at them (non-increasing, in
    [0, 1]); S = 1 before the first knot, linear between knots, an exponential tail
    of mean ``tail_mean`` past the last. Without ``tail_mean`` the tail keeps the
    curve's average hazard: tail_mean = t_last / −ln S_last."""
    times_raw, surv_raw = spec["times"], spec["survival"]
    for key, raw in (("times", times_raw), ("survival", surv_raw)):
        if not isinstance(raw, list) or not raw:
            fail((*loc, key), f"must be a non-empty list, got {describe(raw)}")
    if len(times_raw) != len(surv_raw):
        fail(
            (*loc, "survival"),
            f"must have one level per time: {len(times_raw)} times, {len(surv_raw)} levels",
        )
    times = [_size(v, (*loc, "times", i), unitless, ge=0) for i, v in enumerate(times_raw)]
    surv = [number(v, (*loc, "survival", i), ge=0, le=1) for i, v in enumerate(surv_raw)]
    for i in range(1, len(times)):
        if times[i] <= times[i - 1]:
            fail((*loc, "times", i), f"must be increasing, got {describe(times_raw[i])}")
        if surv[i] > surv[i - 1]:
            fail(
                (*loc, "survival", i),
                f"must not increase (a survival curve only falls), got {surv_raw[i]} "
                f"after {surv_raw[i - 1]}",
            )
    tail = p.get("tail_mean")
    if tail is None:
        last = surv[-1]
        if last >= 1.0:
            fail(loc, "the curve never falls below 1: give tail_mean (the mean past the last time)")
        tail = times[-1] / -math.log(last) if last > 0 and times[-1] > 0 else 1.0
    return Distribution("survival", (tail,), tuple(times) + tuple(surv))


def _mixture(raw: Any, loc: Loc, base_dir: Path | None, unitless: bool) -> Distribution:
    """``components: [{weight: 0.1, dist: ...}, ...]``, nested mixtures flattened."""
    if not isinstance(raw, list) or not raw:
        got = "an empty list" if raw == [] else describe(raw)
        fail(loc, f"must be a list of weighted distributions such as {_MIXTURE_EXAMPLE}, got {got}")
    flat: list[tuple[float, Distribution]] = []
    weights = []
    for i, spec in enumerate(raw):
        at = (*loc, i)
        if not isinstance(spec, dict):
            fail(at, f"must be a mapping with a weight and a distribution, got {describe(spec)}")
        if "weight" not in spec:
            fail((*at, "weight"), "is missing; each component has a weight (its probability)")
        weight = number(spec["weight"], (*at, "weight"), gt=0, le=1)
        rest = {key: v for key, v in spec.items() if key != "weight"}
        dist = distribution(rest, at, base_dir, unitless=unitless, component=True)
        weights.append(weight)
        if dist.kind == "mixture":
            flat.extend((weight * w, d) for w, d in dist.components)
        else:
            flat.append((weight, dist))
    total = math.fsum(weights)
    if abs(total - 1) > WEIGHT_TOLERANCE:
        terms = " + ".join(f"{w:g}" for w in weights)
        fail(loc, f"the weights must sum to 1, got {total:.10g} ({terms})")
    mixture = Distribution("mixture", components=tuple(flat))
    if not mixture.mean > 0:
        fail(loc, "must have a positive mean (every component is 0)")
    return mixture


def _weibull_shape(cv: float, loc: Loc) -> float:
    """The shape k with CV(k) = cv: Γ(1+2/k) / Γ(1+1/k)² = 1 + cv², by bisection on log k.

    CV falls monotonically as k grows; logs of the Gamma function keep it finite.
    """

    def excess(k: float) -> float:  # > 0 while k is too small
        return math.lgamma(1 + 2 / k) - 2 * math.lgamma(1 + 1 / k) - math.log1p(cv**2)

    lo, hi = _WEIBULL_SHAPES
    if excess(lo) < 0 or excess(hi) > 0:
        lo_cv, hi_cv = (_weibull_cv(k) for k in (hi, lo))
        fail(loc, f"weibull takes a cv between {lo_cv:.3g} and {hi_cv:.3g}, got {cv:g}")
    a, b = math.log(lo), math.log(hi)
    for _ in range(100):
        mid = (a + b) / 2
        a, b = (mid, b) if excess(math.exp(mid)) > 0 else (a, mid)
    return math.exp((a + b) / 2)


def _weibull_cv(k: float) -> float:
    return math.sqrt(math.expm1(math.lgamma(1 + 2 / k) - 2 * math.lgamma(1 + 1 / k)))
