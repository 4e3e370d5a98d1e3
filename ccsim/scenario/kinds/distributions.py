"""Distribution kinds: one small class per ``dist:`` kind, and their registry `KINDS`.

`ccsim.scenario.model.Distribution` is the data (a kind's name and its canonical
parameters); the class of its kind holds the rules: the parameter sets a scenario
may give (`DistKind.forms`), their validation into canonical parameters (`build`),
the mean and variance, bulk draws with numpy (`sample`, and `draw` on the packed
parameters a mixture's components use), rescaling (`scaled`) and the word outputs
show (`describe`).

A new kind is a class here and its entry in `_ORDER`, in this one file. Its position
in `_ORDER` is its integer code (`Distribution.code`): append, never insert. Nothing
here imports numpy at import time (only the draws do), nor the scenario's model.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from ccsim.scenario.fields import fail, number
from ccsim.scenario.kinds.dist_base import MIXTURE_EXAMPLE, WEIGHT_TOLERANCE, DistKind
from ccsim.scenario.kinds.dist_math import survival_inverse, survival_moment, weibull_shape
from ccsim.units import describe as describe_value


class Exponential(DistKind):
    name, forms, memoryless = "exponential", (("mean",),), True

    def mean(self, d):
        return d.params[0]

    def variance(self, d):
        return d.params[0] ** 2

    def draw(self, rng, p0, p1, values, n):
        return rng.exponential(p0, n)

    def survival(self, params, t):
        import numpy as np

        return np.exp(-t / params[0])


class Deterministic(DistKind):
    name, forms = "deterministic", (("value",), ("mean",))

    def build(self, spec, loc, form, reading):
        if not reading.component:
            return super().build(spec, loc, form, reading)
        key = form[0]  # a mixture's atom may be at 0
        return (reading.size(spec[key], (*loc, key), ge=0),), (), ()

    def mean(self, d):
        return d.params[0]

    def variance(self, d):
        return 0.0

    def draw(self, rng, p0, p1, values, n):  # consumes no random numbers
        import numpy as np

        return np.full(n, p0, dtype=np.float64)


class Lognormal(DistKind):
    """``params`` = (mu, sigma) of the underlying normal."""

    name, forms = "lognormal", (("mean", "cv"), ("mu", "sigma"))

    def from_params(self, p, spec, loc, reading):
        if "cv" not in p:
            return (p["mu"], p["sigma"]), (), ()
        sigma2 = math.log1p(p["cv"] ** 2)
        return (math.log(p["mean"]) - sigma2 / 2, math.sqrt(sigma2)), (), ()

    def mean(self, d):
        mu, sigma = d.params
        return math.exp(mu + sigma**2 / 2)

    def variance(self, d):
        mu, sigma = d.params
        return (math.exp(sigma**2) - 1) * math.exp(2 * mu + sigma**2)

    def draw(self, rng, p0, p1, values, n):
        return rng.lognormal(p0, p1, n)

    def survival(self, params, t):
        from scipy import stats

        mu, sigma = params
        return stats.lognorm.sf(t, sigma, scale=math.exp(mu))

    def scaled(self, d, factor):
        mu, sigma = d.params
        return replace(d, params=(mu + math.log(factor), sigma))


class Gamma(DistKind):
    """``params`` = (shape, scale)."""

    name, forms = "gamma", (("mean", "cv"), ("shape", "scale"))

    def from_params(self, p, spec, loc, reading):
        if "cv" not in p:
            return (p["shape"], p["scale"]), (), ()
        cv = p["cv"]
        if not (cv**2 > 0 and math.isfinite(1 / cv**2)):
            fail(
                (*loc, "cv"),
                f"is too small for a gamma distribution (its shape 1/cv² is infinite), got "
                f"{describe_value(spec['cv'])}: for a fixed duration use dist: deterministic",
            )
        return (1 / cv**2, p["mean"] * cv**2), (), ()

    def mean(self, d):
        return d.params[0] * d.params[1]

    def variance(self, d):
        return d.params[0] * d.params[1] ** 2

    def draw(self, rng, p0, p1, values, n):
        return rng.standard_gamma(p0, n) * p1

    def scaled(self, d, factor):
        return replace(d, params=(d.params[0], d.params[1] * factor))


class Weibull(DistKind):
    """``params`` = (shape k, scale lambda); from a mean and cv, k is solved for."""

    name, forms = "weibull", (("shape", "scale"), ("mean", "cv"))

    def from_params(self, p, spec, loc, reading):
        if "cv" not in p:
            return (p["shape"], p["scale"]), (), ()
        shape = weibull_shape(p["cv"], (*loc, "cv"))
        return (shape, p["mean"] / math.gamma(1 + 1 / shape)), (), ()

    def mean(self, d):
        k, lam = d.params
        return lam * math.gamma(1 + 1 / k)

    def variance(self, d):
        k, lam = d.params
        return lam**2 * (math.gamma(1 + 2 / k) - math.gamma(1 + 1 / k) ** 2)

    def draw(self, rng, p0, p1, values, n):
        return p1 * rng.weibull(p0, n)

    def survival(self, params, t):
        import numpy as np

        shape, scale = params
        return np.exp(-((t / scale) ** shape))

    def scaled(self, d, factor):
        return replace(d, params=(d.params[0], d.params[1] * factor))


class Uniform(DistKind):
    name, forms = "uniform", (("low", "high"),)

    def from_params(self, p, spec, loc, reading):
        if p["high"] <= p["low"]:
            fail((*loc, "high"), f"must be greater than low, got {describe_value(spec['high'])}")
        return (p["low"], p["high"]), (), ()

    def mean(self, d):
        return (d.params[0] + d.params[1]) / 2

    def variance(self, d):
        return (d.params[1] - d.params[0]) ** 2 / 12

    def draw(self, rng, p0, p1, values, n):
        return rng.uniform(p0, p1, n)


class Empirical(DistKind):
    """A sample in ``values``, drawn uniformly with replacement."""

    name, forms = "empirical", (("values",), ("file",), ("file", "column"))

    def from_params(self, p, spec, loc, reading):
        if "values" in p:
            raw = p["values"]
            if not isinstance(raw, list) or not raw:
                what = "numbers" if reading.unitless else "durations"
                fail(
                    (*loc, "values"),
                    f"must be a non-empty list of {what}, got {describe_value(raw)}",
                )
            values = tuple(reading.size(v, (*loc, "values", i), ge=0) for i, v in enumerate(raw))
            where = (*loc, "values")
        else:
            values = reading.column(spec, loc)
            where = (*loc, "file")
        if not any(values):
            fail(where, "must have a positive mean (all values are 0)")
        return (), values, ()

    def mean(self, d):
        return sum(d.values) / len(d.values)

    def variance(self, d):
        m = self.mean(d)
        return sum((v - m) ** 2 for v in d.values) / len(d.values)

    def check(self, values):
        if values.shape[0] == 0:
            raise ValueError("an empirical distribution needs at least one value")

    def draw(self, rng, p0, p1, values, n):  # as rng.choice(values, n)
        return values[rng.integers(0, values.shape[0], n)]

    def scaled(self, d, factor):
        return replace(d, values=tuple(v * factor for v in d.values))


class Survival(DistKind):
    """A survival curve: ``values`` holds m knot times (increasing), then S at them
    (non-increasing, in [0, 1]); S = 1 before the first knot, linear between knots, an
    exponential tail of mean ``params[0]`` past the last. Without ``tail_mean`` the tail
    keeps the curve's average hazard: tail_mean = t_last / −ln S_last."""

    name, forms = "survival", (("times", "survival", "tail_mean"), ("times", "survival"))

    def from_params(self, p, spec, loc, reading):
        times_raw, surv_raw = spec["times"], spec["survival"]
        for key, raw in (("times", times_raw), ("survival", surv_raw)):
            if not isinstance(raw, list) or not raw:
                fail((*loc, key), f"must be a non-empty list, got {describe_value(raw)}")
        if len(times_raw) != len(surv_raw):
            fail(
                (*loc, "survival"),
                f"must have one level per time: {len(times_raw)} times, {len(surv_raw)} levels",
            )
        times = [reading.size(v, (*loc, "times", i), ge=0) for i, v in enumerate(times_raw)]
        surv = [number(v, (*loc, "survival", i), ge=0, le=1) for i, v in enumerate(surv_raw)]
        for i in range(1, len(times)):
            if times[i] <= times[i - 1]:
                fail((*loc, "times", i), f"must be increasing, got {describe_value(times_raw[i])}")
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
                fail(
                    loc,
                    "the curve never falls below 1: give tail_mean (the mean past the last time)",
                )
            tail = times[-1] / -math.log(last) if last > 0 and times[-1] > 0 else 1.0
        return (tail,), tuple(times) + tuple(surv), ()

    def mean(self, d):
        return survival_moment(d, 1)

    def variance(self, d):
        return survival_moment(d, 2) - survival_moment(d, 1) ** 2

    def check(self, values):
        if values.shape[0] < 2 or values.shape[0] % 2:
            raise ValueError("a survival distribution needs knot times and as many levels")

    def draw(self, rng, p0, p1, values, n):  # one uniform per draw, inverse transform
        return survival_inverse(values, values.shape[0] // 2, p0, 1.0 - rng.random(n))

    def scaled(self, d, factor):  # the times and the tail stretch; the levels stay
        m = len(d.values) // 2
        times = tuple(t * factor for t in d.values[:m])
        return replace(d, params=(d.params[0] * factor,), values=times + d.values[m:])


class Mixture(DistKind):
    """Weighted ``components`` (weights summing to 1), none itself a mixture: the
    reader flattens nested ones, multiplying the weights."""

    name, forms = "mixture", (("components",),)

    def build(self, spec, loc, form, reading):
        loc = (*loc, "components")
        raw = spec["components"]
        if not isinstance(raw, list) or not raw:
            got = "an empty list" if raw == [] else describe_value(raw)
            fail(
                loc,
                f"must be a list of weighted distributions such as {MIXTURE_EXAMPLE}, got {got}",
            )
        flat: list[tuple[float, Any]] = []
        weights = []
        for i, part in enumerate(raw):
            at = (*loc, i)
            if not isinstance(part, dict):
                got = describe_value(part)
                fail(at, f"must be a mapping with a weight and a distribution, got {got}")
            if "weight" not in part:
                fail((*at, "weight"), "is missing; each component has a weight (its probability)")
            weight = number(part["weight"], (*at, "weight"), gt=0, le=1)
            dist = reading.read({key: v for key, v in part.items() if key != "weight"}, at)
            weights.append(weight)
            flat.extend((weight * w, d) for w, d in KINDS[dist.kind].parts(dist))
        total = math.fsum(weights)
        if abs(total - 1) > WEIGHT_TOLERANCE:
            terms = " + ".join(f"{w:g}" for w in weights)
            fail(loc, f"the weights must sum to 1, got {total:.10g} ({terms})")
        if not sum(w * d.mean for w, d in flat) > 0:
            fail(loc, "must have a positive mean (every component is 0)")
        return (), (), tuple(flat)

    def mean(self, d):
        return sum(w * c.mean for w, c in d.components)

    def variance(self, d):  # E[Var | component] + Var[E | component]
        second = sum(w * (c.variance + c.mean**2) for w, c in d.components)
        return max(second - self.mean(d) ** 2, 0.0)

    def parts(self, d):
        return d.components

    def scaled(self, d, factor):
        parts = tuple((w, KINDS[c.kind].scaled(c, factor)) for w, c in d.components)
        return replace(d, components=parts)

    def pack(self, d: Any) -> tuple[Any, ...]:
        """The flat arrays `sample` reads: cumulative weights (the last set to exactly
        1), kind codes, the two parameters, and the empirical samples end to end with
        each component's slice bounds."""
        import numpy as np

        if not d.components:
            raise ValueError("a mixture needs at least one component")
        if any(c.kind == self.name for _, c in d.components):
            raise ValueError("a mixture's components must not be mixtures (flatten them)")
        for _, c in d.components:
            KINDS[c.kind].check(np.asarray(c.values, dtype=np.float64))
        weights = np.array([w for w, _ in d.components], dtype=np.float64)
        cum = np.cumsum(weights / weights.sum())
        cum[-1] = 1.0
        params = [tuple(float(p) for p in c.params) + (0.0, 0.0) for _, c in d.components]
        sizes = np.array([len(c.values) for _, c in d.components], dtype=np.int64)
        last = np.cumsum(sizes)
        return (
            cum,
            np.array([CODES[c.kind] for _, c in d.components], dtype=np.int64),
            np.array([p[0] for p in params], dtype=np.float64),
            np.array([p[1] for p in params], dtype=np.float64),
            np.array([v for _, c in d.components for v in c.values], dtype=np.float64),
            last - sizes,
            last,
        )

    def sample(self, rng, d, n):
        """First ``n`` uniforms pick the components (component c is the first with
        ``u < cum[c]``, the last if none), then each component's draws are made in one
        batch, components in order, and put back in the calls' order: component c's
        k-th call gets its k-th draw."""
        import numpy as np

        cum, codes, p0, p1, values, first, last = self.pack(d)
        m = cum.shape[0]
        pick = np.searchsorted(cum[: m - 1], rng.random(n), side="right")
        out = np.empty(n, dtype=np.float64)
        for c in range(m):
            where = np.flatnonzero(pick == c)
            if where.shape[0] == 0:
                continue
            sub = values[first[c] : last[c]]
            out[where] = _ORDER[int(codes[c])].draw(rng, p0[c], p1[c], sub, where.shape[0])
        return out


#: Every kind, in the order of their integer codes (append a new kind at the end).
_ORDER: tuple[DistKind, ...] = (
    Exponential(),
    Deterministic(),
    Lognormal(),
    Gamma(),
    Weibull(),
    Uniform(),
    Empirical(),
    Survival(),
    Mixture(),
)
#: The registry: a kind's name -> its rules.
KINDS: dict[str, DistKind] = {kind.name: kind for kind in _ORDER}
#: A kind's name -> its integer code (`Distribution.code`).
CODES: dict[str, int] = {kind.name: code for code, kind in enumerate(_ORDER)}


def dist_kind(name: str) -> DistKind:
    """The rules of the kind called ``name``."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown distribution kind {name!r}; kinds: {', '.join(KINDS)}") from None
