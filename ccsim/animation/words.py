"""Every word the animation shows, in English or Chinese, from one place.

The texts live in ccsim's catalogue (`ccsim.i18n.MESSAGES`, keys ``anim.*``), so
a test there checks that each has both languages.
"""

from __future__ import annotations

from ccsim.i18n import check_lang, tr


def word(key: str, lang: str = "en") -> str:
    """The animation's label ``key`` (``"busy"``, ``"waiting"`` …) in ``lang``."""
    return tr(f"anim.{key}", check_lang(lang))
