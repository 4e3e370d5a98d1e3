"""The one error a scenario can raise: it names the file, line and field.

>>> str(ScenarioError("must be > 0", path=("call_types", "billing", "patience", "mean"),
...                   file="bank.yaml", line=12))
'bank.yaml:12: call_types.billing.patience.mean: must be > 0'
"""

from __future__ import annotations

#: A field's location in the scenario data: mapping keys and list indices.
Loc = tuple[object, ...]


def format_path(loc: Loc) -> str:
    """``("call_types", "billing", "volumes", 3)`` -> ``"call_types.billing.volumes[3]"``."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class ScenarioError(ValueError):
    """A scenario that cannot be loaded, and where: ``"{file}:{line}: {path}: {message}"``.

    ``file`` is the scenario (or the CSV file it refers to), ``line`` is 1-based,
    ``path`` the dotted field path (``call_types.billing.volumes[3]``); each may be
    None, and ``str()`` leaves missing parts out. ``loc`` keeps the path as a
    tuple, for the loader to look up its line.

    Parameters
    ----------
    message : str
        What is wrong, and what is allowed.
    path : tuple or str, optional
        The field: a location tuple (``("call_types", "billing", "volumes", 3)``) or
        its dotted text.
    file : str, optional
        The scenario, sweep or CSV file.
    line : int, optional
        The 1-based line in ``file``.

    Examples
    --------
    >>> str(ScenarioError("must be >= 0, got -1", path=("agent_groups", "team", "agents")))
    'agent_groups.team.agents: must be >= 0, got -1'
    """

    def __init__(
        self,
        message: str,
        *,
        path: Loc | str | None = None,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.loc: Loc = path if isinstance(path, tuple) else ()
        self.path = (format_path(path) if isinstance(path, tuple) else path) or None
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return ": ".join(part for part in (where, self.path, self.message) if part)

    def __reduce__(self):  # keyword-only arguments: pickle (multiprocessing) needs this
        return (_rebuild, (self.message, self.loc or self.path, self.file, self.line))


def _rebuild(message: str, path: Loc | str | None, file: str | None, line: int | None):
    return ScenarioError(message, path=path, file=file, line=line)
