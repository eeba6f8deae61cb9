"""Text as the engine and the baseline read it: folded to lower case without accents, cut into words."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed, ß as ss: "Données Übersicht" -> "donnees ubersicht"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))
