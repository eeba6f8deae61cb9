"""The demo's test before invest: facilities and a year and a half of proofs of concept and pilots.

Every published test-facility offer of the demo catalogue gets a facility's details, chosen from its title: an
HPC system sells core-hours per month, an AI lab GPU-hours, a lab or a test bench days (one to three a day,
Monday to Friday), a cyber range days, a 5G test bed days per week, a pilot line shifts per week. When no offer
looks like an HPC system, a research organisation that runs a test facility publishes one, so that the demo
always has one. Twelve projects of demo companies are then run in every stage and status: a few in scoping and
feasibility, some running with facility time booked and its use recorded, one in evaluation with results, one
decided and waiting for the company's sign-off, two completed (a go that triggered an investment, a no-go; both
of the featured company, whose member signs them off), one stopped. Each has a research organisation doing the
work and a university advising; some carry de minimis aid, granted when the pilot started.

Written through the pilots actions by the demo advisor, reproducible from the demo seed, and loaded once. The
actions date what they write today and book only periods to come; the demo moves the dates of what happened
(gates, start, grant, service record, bookings, decision, sign-off and their timeline entries) back to when it
happened with a plain update, as the skills and events demos do. Bookings of periods already over are made in
periods to come and moved back the same way, never beyond a facility's capacity.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from moselle.accounts.models import User
from moselle.catalogue import actions as catalogue
from moselle.catalogue.models import Offer
from moselle.core.models_taxonomy import Technology
from moselle.funding.models import Investment
from moselle.journeys.demo import ADVISOR, COMPANY
from moselle.journeys.models import Activity, RoadmapAction
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import EdihCategory, Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Facility, Gate, Partner, Project, Stage
from moselle.reporting import ledger
from moselle.reporting.models import AidBasis, Grant, ServiceRecord

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


@dataclass
class DemoPilots:
    facilities: int = 0
    hpc_offer: bool = False
    projects: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    bookings: int = 0
    used: int = 0
    grants: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo test before invest: already there."
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(self.by_status.items()))
        added = " (an HPC offer added)" if self.hpc_offer else ""
        return (
            f"Demo test before invest: {self.facilities} facilities{added}, {self.projects} projects ({statuses}), "
            f"{self.bookings} bookings ({self.used} with their use recorded), {self.grants} de minimis grants."
        )


def load_demo_pilots(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoPilots:
    """Write the demo's facilities and projects once, all or nothing."""
    report = DemoPilots()
    if Facility.objects.filter(offer__is_demo=True).exists() or Project.objects.filter(is_demo=True).exists():
        report.skipped = True
        return report
    advisor = User.objects.filter(email=ADVISOR).first()
    signatory = User.objects.filter(email=COMPANY).first()
    if advisor is None or signatory is None:
        raise RuntimeError("Load the demo people before the demo test before invest.")
    rng = random.Random(f"pilots-{seed}")  # noqa: S311  invented demo data, not a secret
    with transaction.atomic():
        facilities = _facilities(advisor, rng, report)
        for plan, company in _companies(rng):
            _project(advisor, signatory, plan, company, facilities, rng, report)
    return report


def _moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


# --- Facilities ----------------------------------------------------------------------------------------------


def details_of(offer: Offer, rng: random.Random) -> dict[str, Any]:
    """The facility's details, from its English title: the technology it begins with, and whether it sells
    days in a lab (then one to three a day, Monday to Friday, at the offer's price); an HPC system always
    sells core-hours by the month."""
    title = str((offer.title or {}).get("en", "")).casefold()
    technology = title.split(":", 1)[0]
    chosen = next((details for words, details in BY_TECHNOLOGY if any(w in technology for w in words)), OTHER)
    data: dict[str, Any] = {
        "kind": chosen.kind,
        "unit": chosen.unit,
        "period": chosen.period,
        "capacity": chosen.capacity,
        "price_per_unit": chosen.price,
        "access_conditions": chosen.conditions,
        "available_from": _ago(HISTORY_DAYS),
        "open_weekdays": WORKING_DAYS,
    }
    if chosen is not HPC and any(words in title for words in BY_THE_DAY):
        data.update(
            unit=F.Unit.LAB_DAYS,
            period=F.Period.DAY,
            capacity=rng.randint(1, 3),
            price_per_unit=str(offer.price_max or offer.price_min or Decimal("1200")),
            access_conditions=LAB_CONDITIONS,
        )
        if chosen in (PILOT_LINE, TESTBED_5G):
            data["kind"] = F.Kind.OTHER
    return data


