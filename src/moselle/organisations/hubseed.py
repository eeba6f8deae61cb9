"""The instance's own hub as seeded on a fresh install: L-DIH, its six services and its targets.

Facts from the hub's public description (see docs/architecture.md); every row stays editable.
"""

from __future__ import annotations

from datetime import date

from moselle.organisations.models import EdihCategory

HUB_ORGANISATION = "Luxembourg Digital Innovation Hub"
HUB_EDIH_NAME = "L-DIH"
HUB_COUNTRY = "LU"
# Its row in the European catalogue export of 2025-05-05, and the public facts the export gives.
HUB_CATALOGUE_REF = "edih-203"
HUB_DETAILS = {
    "trade_name": "L-DIH",
    "kinds": ["hub"],
    "address": "5 avenue des hauts fourneaux, 4362 Esch sur alzette, Luxembourg",
    "street": "5, avenue des Hauts-Fourneaux",
    "postcode": "L-4362",
    "locality": "Esch-sur-Alzette",
    "region": "LU00",
    "working_languages": ["en", "fr", "de", "lb"],
}

SERVICES = [
    (
        "skills_training",
        EdihCategory.SKILLS_AND_TRAINING,
        {"en": "Skills and training", "fr": "Compétences et formation", "de": "Kompetenzen und Weiterbildung"},
    ),
    (
        "european_networks",
        EdihCategory.ECOSYSTEM_AND_NETWORKING,
        {
            "en": "Access to European DIH networks",
            "fr": "Accès aux réseaux européens de DIH",
            "de": "Zugang zu europäischen DIH-Netzwerken",
        },
    ),
    (
        "awareness",
        EdihCategory.ECOSYSTEM_AND_NETWORKING,
        {"en": "Awareness raising", "fr": "Sensibilisation", "de": "Sensibilisierung"},
    ),
    (
        "funding",
        EdihCategory.SUPPORT_TO_FIND_INVESTMENTS,
        {
            "en": "Support to find funding",
            "fr": "Aide à la recherche de financement",
            "de": "Unterstützung bei der Finanzierungssuche",
        },
    ),
    (
        "ecosystem",
        EdihCategory.ECOSYSTEM_AND_NETWORKING,
        {
            "en": "Innovation ecosystem and networking",
            "fr": "Écosystème d'innovation et réseautage",
            "de": "Innovationsökosystem und Vernetzung",
        },
    ),
    (
        "test_before_invest",
        EdihCategory.TEST_BEFORE_INVEST,
        {"en": "Test before invest", "fr": "Tester avant d'investir", "de": "Testen vor dem Investieren"},
    ),
]

TARGET_PERIOD = (date(2023, 1, 1), date(2025, 12, 31))
TARGETS = [
    ("smes_informed", 250, {"en": "SMEs informed", "fr": "PME informées", "de": "Informierte KMU"}),
    ("smes_inspired", 125, {"en": "SMEs inspired", "fr": "PME inspirées", "de": "Inspirierte KMU"}),
    ("smes_engaged", 72, {"en": "SMEs engaged", "fr": "PME accompagnées", "de": "Begleitete KMU"}),
    (
        "cross_border_corridors",
        15,
        {"en": "Cross-border corridors", "fr": "Corridors transfrontaliers", "de": "Grenzüberschreitende Korridore"},
    ),
]
