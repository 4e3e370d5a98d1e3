"""What every distribution kind has: `DistKind`, the base of the classes in
`ccsim.scenario.kinds.distributions`, and `Reading`, how one ``dist:`` mapping is read
(sizes with or without a unit, and the reader's callbacks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import duration, fail, number

#: How far a mixture's weights may sum from 1.
WEIGHT_TOLERANCE = 1e-9
MIXTURE_EXAMPLE = (
    "[{weight: 0.1, dist: deterministic, value: 0s}, {weight: 0.9, dist: exponential, mean: 900s}]"
)
_UNITLESS_HINT = "a multiplier has no unit"
_CV_HINT = " (cv 0 is a fixed duration: use dist: deterministic)"
#: The largest coefficient of variation a distribution may be given (1 is the
#: exponential's; beyond this its shape and scale no longer compute in floats).
MAX_CV = 1000.0

#: What `DistKind.build` returns: ``(params, values, components)`` of a `Distribution`.
Canonical = tuple[tuple[float, ...], tuple[float, ...], tuple[tuple[float, Any], ...]]


@dataclass(frozen=True)
class Reading:
    """How one ``dist:`` mapping is read. ``unitless``: a multiplier, whose sizes are
    plain numbers; ``component``: a mixture's part, where a fixed 0 is allowed;
    ``read``: the reader, for a mixture's components; ``column``: an empirical
    sample's file (`ccsim.scenario.csvdata`)."""

    unitless: bool
    component: bool
    read: Callable[[Any, Loc], Any]
    column: Callable[[dict, Loc], tuple[float, ...]]

    def size(self, raw: Any, loc: Loc, **bounds: float) -> float:
        """A duration, or for a multiplier a plain number (no unit suffix)."""
        if not self.unitless:
            return duration(raw, loc, **bounds)
        if isinstance(raw, str):
            fail(loc, f"must be a plain number such as 1 or 0.9 ({_UNITLESS_HINT}), got {raw!r}")
        return number(raw, loc, **bounds)

    def param(self, key: str, raw: Any, loc: Loc) -> Any:
        """One named parameter, checked by what its name means."""
        if key in ("mean", "value", "scale", "tail_mean"):
            return self.size(raw, loc, gt=0)
        if key in ("low", "high"):
            return self.size(raw, loc, ge=0)
        if key == "cv":
            cv = number(raw, loc, gt=0, hint=_CV_HINT)
            if cv > MAX_CV:
                fail(loc, f"must be <= {MAX_CV:g} (1 is the exponential's spread), got {raw!r}")
            return cv
        if key in ("sigma", "shape"):
            return number(raw, loc, gt=0)
        if key == "mu":
            return number(raw, loc)
        return raw  # lists and file names: read by their kind's `from_params`


class DistKind:
    """The rules of one kind. Subclasses set `name` and `forms` (the parameter sets a
    scenario may give, in the order messages list them) and the methods below."""

    name: ClassVar[str]
    forms: ClassVar[tuple[tuple[str, ...], ...]]
    #: Exponential: what Erlang C and A assume of handle times and patience.
    memoryless: ClassVar[bool] = False

    def build(self, spec: dict, loc: Loc, form: tuple[str, ...], reading: Reading) -> Canonical:
        """The canonical parameters of ``spec``, which gives the parameter set ``form``."""
        p = {key: reading.param(key, spec[key], (*loc, key)) for key in form}
        return self.from_params(p, spec, loc, reading)

    def from_params(self, p: dict, spec: dict, loc: Loc, reading: Reading) -> Canonical:
        """Canonical parameters from the checked named ones ``p`` (the kind's own checks
        and conversions, such as a mean and cv to a shape and scale, happen here)."""
        return tuple(p.values()), (), ()

    def mean(self, d: Any) -> float:
        """E[X], exactly (the theory and the size checks use it)."""
        raise NotImplementedError

    def variance(self, d: Any) -> float:
        """Var[X], exactly."""
        raise NotImplementedError

    def draw(self, rng: Any, p0: float, p1: float, values: Any, n: int) -> Any:
        """``n`` draws, from the packed parameters ``p0, p1`` and the float64 array
        ``values`` (one call of the generator's own vectorised method)."""
        raise NotImplementedError

    def survival(self, params: tuple[float, ...], t: Any) -> Any:
        """S(t) = P(X > t) at the numpy array ``t``, for canonical ``params``
        (the kinds a call log's patience is fitted with: `ccsim.data.patience`)."""
        raise NotImplementedError(f"no survival function for {self.name}")

    def check(self, values: Any) -> None:
        """Raise ``ValueError`` if the packed ``values`` cannot be drawn from."""

    def sample(self, rng: Any, d: Any, n: int) -> Any:
        """``n`` independent draws of ``d`` from the numpy generator ``rng``."""
        import numpy as np

        params = tuple(float(p) for p in d.params) + (0.0, 0.0)
        values = np.ascontiguousarray(d.values, dtype=np.float64)
        self.check(values)
        return self.draw(rng, params[0], params[1], values, n)

    def scaled(self, d: Any, factor: float) -> Any:
        """``d`` with every duration multiplied by ``factor``: the mean scales, the cv stays."""
        return replace(d, params=tuple(p * factor for p in d.params))

    def parts(self, d: Any) -> tuple[tuple[float, Any], ...]:
        """``d`` as weighted parts none of which is a mixture (a mixture's components)."""
        return ((1.0, d),)

    def describe(self, d: Any) -> str:
        """The word outputs show for ``d``'s kind (the scenario table of the report)."""
        return self.name
