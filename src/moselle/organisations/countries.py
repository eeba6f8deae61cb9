"""Country names as the European catalogues write them, and the ISO 3166 codes the registry keeps."""

from __future__ import annotations

from moselle.organisations.normalise import fold

# Every country named in the 2025 EDIH catalogue and the 2022 S3 catalogue, and the other
# members of the EU and EEA. Kosovo has no ISO code; XK is the code the Commission uses.
CODES: dict[str, str] = {
    "Albania": "AL",
    "Austria": "AT",
    "Belgium": "BE",
    "Bosnia and Herzegovina": "BA",
    "Bulgaria": "BG",
    "Croatia": "HR",
    "Cyprus": "CY",
    "Czechia": "CZ",
    "Czech Republic": "CZ",
    "Denmark": "DK",
    "Estonia": "EE",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Greece": "GR",
    "Hungary": "HU",
    "Iceland": "IS",
    "Ireland": "IE",
    "Israel": "IL",
    "Italy": "IT",
    "Kosovo": "XK",
    "Latvia": "LV",
    "Liechtenstein": "LI",
    "Lithuania": "LT",
    "Luxembourg": "LU",
    "Malta": "MT",
    "Moldova": "MD",
    "Montenegro": "ME",
    "Netherlands": "NL",
    "North Macedonia": "MK",
    "Norway": "NO",
    "Poland": "PL",
    "Portugal": "PT",
    "Romania": "RO",
    "Serbia": "RS",
    "Slovakia": "SK",
    "Slovenia": "SI",
    "Spain": "ES",
    "Sweden": "SE",
    "Switzerland": "CH",
    "Türkiye": "TR",
    "Turkey": "TR",
    "Ukraine": "UA",
    "United Kingdom": "GB",
}

_BY_FOLDED = {fold(name): code for name, code in CODES.items()}
KNOWN_CODES = frozenset(CODES.values())


def code_for(name: str) -> str:
    """The ISO code for a country name or code as the sources write it, or "" when unknown."""
    text = name.strip()
    if len(text) == 2 and text.upper() in KNOWN_CODES:
        return text.upper()
    return _BY_FOLDED.get(fold(text), "")