def _facilities(advisor: User, rng: random.Random, report: DemoPilots) -> dict[str, list[Facility]]:
    """Details for every published demo test facility, and an HPC system if none looks like one."""
    offers = Offer.objects.filter(is_demo=True, kind=Offer.Kind.TEST_FACILITY, status=Offer.Status.PUBLISHED).order_by(
        "id"
    )
    found: dict[str, list[Facility]] = {}
    for offer in offers:
        facility = actions.facility_save(actor=advisor, offer=offer, data=details_of(offer, rng))
        found.setdefault(facility.kind, []).append(facility)
    if F.Kind.HPC not in found:
        offer = _hpc_offer(advisor)
        found[F.Kind.HPC] = [actions.facility_save(actor=advisor, offer=offer, data=details_of(offer, rng))]
        report.hpc_offer = True
    report.facilities = sum(len(kind) for kind in found.values())
    return found


def research_facility_owner() -> Organisation:
    """The demo research organisation that runs test facilities (the featured partner first)."""
    owners = Organisation.objects.filter(
        is_demo=True, merged_into__isnull=True, kind_rows__kind=Organisation.Kind.RESEARCH_ORGANISATION
    ).filter(kind_rows__kind=Organisation.Kind.TEST_FACILITY)
    found = owners.filter(name=registry_demo.FEATURED_PARTNER).first() or owners.order_by("name", "id").first()
    if found is None:
        raise RuntimeError("Load the demo registry before the demo test before invest.")
    return found


def _hpc_offer(advisor: User) -> Offer:
    data = {**HPC_OFFER, "technologies": list(Technology.objects.filter(name="High performance computing"))}
    offer = catalogue.offer_create(actor=advisor, provider=research_facility_owner(), data=data, is_demo=True)
    return catalogue.offer_publish(actor=advisor, offer=offer)


# --- Projects --------------------------------------------------------------------------------------------------


def _customers() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            is_demo=True, kind_rows__kind=Organisation.Kind.COMPANY, merged_into__isnull=True, is_historical=False
        )
        .exclude(name__in=(registry_demo.FEATURED_COMPANY, registry_demo.FEATURED_NEWCOMER))
        .select_related("primary_nace")
        .distinct()
        .order_by("name", "id")
    )


def _may_take_aid(company: Organisation, amount: int) -> bool:
    current = ledger.ledger(company, timezone.localdate())
    return current.regulation is not None and not current.excluded and not current.near_ceiling(Decimal(amount))


def _companies(rng: random.Random) -> list[tuple[Plan, Organisation]]:
    """A company for each plan: the featured company for its two, else one whose activity fits, a company
    whose de minimis headroom is short never taking aid."""
    featured = Organisation.objects.filter(name=registry_demo.FEATURED_COMPANY).first()
    left = _customers()
    chosen = []
    for plan in PLANS:
        if plan.featured:
            if featured is not None:
                chosen.append((plan, featured))
            continue
        fits = [c for c in left if not plan.aid or _may_take_aid(c, plan.aid)]
        company = None
        for prefix in plan.sectors:
            matching = [c for c in fits if c.primary_nace is not None and c.primary_nace.code.startswith(prefix)]
            if matching:
                company = rng.choice(matching)
                break
        company = company or (rng.choice(fits) if fits else None)
        if company is not None:
            left.remove(company)
            chosen.append((plan, company))
    return chosen


def _partners() -> tuple[list[Organisation], list[Organisation]]:
    """Who does the work (research organisations that run test facilities) and who advises (universities:
    research organisations that also teach)."""
    research = (
        Organisation.objects.filter(
            is_demo=True, merged_into__isnull=True, kind_rows__kind=Organisation.Kind.RESEARCH_ORGANISATION
        )
        .prefetch_related("kind_rows")
        .distinct()
        .order_by("name", "id")
    )
    performers = [o for o in research if Organisation.Kind.TEST_FACILITY in o.kinds]
    universities = [o for o in research if Organisation.Kind.TRAINER in o.kinds and o not in performers]
    others = [o for o in research if o not in performers and o not in universities]
    return performers or others, universities or others or performers


def _roadmap_action(company: Organisation) -> RoadmapAction | None:
    return (
        RoadmapAction.objects.filter(roadmap__organisation=company, category=EdihCategory.TEST_BEFORE_INVEST)
        .order_by("id")
        .first()
    )


