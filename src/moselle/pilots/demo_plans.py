"""What the demo's test before invest is made of: the facilities' details by kind, the HPC offer published when
the demo catalogue has none, the gates' reasons and the twelve projects (invented for the demo, in English),
each with how far it went and when. ``pilots.demo`` runs them through the actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moselle.catalogue.models import Offer
from moselle.funding.models import Investment
from moselle.organisations.models import EdihCategory
from moselle.pilots.models import Facility, Project, Stage

F = Facility
HISTORY_DAYS = 730  # facilities are available from two years back, before the oldest project
WORKING_DAYS = [0, 1, 2, 3, 4]


@dataclass(frozen=True)
class Details:
    """What a kind of facility offers: its unit, capacity per period and price per unit."""

    kind: str
    unit: str
    period: str
    capacity: int
    price: str
    conditions: dict[str, str]


HPC = Details(
    F.Kind.HPC,
    F.Unit.CORE_HOURS,
    F.Period.MONTH,
    200_000,
    "0.04",
    {
        "en": "For companies of the Greater Region; a project plan and a specialist's onboarding come first. "
        "Jobs run in the shared queue; data stay on the system's encrypted storage.",
        "fr": "Pour les entreprises de la Grande Région ; un plan de projet et une prise en main avec un "
        "spécialiste d'abord. Les calculs passent par la file partagée ; les données restent sur le stockage "
        "chiffré du système.",
        "de": "Für Unternehmen der Großregion; zuerst ein Projektplan und eine Einarbeitung mit einer Fachkraft. "
        "Die Rechenjobs laufen in der gemeinsamen Warteschlange; die Daten bleiben im verschlüsselten Speicher.",
    },
)
AI_LAB = Details(
    F.Kind.AI_LAB,
    F.Unit.GPU_HOURS,
    F.Period.MONTH,
    3_000,
    "1.80",
    {
        "en": "GPU servers with a data scientist's support; your data are deleted at the end of the project.",
        "fr": "Serveurs GPU avec l'appui d'un data scientist ; vos données sont effacées à la fin du projet.",
        "de": "GPU-Server mit Unterstützung durch Data Scientists; Ihre Daten werden am Projektende gelöscht.",
    },
)
CYBER_RANGE = Details(
    F.Kind.CYBER_RANGE,
    F.Unit.TESTBED_DAYS,
    F.Period.DAY,
    2,
    "900.00",
    {
        "en": "A replica of your network is built in the range first; tests run under a signed rules of "
        "engagement, never on your live systems.",
        "fr": "Une réplique de votre réseau est d'abord construite dans le cyber range ; les tests suivent des "
        "règles d'engagement signées, jamais sur vos systèmes en production.",
        "de": "Zuerst wird eine Nachbildung Ihres Netzes in der Cyber Range aufgebaut; getestet wird nach "
        "unterschriebenen Einsatzregeln, nie an Ihren laufenden Systemen.",
    },
)
TESTBED_5G = Details(
    F.Kind.TESTBED_5G,
    F.Unit.TESTBED_DAYS,
    F.Period.WEEK,
    5,
    "650.00",
    {
        "en": "A private 5G network on an indoor test floor of 1,200 m²; bring your vehicles or devices.",
        "fr": "Un réseau 5G privé sur une surface d'essai couverte de 1 200 m² ; apportez vos véhicules ou appareils.",
        "de": "Ein privates 5G-Netz auf einer überdachten Testfläche von 1.200 m²; bringen Sie Ihre Fahrzeuge "
        "oder Geräte mit.",
    },
)
PILOT_LINE = Details(
    F.Kind.PILOT_LINE,
    F.Unit.LINE_SHIFTS,
    F.Period.WEEK,
    10,
    "1400.00",
    {
        "en": "Two shifts a day, Monday to Friday, with the line's operators; safety briefing on the first day.",
        "fr": "Deux postes par jour, du lundi au vendredi, avec les opérateurs de la ligne ; consignes de "
        "sécurité le premier jour.",
        "de": "Zwei Schichten am Tag, Montag bis Freitag, mit dem Bedienpersonal der Linie; "
        "Sicherheitsunterweisung am ersten Tag.",
    },
)
OTHER = Details(
    F.Kind.OTHER,
    F.Unit.TESTBED_DAYS,
    F.Period.WEEK,
    5,
    "500.00",
    {
        "en": "Remote access with an engineer's onboarding; book whole days.",
        "fr": "Accès à distance avec une prise en main par un ingénieur ; réservation à la journée.",
        "de": "Fernzugang mit Einarbeitung durch eine Fachkraft; Buchung ganzer Tage.",
    },
)
LAB_CONDITIONS = {
    "en": "With one of our engineers, Monday to Friday, 8:00 to 17:00; bring your parts and their drawings.",
    "fr": "Avec l'un de nos ingénieurs, du lundi au vendredi, de 8 h à 17 h ; apportez vos pièces et leurs plans.",
    "de": "Mit einer unserer Fachkräfte, Montag bis Freitag, 8 bis 17 Uhr; bringen Sie Ihre Teile und Zeichnungen mit.",
}
# The technology an offer's English title begins with decides the kind of facility, first match wins.
BY_TECHNOLOGY: tuple[tuple[tuple[str, ...], Details], ...] = (
    (("high performance computing", "hpc", "supercomput"), HPC),
    (("artificial intelligence", "big data", "vision"), AI_LAB),
    (("cybersecurity", "cyber range"), CYBER_RANGE),
    (("communication network", "5g"), TESTBED_5G),
    (("robotics", "cyber-physical", "laser", "additive"), PILOT_LINE),
)
# Titles of the demo catalogue's patterns that sell days in a lab (catalogue/data/demo/offer_patterns.json).
BY_THE_DAY = ("test days in our lab", "by the day")

HPC_OFFER: dict[str, Any] = {
    "kind": Offer.Kind.TEST_FACILITY,
    "category": EdihCategory.TEST_BEFORE_INVEST,
    "title": {
        "en": "High performance computing: supercomputer time for simulation and AI",
        "fr": "Calcul haute performance : temps de supercalculateur pour la simulation et l'IA",
        "de": "Hochleistungsrechnen: Rechenzeit auf dem Supercomputer für Simulation und KI",
    },
    "description": {
        "en": "Run your simulations and train your models on our HPC system before you buy your own: "
        "core-hours by the month, and a specialist who ports your first jobs with you.",
        "fr": "Lancez vos simulations et entraînez vos modèles sur notre système HPC avant d'acheter le vôtre : "
        "des heures-cœur au mois et un spécialiste qui porte vos premiers calculs avec vous.",
        "de": "Rechnen Sie Ihre Simulationen und trainieren Sie Ihre Modelle auf unserem HPC-System, bevor Sie "
        "ein eigenes kaufen: Kernstunden im Monat und eine Fachkraft, die Ihre ersten Jobs mit Ihnen portiert.",
    },
    "delivery": Offer.Delivery.REMOTE,
    "languages": ["en", "fr", "de"],
    "countries": ["LU", "BE", "DE", "FR"],
    "price_kind": Offer.PriceKind.SUBSIDISED,
    "price_min": "0",
    "price_max": "2500",
    "trl_min": 4,
    "trl_max": 8,
    "lead_time_days": 10,
}

GATE_REASONS = {
    Stage.FEASIBILITY: "Scope, objectives and success criteria agreed with the company.",
    Stage.EXECUTION: "Feasible: the data are available, the partners and the facility time are planned.",
    Stage.EVALUATION: "The work is done; the results are measured against the criteria.",
    Stage.DECISION: "Every milestone is done and the results are in: the company is ready to decide.",
}


@dataclass(frozen=True)
class Plan:
    """One demo project: what it is, for which kind of company, and how far it went, when (days ago)."""

    kind: str
    title: str
    scope: str
    objectives: str
    technologies: tuple[str, ...]
    sectors: tuple[str, ...]  # NACE codes the company's activity begins with, the first that has one wins
    criteria: tuple[tuple[str, str, str, bool], ...]  # text, target, the result, met
    milestones: tuple[tuple[str, str, float], ...]  # kind, title, when due (share of the work's length)
    budgets: tuple[int, int]  # the partner doing the work, the advising university
    aid: int
    days: tuple[int, ...]  # opened, then each gate passed, the decision and the sign-off (days ago)
    length: int = 120  # days the proof of concept or pilot is planned to take
    facility: Details | None = None
    units: int = 0  # booked in each period
    booked: tuple[int, int] = (0, 0)  # the booking's first and last day, counted from the start
    stopped: int | None = None  # days ago
    decision: str = ""
    reason: str = ""
    lessons: str = ""
    next_steps: str = ""
    sign_off_note: str = ""
    investment: tuple[int, str] | None = None
    featured: bool = False
    results_recorded: int = 99  # in evaluation: how many criteria already have their result


AI_INSPECTION = Plan(
    kind=Project.Kind.PILOT,
    title="AI quality inspection of machined housings",
    scope="A camera station at the end of the turning line photographs every housing; a model trained on the "
    "lab's GPU servers sorts out scratches, burrs and porosity. Three weeks of production are inspected beside "
    "the manual check.",
    objectives="Show that automated inspection finds the defects the manual check finds, without more false "
    "rejects, fast enough for the line's cycle time.",
    technologies=("Artificial Intelligence & Decision support", "Sensors & Vision Processing Systems"),
    sectors=(),
    criteria=(
        ("Defects found on the labelled test set", "at least 95 %", "97.2 % of 1,450 labelled defects found", True),
        ("Good parts rejected", "below 2 %", "1.4 % over three weeks of production", True),
        ("Inspection time per part", "under 4 seconds", "2.6 seconds with one camera station", True),
    ),
    milestones=(
        ("milestone", "Images of 3,000 parts collected and labelled", 0.25),
        ("deliverable", "Trained model and camera station on the line", 0.6),
        ("deliverable", "Final report: results and roll-out plan", 1.0),
    ),
    budgets=(42_000, 6_000),
    aid=25_000,
    days=(540, 515, 485, 335, 310, 300, 292),
    length=150,
    facility=AI_LAB,
    units=600,
    booked=(7, 120),
    decision=Project.Decision.GO,
    reason="All three criteria were met; two camera stations pay back in under two years.",
    lessons="Labelling took twice as long as planned: the operators' knowledge of defects is what makes the "
    "model good. Lighting matters more than the camera.",
    next_steps="Buy two camera stations for the turning lines; the research institute trains the operators.",
    sign_off_note="We go ahead with two camera stations.",
    investment=(85_000, Investment.Kind.OWN_FUNDS),
    featured=True,
)
TWIN_NO_GO = Plan(
    kind=Project.Kind.POC,
    title="Digital twin of the five-axis milling cell",
    scope="A simulation model of the milling cell, calibrated on eight reference parts, predicts cycle times "
    "and collisions of new programmes on the HPC system before they run on the machine.",
    objectives="Find out whether the twin can replace the trial runs of new parts and cut set-up time.",
    technologies=("Digital twins", "Simulation engineering and modelling", "High performance computing"),
    sectors=(),
    criteria=(
        ("Cycle time predicted by the twin", "within 5 % of the measured time", "within 11 % on 8 parts", False),
        ("Set-up time saved on new parts", "at least 20 %", "12 % on three new parts", False),
    ),
    milestones=(
        ("milestone", "Machine and tool data collected", 0.3),
        ("deliverable", "Calibrated simulation model", 0.7),
        ("deliverable", "Comparison report on the reference parts", 1.0),
    ),
    budgets=(28_000, 4_000),
    aid=0,
    days=(430, 410, 380, 260, 240, 232, 225),
    length=120,
    facility=HPC,
    units=40_000,
    booked=(10, 110),
    decision=Project.Decision.NO_GO,
    reason="The twin does not predict cycle times closely enough to replace trial runs: the controller does "
    "not give the data it needs.",
    lessons="A twin needs the controller's live data; without a newer controller the model stays too rough.",
    next_steps="Look at it again when the milling cell's controller is replaced (planned in two years).",
    sign_off_note="Agreed: not before the new controller.",
    featured=True,
)
PLANS: tuple[Plan, ...] = (
    AI_INSPECTION,
    TWIN_NO_GO,
    Plan(
        kind=Project.Kind.PILOT,
        title="HPC simulation of distortion in heat treatment",
        scope="Simulate the distortion of gear blanks during hardening on the HPC system, compare it with "
        "measured parts and adjust the furnace loading plan from the simulation.",
        objectives="Reduce the parts reworked after hardening by choosing the loading from the simulation.",
        technologies=("High performance computing", "Simulation engineering and modelling"),
        sectors=("25.52", "25.5", "25"),
        criteria=(
            ("Distortion predicted", "within 0.05 mm of the measured value", "within 0.04 mm on 40 parts", True),
            ("Parts reworked after hardening", "down by a third", "down from 9 % to 5 %", True),
        ),
        milestones=(
            ("milestone", "Material data and furnace curves collected", 0.2),
            ("deliverable", "Calibrated simulation of the hardening", 0.6),
            ("deliverable", "Loading plan tested on two batches", 1.0),
        ),
        budgets=(45_000, 7_500),
        aid=30_000,
        days=(330, 310, 280, 120, 60, 18),
        length=160,
        facility=HPC,
        units=60_000,
        booked=(7, 150),
        decision=Project.Decision.GO,
        reason="Both criteria met; rework fell by almost half on the test batches.",
        lessons="The simulation is only as good as the material data: measure them on your own steel grades.",
        next_steps="Licence the simulation software and train two engineers; rent HPC time as needed.",
    ),
    Plan(
        kind=Project.Kind.PILOT,
        title="AI inspection of weld seams",
        scope="Cameras on the welding robot record every seam; a model trained in the AI lab flags pores, "
        "undercuts and missing welds before the part is painted.",
        objectives="Show that the weld seams can be checked on every part instead of one in twenty.",
        technologies=("Artificial Intelligence & Decision support", "Sensors & Vision Processing Systems"),
        sectors=("25.11", "25.1", "25"),
        criteria=(
            ("Faulty seams found", "at least 90 %", "93 % of 310 faulty seams found", True),
            ("Seams wrongly flagged", "below 5 %", "3.1 % over four weeks", True),
            ("Operators' acceptance", "the shift leaders use it daily", "", True),
        ),
        milestones=(
            ("milestone", "Cameras mounted on the welding robot", 0.2),
            ("deliverable", "Model trained on 12,000 seam images", 0.6),
            ("deliverable", "Four weeks of inspection on the line", 1.0),
        ),
        budgets=(36_000, 5_000),
        aid=20_000,
        days=(260, 240, 205, 25),
        length=170,
        facility=AI_LAB,
        units=400,
        booked=(14, 150),
        results_recorded=2,
    ),
    Plan(
        kind=Project.Kind.POC,
        title="HPC simulation of injection moulding for a thinner packaging range",
        scope="Simulate the filling and cooling of three moulds with 20 % thinner walls on the HPC system, "
        "before the mould maker is ordered.",
        objectives="Find the wall thickness and gate positions that fill without defects, and the cycle time.",
        technologies=("High performance computing", "Simulation engineering and modelling"),
        sectors=("22.22", "22.2", "22"),
        criteria=(
            ("Moulds that fill without short shots", "all three", "", True),
            ("Cycle time of the thinnest variant", "at most the current 14 seconds", "", True),
        ),
        milestones=(
            ("milestone", "CAD models and material data handed over", 0.15),
            ("deliverable", "Filling simulations of the three moulds", 0.55),
            ("deliverable", "Recommendation for the mould maker", 1.0),
        ),
        budgets=(24_000, 4_000),
        aid=18_000,
        days=(160, 140, 100),
        length=150,
        facility=HPC,
        units=50_000,
        booked=(5, 140),
    ),
    Plan(
        kind=Project.Kind.PILOT,
        title="5G test of automated guided vehicles for the warehouse",
        scope="Two AGVs run the warehouse's pallet routes on the 5G test bed, then the company decides whether "
        "its own site needs a private 5G network or Wi-Fi is enough.",
        objectives="Measure latency, hand-over and positioning of the AGVs on 5G against the warehouse's Wi-Fi.",
        technologies=("Communication network", "Robotics", "Logistics"),
        sectors=("52.1", "52", "49"),
        criteria=(
            ("Control latency", "under 20 ms in 99 % of messages", "", True),
            ("Hand-overs between cells without a stop", "no stop in 500 runs", "", True),
        ),
        milestones=(
            ("milestone", "Pallet routes modelled on the test floor", 0.2),
            ("deliverable", "Measurement campaign on 5G and Wi-Fi", 0.7),
            ("deliverable", "Recommendation for the warehouse network", 1.0),
        ),
        budgets=(32_000, 5_000),
        aid=15_000,
        days=(120, 100, 45),
        length=90,
        facility=TESTBED_5G,
        units=3,
        booked=(3, 80),
    ),
    Plan(
        kind=Project.Kind.POC,
        title="Cybersecurity penetration test of the production site's OT network",
        scope="A replica of the OT network (PLCs, HMIs, the remote-maintenance gateway) is built in the cyber "
        "range and attacked as an outsider and as an insider would.",
        objectives="Find the weaknesses of the OT network before the line is connected to the ERP.",
        technologies=("Cybersecurity", "Cyber-physical systems"),
        sectors=("28", "27", "26"),
        criteria=(
            ("Critical findings with a fix", "every critical finding has a fix planned", "", True),
            ("Segmentation between office and OT networks", "no path found from the office network", "", True),
        ),
        milestones=(
            ("milestone", "Network inventory and replica built", 0.3),
            ("deliverable", "Penetration test report", 0.8),
            ("milestone", "Fixes reviewed with the company's IT", 1.0),
        ),
        budgets=(18_000, 3_000),
        aid=0,
        days=(95, 80, 30),
        length=60,
        facility=CYBER_RANGE,
        units=1,
        booked=(28, 39),
    ),
    Plan(
        kind=Project.Kind.PILOT,
        title="Robot cell for deburring: pilot on the line",
        scope="A collaborative robot deburrs stamped parts on the pilot line, then in the company's workshop.",
        objectives="Show that the robot cell deburrs the three main parts at the line's rate.",
        technologies=("Robotics", "Cyber-physical systems"),
        sectors=("25.9", "25.1", "25"),
        criteria=(
            ("Parts deburred to the drawing", "at least 98 %", "", True),
            ("Rate", "at least 120 parts an hour", "", True),
        ),
        milestones=(
            ("milestone", "Gripper and tools designed", 0.25),
            ("deliverable", "Cell running on the pilot line", 0.6),
            ("deliverable", "Cell running in the workshop", 1.0),
        ),
        budgets=(30_000, 4_000),
        aid=12_000,
        days=(300, 285, 255),
        length=120,
        facility=PILOT_LINE,
        units=4,
        booked=(14, 100),
        stopped=200,
        reason="The customer order the cell was for was cancelled; the company puts the investment on hold.",
    ),
    Plan(
        kind=Project.Kind.POC,
        title="Digital twin of the packaging line",
        scope="A simulation model of the packaging line tests new formats and the line's balance before they "
        "are changed on the shop floor.",
        objectives="Find out whether a twin of the line pays for itself through fewer format trials.",
        technologies=("Digital twins", "Simulation engineering and modelling"),
        sectors=("17.2", "22.22", "22"),
        criteria=(
            ("Output predicted", "within 5 % of the measured output", "", True),
            ("Format trials avoided", "two trials of three", "", True),
        ),
        milestones=(
            ("milestone", "Line data collected for four weeks", 0.3),
            ("deliverable", "Simulation model of the line", 0.7),
            ("deliverable", "Format trial compared with the model", 1.0),
        ),
        budgets=(26_000, 4_000),
        aid=20_000,
        days=(70, 45),
        length=120,
    ),
    Plan(
        kind=Project.Kind.POC,
        title="Predictive maintenance of the printing presses",
        scope="Vibration and temperature sensors on two presses feed a model that warns before a bearing or "
        "a roller fails.",
        objectives="Warn at least a week before a failure, with few false alarms.",
        technologies=("Artificial Intelligence & Decision support", "Internet of Things", "Big data"),
        sectors=("18.1", "18", "17"),
        criteria=(
            ("Failures warned of", "at least a week before, for 4 of 5 failures", "", True),
            ("False alarms", "at most one a month", "", True),
        ),
        milestones=(
            ("milestone", "Sensors fitted on two presses", 0.2),
            ("deliverable", "Warning model trained on three months of data", 0.8),
        ),
        budgets=(22_000, 3_500),
        aid=10_000,
        days=(55, 30),
        length=180,
    ),
    Plan(
        kind=Project.Kind.POC,
        title="Topology optimisation of a lifting arm on the HPC system",
        scope="Optimise the shape of a lifting arm for additive manufacturing with simulation runs on the HPC "
        "system, then print and test one arm.",
        objectives="A lighter arm that carries the same load.",
        technologies=("High performance computing", "Simulation engineering and modelling", "Additive manufacturing"),
        sectors=("28.22", "28.2", "28"),
        criteria=(("Weight of the arm", "at least 25 % lighter", "", True),),
        milestones=(("deliverable", "Optimised design", 0.6), ("deliverable", "Printed arm tested", 1.0)),
        budgets=(20_000, 3_000),
        aid=0,
        days=(21,),
        length=90,
    ),
    Plan(
        kind=Project.Kind.POC,
        title="AI quality inspection of baked goods",
        scope="A camera over the cooling belt checks the colour, size and shape of every loaf.",
        objectives="Find out whether a camera can replace the manual sorting at the end of the line.",
        technologies=("Artificial Intelligence & Decision support", "Sensors & Vision Processing Systems"),
        sectors=("10.7", "10.8", "10"),
        criteria=(("Loaves sorted as the bakers would", "at least 95 %", "", True),),
        milestones=(("milestone", "Images of a week's production", 0.3), ("deliverable", "Test on the line", 1.0)),
        budgets=(15_000, 2_500),
        aid=0,
        days=(8,),
        length=90,
    ),
)
