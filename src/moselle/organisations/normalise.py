"""Keys that tell whether two records name the same organisation: a normalised name and a website host.

Duplicates, catalogue imports and the legacy links all compare organisations with these, so a
name written "L-DIH S.A." in one source and "l dih sa" in another gives the same key.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Legal-form words dropped from a name before comparing; they say how a company is registered,
# not which company it is.
LEGAL_FORMS = frozenset(
    {
        "sa",
        "sarl",
        "sarls",
        "sas",
        "sasu",
        "sàrl",
        "asbl",
        "scs",
        "scsp",
        "snc",
        "sca",
        "se",
        "ag",
        "gmbh",
        "kg",
        "ohg",
        "ug",
        "ev",
        "bv",
        "nv",
        "vzw",
        "srl",
        "spa",
        "sl",
        "ltd",
        "limited",
        "llc",
        "inc",
        "plc",
        "oy",
        "ab",
        "as",
        "aps",
        "sp",
        "zoo",
        "doo",
        "kft",
        "sro",
        "co",
        "cie",
        "company",
    }
)

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# "Website" is what the European catalogue export holds where the link itself was lost.
_NOT_A_URL = frozenset({"", "website", "n/a", "na", "none", "-"})


def fold(text: str) -> str:
    """Lower case without accents, so "Universität" and "Universitat" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().replace("ß", "ss")


def name_key(name: str) -> str:
    """The words of a name, folded, without punctuation and legal forms, joined by single spaces."""
    words = _join_initials([word for word in _NOT_WORD.split(fold(name)) if word])
    kept = [word for word in words if word not in LEGAL_FORMS]
    return " ".join(kept or words)


def _join_initials(words: list[str]) -> list[str]:
    """A legal form written with dots ("S.A.", "S. à r.l.", "e.V.") falls apart into single letters: the
    end of a run of single letters that spells one becomes one word ("s a" → "sa"), so it is dropped
    like "SA". Other initials stay as they are."""
    joined: list[str] = []
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and len(words[end]) == 1:
            end += 1
        if end == start:
            joined.append(words[start])
            start += 1
            continue
        run = words[start:end]
        tail = next((i for i in range(len(run) - 1) if "".join(run[i:]) in LEGAL_FORMS), None)
        if tail is None:
            joined.extend(run)
        else:
            joined.extend([*run[:tail], "".join(run[tail:])])
        start = end
    return joined


def website_host(url: str) -> str:
    """The host of a website without "www." and port, or "" when the text is not a web address."""
    text = url.strip()
    if text.casefold() in _NOT_A_URL or " " in text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.casefold().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if "." not in host:
        return ""
    return host
