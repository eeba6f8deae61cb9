"""Text as the engine and the baseline read it: folded to lower case without accents, cut into words."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


# Letters that carry no accent to remove but are letters of their own: written out, so that "main-d'œuvre"
# is one word and "Łódź" reads as "lodz" (dropping them would cut "œuvre" into "uvre").
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"})


def fold(text: str) -> str:
    """Lower case, accents removed, ß as ss, œ as oe: "Données Übersicht" -> "donnees ubersicht"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))