def _project(
    advisor: User,
    signatory: User,
    plan: Plan,
    company: Organisation,
    facilities: dict[str, list[Facility]],
    rng: random.Random,
    report: DemoPilots,
) -> None:
    """Run one plan through the actions, as far as it went, then date it."""
    days = [_ago(n) for n in plan.days]
    started = days[2] if len(days) > 2 else _ago(-rng.randint(30, 60))
    facility = _facility_for(plan, facilities, rng)
    action = _roadmap_action(company)
    project = actions.project_create(
        actor=advisor,
        organisation=company,
        data={
            "kind": plan.kind,
            "title": plan.title,
            "technologies": list(plan.technologies),
            "action": action.pk if action else None,
            "scope": plan.scope,
            "objectives": plan.objectives,
            "starts_on": started,
            "ends_on": started + timedelta(days=plan.length),
            "aid_amount": plan.aid,
            "aid_basis": AidBasis.DE_MINIMIS if plan.aid else AidBasis.NONE,
        },
    )
    performer, adviser = _add_partners(advisor, project, plan, facility, report.projects)
    owners = {"company": company, "performs": performer, "advises": adviser}
    for text, target, _result, _met in plan.criteria:
        actions.criterion_save(actor=advisor, project=project, data={"text": text, "target": target})
    for number, (kind, title, share) in enumerate(plan.milestones):
        owner = owners["company"] if number == 0 and plan.kind == Project.Kind.PILOT else owners["performs"]
        actions.milestone_save(
            actor=advisor,
            project=project,
            data={"kind": kind, "title": title, "due_on": _due(started, plan, share), "owner": owner.pk},
        )
    for stage in list(Stage.values)[1 : len(days)]:
        if stage == Stage.EVALUATION:  # the work is done
            _work(advisor, project, plan, facility, days, rng, report)
            _done(advisor, project, until=days[3] - timedelta(days=1))
        actions.gate_pass(actor=advisor, project=project, to_stage=stage, reason=GATE_REASONS[Stage(stage)])
        project.refresh_from_db()
        if stage == Stage.EVALUATION:
            _results(advisor, project, plan)
    if len(days) == 3:  # running, or stopped while running
        _work(advisor, project, plan, facility, days, rng, report)
        until = _ago(plan.stopped) if plan.stopped is not None else timezone.localdate()
        _done(advisor, project, until=until, only_due=True)
    if plan.decision:
        _decide(advisor, project, plan)
    if len(days) > 6:
        actions.sign_off(actor=signatory, project=project, note=plan.sign_off_note)
    if plan.stopped is not None:
        _stop(advisor, project, plan, facility, started)
    _date(project, plan)
    project.refresh_from_db()
    report.projects += 1
    report.by_status[project.status] = report.by_status.get(project.status, 0) + 1
    if project.grant_id is not None:
        report.grants += 1
    report.bookings += project.bookings.count()


def _facility_for(plan: Plan, facilities: dict[str, list[Facility]], rng: random.Random) -> Facility | None:
    if plan.facility is None or len(plan.days) < 3:
        return None
    found = facilities.get(plan.facility.kind, [])
    return rng.choice(found) if found else None


def _add_partners(
    advisor: User, project: Project, plan: Plan, facility: Facility | None, number: int
) -> tuple[Organisation, Organisation]:
    performers, universities = _partners()
    owner = facility.offer.provider if facility is not None else None
    performer = owner if owner in performers else performers[number % len(performers)]
    adviser = next((u for u in universities if u != performer), None) or next(o for o in performers if o != performer)
    contribution = "Does the technical work" + (" on its own facility" if owner == performer else "")
    actions.partner_save(
        actor=advisor,
        project=project,
        data={
            "organisation": performer.pk,
            "role": Partner.Role.PERFORMS,
            "contribution": contribution,
            "budget": plan.budgets[0],
        },
    )
    actions.partner_save(
        actor=advisor,
        project=project,
        data={
            "organisation": adviser.pk,
            "role": Partner.Role.ADVISES,
            "contribution": "Advises on the method and reviews the results",
            "budget": plan.budgets[1],
        },
    )
    return performer, adviser


def _due(started: date, plan: Plan, share: float) -> date:
    return started + timedelta(days=round(plan.length * share))


