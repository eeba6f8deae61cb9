"""What a referral's recipient may read of the company's file: only the parts the company agreed to share
(``Referral.shared``, codes of ``Referral.Share``), and only while that consent stands.

``shared_file`` is the one place that reads them; the referral page and the API both show what it returns.
A part that is not shared is ``None`` and is never read from the database. A part that is shared but that
the company does not have yet (no submitted assessment, no agreed roadmap) is ``None`` as well; ``parts``
says which were shared, so that a page can tell "not shared" from "nothing to show".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from moselle.assessments import questionnaires
from moselle.assessments.models import Band
from moselle.assessments.models import Stage as AssessmentStage
from moselle.core.i18n import pick
from moselle.journeys.actions import latest_result
from moselle.journeys.actions.referrals import consent_given
from moselle.journeys.models import Horizon, Referral, RoadmapAction, RoadmapVersion
from moselle.organisations.forms import size_class_label


@dataclass(frozen=True)
class SharedProfile:
    """The organisation's public profile: who it is, where, how big, in which sectors."""

    name: str
    country: str
    size_class: str  # a code of the EU SME definition, "" when not worked out yet
    sectors: tuple[str, ...]  # NACE codes with their title, the primary sector first
    website: str

    @property
    def size_class_label(self) -> str:
        return size_class_label(self.size_class) if self.size_class else ""


@dataclass(frozen=True)
class SharedContact:
    """The person who gave the consent; a consent recorded on paper names only an e-mail address."""

    name: str
    email: str


@dataclass(frozen=True)
class SharedNeed:
    """What the company needs: the need referred, or the roadmap action it was referred for."""

    title: str
    description: str


@dataclass(frozen=True)
class SharedScore:
    key: str
    name: str
    score: Decimal


@dataclass(frozen=True)
class SharedAssessment:
    """The scores of the latest submitted maturity assessment, 0-100 by dimension and overall."""

    stage: str
    submitted_at: datetime | None
    dimensions: tuple[SharedScore, ...]
    overall: Decimal
    band: str

    @property
    def stage_label(self) -> str:
        return str(AssessmentStage(self.stage).label) if self.stage in AssessmentStage.values else self.stage

    @property
    def band_label(self) -> str:
        return str(Band(self.band).label) if self.band in Band.values else self.band


@dataclass(frozen=True)
class SharedStep:
    """One action of the roadmap as the company agreed it."""

    title: str
    description: str
    horizon: str
    due_on: date | None
    status: str
    technologies: tuple[str, ...]

    @property
    def horizon_label(self) -> str:
        return str(Horizon(self.horizon).label) if self.horizon in Horizon.values else self.horizon

    @property
    def status_label(self) -> str:
        statuses = RoadmapAction.Status
        return str(statuses(self.status).label) if self.status in statuses.values else self.status


@dataclass(frozen=True)
class SharedRoadmap:
    """The latest version of the case's roadmap that the company agreed."""

    version: int
    agreed_at: datetime
    actions: tuple[SharedStep, ...]


@dataclass(frozen=True)
class SharedFile:
    """What the recipient of a referral may read. ``parts`` lists the codes shared, in ``Referral.Share``
    order; each part is ``None`` unless shared (and then ``None`` only when there is nothing to show)."""

    parts: tuple[str, ...] = ()
    profile: SharedProfile | None = None
    contact: SharedContact | None = None
    need: SharedNeed | None = None
    assessment: SharedAssessment | None = None
    roadmap: SharedRoadmap | None = None


def shared_file(referral: Referral) -> SharedFile:
    """The parts of the company's file that ``referral`` shares with its recipient. Nothing is shared
    unless the company's consent is given (a withdrawn consent shares nothing, whatever ``shared`` says)."""
    if not consent_given(referral):
        return SharedFile()
    chosen = set(referral.shared or [])
    parts = tuple(code for code in Referral.Share.values if code in chosen)
    return SharedFile(
        parts=parts,
        profile=_profile(referral) if Referral.Share.PROFILE in chosen else None,
        contact=_contact(referral) if Referral.Share.CONTACT in chosen else None,
        need=_need(referral) if Referral.Share.NEED in chosen else None,
        assessment=_assessment(referral) if Referral.Share.ASSESSMENT in chosen else None,
        roadmap=_roadmap(referral) if Referral.Share.ROADMAP in chosen else None,
    )


def _profile(referral: Referral) -> SharedProfile:
    organisation = referral.organisation
    codes = []
    if organisation.primary_nace is not None:
        codes.append(organisation.primary_nace)
    codes += [code for code in organisation.nace_codes.order_by("code") if code.pk != organisation.primary_nace_id]
    return SharedProfile(
        name=organisation.display_name,
        country=organisation.country,
        size_class=organisation.size_class,
        sectors=tuple(f"{code.code} {pick(code.title)}".strip() for code in codes),
        website=organisation.website.strip(),
    )


def _contact(referral: Referral) -> SharedContact | None:
    consent = referral.consent
    if consent is None:
        return None
    person = consent.user
    if person is not None:
        return SharedContact(name=person.full_name, email=person.email)
    return SharedContact(name="", email=consent.email)


def _need(referral: Referral) -> SharedNeed | None:
    if referral.need is not None:
        need = referral.need
        lines = need.missing_texts
        return SharedNeed(title=need.shown_title, description="\n".join(lines) if lines else need.description)
    if referral.action is not None:
        return SharedNeed(title=referral.action.title, description=referral.action.description)
    return None


def _assessment(referral: Referral) -> SharedAssessment | None:
    result = latest_result(referral.organisation)
    if result is None:
        return None
    questionnaire = questionnaires.get(result.questionnaire_type, result.questionnaire_version)
    scores = []
    for key, score in result.dimension_scores().items():
        dimension = questionnaire.dimension(key) if questionnaire is not None else None
        scores.append(SharedScore(key=key, name=dimension.name() if dimension is not None else key, score=score))
    return SharedAssessment(
        stage=result.stage,
        submitted_at=result.assessment.submitted_at,
        dimensions=tuple(scores),
        overall=result.overall,
        band=result.band,
    )


def _roadmap(referral: Referral) -> SharedRoadmap | None:
    if referral.case_id is None:
        return None
    version = (
        RoadmapVersion.objects.filter(roadmap__case_id=referral.case_id)
        .order_by("-number", "-id")
        .only("number", "agreed_at", "actions")
    ).first()
    if version is None:
        return None
    return SharedRoadmap(
        version=version.number,
        agreed_at=version.agreed_at,
        actions=tuple(_step(row) for row in version.actions if isinstance(row, dict)),
    )


def _step(row: dict[str, object]) -> SharedStep:
    """One agreed action, without who owns it at the company: a person's name is the contact part's."""
    due = row.get("due_on")
    try:
        due_on = date.fromisoformat(due) if isinstance(due, str) else None
    except ValueError:
        due_on = None
    technologies = row.get("technologies")
    return SharedStep(
        title=str(row.get("title") or ""),
        description=str(row.get("description") or ""),
        horizon=str(row.get("horizon") or ""),
        due_on=due_on,
        status=str(row.get("status") or ""),
        technologies=tuple(str(name) for name in technologies) if isinstance(technologies, list) else (),
    )
