"""The Chinese font the page uses, cut down to the characters it can show.

The Noto Sans CJK SC that ccsim already depends on (through mplfonts) is 16 MB: too
much to send to every student's laptop over a classroom's Wi-Fi, and large enough
that a browser draws the first words before it arrives. The page only ever shows
the Chinese of ccsim's catalogue and of the lessons' names, so the server keeps a
subset of the font with just those characters (about 170 KB), made once with
fontTools (a dependency of matplotlib).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable

from ccsim.i18n import MESSAGES, _mplfonts_file

_lock = threading.Lock()
_cache: dict[frozenset[str], bytes | None] = {}


def page_characters(extra: Iterable[str] = ()) -> frozenset[str]:
    """Every non-ASCII character of the catalogue and of ``extra`` texts."""
    texts = [t for entry in MESSAGES.values() for t in entry.values()] + list(extra)
    return frozenset(c for text in texts for c in text if ord(c) > 127)


def cjk_subset(characters: frozenset[str]) -> bytes | None:
    """The Chinese font with only ``characters`` (OpenType bytes), or ``None`` when
    no font file is installed (the page then uses the system's fonts)."""
    with _lock:
        if characters not in _cache:
            _cache[characters] = _subset(characters)
        return _cache[characters]


def _subset(characters: frozenset[str]) -> bytes | None:
    path = _mplfonts_file()
    if path is None:
        return None
    from fontTools import subset

    options = subset.Options()
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()