def _done(advisor: User, project: Project, *, until: date, only_due: bool = False) -> None:
    """The milestones done on their due day, or on ``until`` if they were due later (``only_due``: those due
    by then only)."""
    pending = project.milestones.filter(done_on__isnull=True).order_by("due_on", "id")
    if only_due:
        pending = pending.filter(due_on__lte=until)
    for milestone in pending:
        actions.milestone_done(actor=advisor, milestone=milestone, done_on=min(milestone.due_on, until))


def _results(advisor: User, project: Project, plan: Plan) -> None:
    """The results measured in evaluation, against the first ``results_recorded`` criteria."""
    pairs = list(zip(project.criteria.order_by("id"), plan.criteria, strict=True))
    for criterion, (_text, _target, result, met) in pairs[: plan.results_recorded]:
        if result:
            actions.criterion_result(actor=advisor, criterion=criterion, data={"result": result, "met": met})


def _decide(advisor: User, project: Project, plan: Plan) -> None:
    data: dict[str, Any] = {
        "decision": plan.decision,
        "decision_reason": plan.reason,
        "lessons": plan.lessons,
        "next_steps": plan.next_steps,
    }
    if plan.investment:
        data.update(investment_amount=plan.investment[0], investment_kind=plan.investment[1])
    actions.decision_record(actor=advisor, project=project, data=data)


def _stop(advisor: User, project: Project, plan: Plan, facility: Facility | None, started: date) -> None:
    """Stopped while running: the periods after the stop were booked, and are cancelled by the stop. They are
    booked in periods to come, cancelled, then moved back after the stop."""
    assert plan.stopped is not None
    stop = _ago(plan.stopped)
    later: list[Booking] = []
    steps = 0
    if facility is not None:
        after = facility.period_end(facility.period_of(stop)) + timedelta(days=1)  # the period after the stop's
        first = max(after, started + timedelta(days=plan.booked[0]))
        last = started + timedelta(days=plan.booked[1])
        if actions.periods(facility, first, last):
            today = timezone.localdate()
            steps = _steps(facility, first, earliest=facility.period_end(facility.period_of(today)) + timedelta(days=1))
            later = actions.book(
                actor=advisor,
                project=project,
                facility=facility,
                data={
                    "units": plan.units,
                    "starts_on": _moved(facility, facility.period_of(first), steps),
                    "ends_on": _moved(facility, facility.period_of(last), steps),
                },
            )
    actions.project_stop(actor=advisor, project=project, reason=plan.reason)
    _move_back(later, facility, steps)


# --- Facility time -----------------------------------------------------------------------------------------------


def _months_later(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1)


def _moved(facility: Facility, day: date, steps: int) -> date:
    """``day`` moved by ``steps`` months (a monthly facility) or weeks: a period's first day stays one, and a
    day keeps its weekday."""
    if facility.period == F.Period.MONTH:
        return _months_later(day, steps)
    return day + timedelta(weeks=steps)


def _steps(facility: Facility, first: date, *, earliest: date) -> int:
    """How many months or weeks to move ``first`` by so that its period begins on or after ``earliest``'s."""
    target, steps = facility.period_of(earliest), 0
    while _moved(facility, facility.period_of(first), steps) < target:
        steps += 1
    return steps


def _move_back(bookings: list[Booking], facility: Facility | None, steps: int) -> None:
    if facility is None or not steps:
        return
    for booking in bookings:
        Booking.objects.filter(pk=booking.pk).update(period_start=_moved(facility, booking.period_start, -steps))


def _book_back(advisor: User, project: Project, facility: Facility, first: date, last: date, units: int) -> None:
    """Book the periods from ``first`` to ``last``, over already: in the periods to come, then moved back."""
    if not actions.periods(facility, first, last):
        return
    steps = _steps(facility, first, earliest=timezone.localdate())
    made = actions.book(
        actor=advisor,
        project=project,
        facility=facility,
        data={
            "units": units,
            "starts_on": _moved(facility, facility.period_of(first), steps),
            "ends_on": _moved(facility, facility.period_of(last), steps),
        },
    )
    _move_back(made, facility, steps)


