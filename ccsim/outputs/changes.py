"""What-if changes in words a trainer reads, instead of override paths.

``--set agent_groups.team.agents=11`` is exact for the program and opaque on a
slide; `parameter_label` says "team: agents" (座席组：座席员人数) and
`change_label` "team: 11 agents"-like text, in English or Chinese, from the
field words of the catalogue (``field.*`` in `ccsim.i18n`). Names from the
scenario (a team, a queue, an IVR node) stay as the scenario spells them.

Used for the alternative's name in ``ccsim compare``, the panel titles of
``ccsim animate`` and the axis, legend and title of ``ccsim sweep``'s chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ccsim.i18n import MESSAGES, check_lang, tr
from ccsim.scenario.overrides import SCALE_KEY, parse_path

#: The top-level sections whose second part is a name from the scenario.
NAMED_SECTIONS = ("call_types", "agent_groups", "outbound")


def _field(part: str, lang: str) -> str:
    entry = MESSAGES.get(f"field.{part}")
    return entry[lang] if entry else part


def parameter_label(path: str, lang: str = "en") -> str:
    """A sweep or override path in words: ``agent_groups.team.agents`` -> ``team:
    agents`` / ``team：座席员人数``; ``scale_arrivals`` -> arrivals × / 来电量倍数."""
    lang = check_lang(lang)
    if path == SCALE_KEY or path.startswith(SCALE_KEY + "."):
        scaled = path.partition(".")[2]
        text = tr("field.scale_arrivals", lang)
        return _of(scaled, text, lang) if scaled else text
    try:
        parts = [str(p) for p in parse_path(path)]
    except Exception:  # not a path: keep it as it is
        return path
    name: str | None = None
    rest = parts
    if parts[0] in NAMED_SECTIONS and len(parts) >= 3:
        name, rest = parts[1], parts[2:]
    elif parts[0] == "ivr" and len(parts) >= 4 and parts[1] == "nodes":
        name, rest = tr("field.ivr_node", lang, name=parts[2]), parts[3:]
    words = [_field(p, lang) for p in rest if not p.isdigit()]
    text = (" " if lang == "en" else "").join(_dedupe(words)) or _field(parts[-1], lang)
    return _of(name, text, lang) if name else text


def _of(name: str, field: str, lang: str) -> str:
    """A field of a named thing: ``team: agents``, ``座席组：座席员人数``."""
    return f"{name}：{field}" if lang == "zh" else f"{name}: {field}"


def _dedupe(words: list[str]) -> list[str]:
    """``handle_time.mean`` reads "AHT" alone: the mean of a duration is the duration."""
    out = [w for w in words if w not in ("mean", "均值")] or words
    return out


def value_label(value: Any, lang: str = "en") -> str:
    """A value as set: mappings as ``k: v`` lists, others as they are."""
    if isinstance(value, dict):
        return ", ".join(f"{_field(str(k), lang)} {value_label(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value_label(v, lang) for v in value) + "]"
    return _field(value, lang) if isinstance(value, str) else str(value)


def change_label(text: str, lang: str = "en") -> str:
    """One ``--set PATH=VALUE`` (or ``--scale-arrivals [TYPE=]F``) in words."""
    import yaml

    kind, _, rest = text.partition(" ")
    if kind == "--scale-arrivals":
        name, eq, factor = rest.rpartition("=")
        path = f"{SCALE_KEY}.{name}" if eq else SCALE_KEY
        return f"{parameter_label(path, lang)} {factor or rest}"
    path, _, raw = (rest if kind == "--set" else text).partition("=")
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    return f"{parameter_label(path, lang)} = {value_label(value, lang)}"


def changes_title(changes: Iterable[str], lang: str = "en") -> str:
    """Several changes, in words, joined."""
    sep = ", " if check_lang(lang) == "en" else "，"
    return sep.join(change_label(c, lang) for c in changes)


def point_label(parameters: Sequence[str], values: Sequence[Any], lang: str = "en") -> str:
    """A sweep point: each parameter in words with its value."""
    sep = ", " if check_lang(lang) == "en" else "，"
    return sep.join(
        f"{parameter_label(p, lang)} = {value_label(v, lang)}"
        for p, v in zip(parameters, values, strict=True)
    )
