"""Where a company's file may go without more: inside the European Economic Area, or to a country the
Commission found adequate (GDPR Art. 45). Elsewhere the consent text names the transfer and its risks
(Art. 49(1)(a): explicit consent after being informed of the possible risks).

Sources: the EEA is the 27 member states plus Iceland, Liechtenstein and Norway. Adequacy decisions as listed
on the Commission's page "Adequacy decisions" (commission.europa.eu, data protection, international
dimension): Andorra, Argentina, Canada (commercial organisations), Faroe Islands, Guernsey, Israel, Isle of
Man, Japan, Jersey, New Zealand, Republic of Korea, Switzerland, the United Kingdom, the United States
(organisations certified under the EU-US Data Privacy Framework only, so not assumed here) and Uruguay; the
European Patent Organisation is left out (no hub). Review this list when the Commission adopts or withdraws a
decision.
"""

from __future__ import annotations

EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
EEA = EU | {"IS", "LI", "NO"}
ADEQUATE = frozenset(["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"])


def needs_transfer_warning(country: str) -> bool:
    """True when a file sent to an organisation in ``country`` leaves the EEA for a country without an
    adequacy decision."""
    code = (country or "").upper()
    if code == "EL":  # Eurostat's code for Greece
        code = "GR"
    if code == "UK":
        code = "GB"
    return code not in EEA and code not in ADEQUATE
