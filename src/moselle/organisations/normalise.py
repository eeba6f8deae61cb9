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
    words = [word for word in _NOT_WORD.split(fold(name)) if word]
    kept = [word for word in words if word not in LEGAL_FORMS]
    return " ".join(kept or words)


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
