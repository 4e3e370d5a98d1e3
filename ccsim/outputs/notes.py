"""Notes that the planning commands print (``note: …``), in the reader's language.

The notes are English strings in the results (`StaffingResult.notes`, a schedule's
``notes``; the ``--json`` documents publish them as they are). For a Chinese table
they are translated here, by the ``note.*`` entries of the catalogue: each entry's
English text is the note's template (``{name}`` stands for a value), so a note is
matched against the templates and rewritten with the Chinese one. A note no template
matches is printed as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ccsim.i18n import MESSAGES, check_lang


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[tuple[re.Pattern, str]], dict[str, str]]:
    """The templates with placeholders, longest first (the most specific wins), and
    the fixed texts (a value such as a model's name is translated by these)."""
    patterns, fixed = [], {}
    entries = [t for k, t in MESSAGES.items() if k.startswith("note.")]
    for texts in sorted(entries, key=lambda t: -len(t["en"])):
        parts = re.split(r"\{(\w+)\}", texts["en"])
        if len(parts) == 1:
            fixed[texts["en"]] = texts["zh"]
        regex = "".join(
            re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)
        )
        patterns.append((re.compile(f"^{regex}$"), texts["zh"]))
    return patterns, fixed


def translate_note(note: str, lang: str = "en") -> str:
    """``note`` in ``lang``: English as it is; Chinese by the first template it matches."""
    if check_lang(lang) == "en":
        return note
    patterns, fixed = _patterns()
    for pattern, zh in patterns:
        m = pattern.match(note)
        if m:
            return zh.format(**{k: fixed.get(v, v) for k, v in m.groupdict().items()})
    return note