def _work(
    advisor: User,
    project: Project,
    plan: Plan,
    facility: Facility | None,
    days: list[date],
    rng: random.Random,
    report: DemoPilots,
) -> None:
    """The facility time of the proof of concept or pilot: the periods over booked and moved back, those to come
    booked as they are; the use recorded for every period begun (less so in the current one)."""
    if facility is None:
        return
    today = timezone.localdate()
    first = days[2] + timedelta(days=plan.booked[0])
    last = days[2] + timedelta(days=plan.booked[1])
    if plan.stopped is not None:
        last = min(last, _ago(plan.stopped))
    if len(days) > 3:
        last = min(last, days[3] - timedelta(days=1))
    current = facility.period_of(today)
    if first < current:
        _book_back(advisor, project, facility, first, min(last, current - timedelta(days=1)), plan.units)
    if last >= current and actions.periods(facility, max(first, today), last):
        actions.book(
            actor=advisor,
            project=project,
            facility=facility,
            data={"units": plan.units, "starts_on": max(first, today), "ends_on": last},
        )
    for booking in Booking.objects.filter(project=project, period_start__lte=today).order_by("period_start"):
        ended = facility.period_end(booking.period_start) < today
        share = rng.uniform(0.7, 1.0) if ended else rng.uniform(0.3, 0.6)
        actions.usage_record(actor=advisor, booking=booking, used=max(1, round(booking.units * share)))
        report.used += 1


# --- Dates ---------------------------------------------------------------------------------------------------------


def _renumbered(grant: Grant, day: date) -> str:
    """A grant's notice number carries the year it was granted in."""
    prefix, year, _serial = grant.number.split("-")
    if int(year) == day.year:
        return grant.number
    stem = f"{prefix}-{day.year}-"
    last = Grant.objects.filter(number__startswith=stem).aggregate(m=Max("number"))["m"]
    return f"{stem}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def _date(project: Project, plan: Plan) -> None:
    """Move what the actions dated today back to when it happened."""
    days = [_ago(n) for n in plan.days]
    at: dict[str, Any] = {
        "opened": _moment(days[0], time(9, 30)),
        "gates": [_moment(day, time(14)) for day in days[1:5]],
        "decided": _moment(days[5], time(11)) if len(days) > 5 else None,
        "signed": _moment(days[6], time(16)) if len(days) > 6 else None,
        "stopped": _moment(_ago(plan.stopped), time(10)) if plan.stopped is not None else None,
    }
    project = Project.objects.get(pk=project.pk)
    started = days[2] if project.started_on else None
    Project.objects.filter(pk=project.pk).update(
        is_demo=True,
        created_at=at["opened"],
        started_on=started,
        decided_on=days[5] if project.decided_on else None,
        signed_off_at=at["signed"] if project.signed_off_at else None,
    )
    gates = list(Gate.objects.filter(project=project).order_by("id"))
    for gate, moment in zip([g for g in gates if g.passed], at["gates"], strict=False):
        Gate.objects.filter(pk=gate.pk).update(decided_at=moment)
    if at["stopped"] is not None:
        Gate.objects.filter(project=project, passed=False).update(decided_at=at["stopped"])
    if project.grant_id and started:
        grant = Grant.objects.get(pk=project.grant_id)
        Grant.objects.filter(pk=grant.pk).update(
            granted_on=started, recorded_at=at["gates"][1], number=_renumbered(grant, started)
        )
    if project.service_record_id and started:
        ended = (
            at["signed"] or at["stopped"]
            if project.status in (Project.Status.COMPLETED, Project.Status.STOPPED)
            else None
        )
        ServiceRecord.objects.filter(pk=project.service_record_id).update(
            started_on=started, ended_on=timezone.localdate(ended) if ended else None
        )
    if project.investment_id and at["decided"]:
        Investment.objects.filter(pk=project.investment_id).update(made_on=days[5])
    if started:
        Booking.objects.filter(project=project).update(booked_at=at["gates"][1] + timedelta(hours=1))
    _date_timeline(project, at)


def _date_timeline(project: Project, at: dict[str, Any]) -> None:
    entries = Activity.objects.filter(kind=Activity.Kind.PILOT, target_type="pilots.project", target_id=project.pk)
    entries.filter(verb="pilot_opened").update(at=at["opened"])
    gates = [moment for number, moment in enumerate(at["gates"]) if number != 1]
    for entry, moment in zip(entries.filter(verb="pilot_gate").order_by("id"), gates, strict=False):
        Activity.objects.filter(pk=entry.pk).update(at=moment)
    if len(at["gates"]) > 1:
        entries.filter(verb="pilot_started").update(at=at["gates"][1])
    for verb, key in (("pilot_decided", "decided"), ("pilot_signed_off", "signed"), ("pilot_stopped", "stopped")):
        if at[key] is not None:
            entries.filter(verb=verb).update(at=at[key])


__all__ = ["PLANS", "DemoPilots", "details_of", "load_demo_pilots", "research_facility_owner"]
