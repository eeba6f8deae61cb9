"""The registry of organisations (grown by the registry issue) and the instance's own hub."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField
from moselle.organisations.normalise import fold


def search_key(*texts: str) -> str:
    """Text folded for searching: lower case, accents removed (see normalise.fold)."""
    return " ".join(fold(text) for text in texts if text)


class Organisation(models.Model):
    """A company, provider, partner, public body or hub that the platform knows.

    ``name`` is the legal name as registered; ``trade_name`` what people call it. Rows from the
    European catalogues keep their source row (``catalogue_ref``); rows merged into another keep
    ``merged_into`` so that old links and the audit log still resolve.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        TECHNOLOGY_PROVIDER = "technology_provider", _("technology provider")
        CONSULTANT = "consultant", _("consultant")
        TRAINER = "trainer", _("trainer")
        TEST_FACILITY = "test_facility", _("test facility")
        CONSORTIUM_PARTNER = "consortium_partner", _("consortium partner")
        RESEARCH_ORGANISATION = "research_organisation", _("research organisation")
        PUBLIC_BODY = "public_body", _("public body")
        HUB = "hub", _("hub")

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        IMPORT = "import", _("imported from a file")
        EDIH_CATALOGUE = "edih_catalogue", _("European EDIH catalogue")
        S3_LEGACY = "s3_legacy", _("2022 S3 hub catalogue (historical)")
        SIGN_UP = "sign_up", _("sign-up request")

    class CatalogueKind(models.TextChoices):
        EDIH = "EDIH", _("European Digital Innovation Hub")
        SEAL = "Seal of Excellence", _("Seal of Excellence")
        DIH = "DIH", _("Digital Innovation Hub (not in the network)")

    name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, default="LU", help_text=_("ISO 3166 code"))
    region = models.CharField(_("region (NUTS)"), max_length=5, blank=True, help_text=_("NUTS code, e.g. LU00"))
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    address = models.CharField(
        _("address as given"), max_length=300, blank=True, help_text=_("The address as the source wrote it.")
    )
    website = models.CharField(_("website"), max_length=300, blank=True)
    working_languages = models.JSONField(_("working languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)

    register_id = models.CharField(
        _("national register id"), max_length=40, blank=True, help_text=_("e.g. the Luxembourg RCS number B123456")
    )
    vat = models.CharField(_("VAT number"), max_length=20, blank=True)
    founded_on = models.DateField(
        _("founded on"),
        null=True,
        blank=True,
        help_text=_("The date the organisation was founded (incorporated); funding programmes look at its age."),
    )
    pic = models.CharField(_("PIC"), max_length=9, blank=True, help_text=_("Participant Identification Code"))
    ec_customer_id = models.CharField(_("Commission customer id"), max_length=40, blank=True)
    ec_dma_id = models.CharField(_("Commission DMA id"), max_length=40, blank=True)

    primary_nace = models.ForeignKey(
        "core.NaceCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary sector (NACE)"),
    )
    nace_codes = models.ManyToManyField("core.NaceCode", blank=True, related_name="+", verbose_name=_("NACE sectors"))

    size_class = models.CharField(
        _("size class"),
        max_length=20,
        blank=True,
        help_text=_("EU SME definition, worked out from the figures and ownership links; kept up to date."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    catalogue_ref = models.CharField(
        _("catalogue row"), max_length=20, blank=True, help_text=_("e.g. edih-203, the row of the catalogue export")
    )
    catalogue_kind = models.CharField(_("catalogue status"), max_length=20, choices=CatalogueKind.choices, blank=True)
    catalogue_title = models.CharField(_("catalogue title"), max_length=300, blank=True)
    catalogue_listed = models.BooleanField(
        _("listed in the latest catalogue"), default=True, help_text=_("Off when a newer export no longer has it.")
    )
    is_historical = models.BooleanField(
        _("historical record"), default=False, help_text=_("Kept for history; hidden from the directory and matching.")
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    is_demo = models.BooleanField(
        verbose_name=_("is demo"), default=False, help_text=_("Generated demo data, never exported.")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    search_text = models.TextField(
        _("search text"),
        blank=True,
        default="",
        editable=False,
        help_text=_("Names and locality without accents or case, so that a search for Precision finds Précision."),
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["vat"], name="organisation_vat"),
            models.Index(fields=["register_id"], name="organisation_register_id"),
            models.Index(fields=["catalogue_ref"], name="organisation_catalogue_ref"),
            models.Index(fields=["country", "name"], name="organisation_country_name"),
        ]

    def __str__(self) -> str:
        return self.trade_name or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived column kept with the row, not a business rule: every writer gets it for free.
        self.search_text = search_key(self.name, self.trade_name, self.locality)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.trade_name and self.trade_name != self.name:
            return f"{self.trade_name} ({self.name})"
        return self.name

    @property
    def kinds(self) -> list[str]:
        """The organisation's kinds in the order of ``Kind`` (uses the prefetched rows when there are any)."""
        held = {row.kind for row in self.kind_rows.all()}
        return [kind for kind in self.Kind.values if kind in held]

    def kind_labels(self) -> list[str]:
        return [str(label) for value, label in self.Kind.choices if value in set(self.kinds)]


class OrganisationKind(models.Model):
    """One kind an organisation is (an organisation can be several: a trainer and a technology provider)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="kind_rows", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Organisation.Kind.choices)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("organisation kind")
        verbose_name_plural = _("organisation kinds")
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="organisation_kind_unique")]

    def __str__(self) -> str:
        return self.kind


class Level(models.IntegerChoices):
    """The level (1 to 5) a hub declares per label in the European catalogue."""

    ONE = 1, "1"
    TWO = 2, "2"
    THREE = 3, "3"
    FOUR = 4, "4"
    FIVE = 5, "5"


class OrganisationTechnology(models.Model):
    """A technology an organisation offers (providers, hubs, with their declared level) or is interested in."""

    class Role(models.TextChoices):
        OFFER = "offer", _("on offer")
        INTEREST = "interest", _("of interest")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="technology_rows", verbose_name=_("organisation")
    )
    technology = models.ForeignKey(
        "core.Technology", on_delete=models.PROTECT, related_name="+", verbose_name=_("technology")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("technology of an organisation")
        verbose_name_plural = _("technologies of organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "technology", "role"], name="organisation_technology_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.technology_id}:{self.role}"


class OrganisationService(models.Model):
    """A catalogue service a hub or provider declares, with its level."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_rows", verbose_name=_("organisation")
    )
    service = models.ForeignKey(
        "core.CatalogueService", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("catalogue service of an organisation")
        verbose_name_plural = _("catalogue services of organisations")
        constraints = [models.UniqueConstraint(fields=["organisation", "service"], name="organisation_service_unique")]

    def __str__(self) -> str:
        return str(self.service_id)


class OrganisationSector(models.Model):
    """A catalogue sector a hub or provider declares, with its level."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sector_rows", verbose_name=_("organisation")
    )
    sector = models.ForeignKey(
        "core.CatalogueSector", on_delete=models.PROTECT, related_name="+", verbose_name=_("sector")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("catalogue sector of an organisation")
        verbose_name_plural = _("catalogue sectors of organisations")
        constraints = [models.UniqueConstraint(fields=["organisation", "sector"], name="organisation_sector_unique")]

    def __str__(self) -> str:
        return str(self.sector_id)


class FinancialYear(models.Model):
    """An organisation's figures for one financial year, as the SME definition counts them."""

    class FigureSource(models.TextChoices):
        ACCOUNTS = "accounts", _("approved accounts")
        DECLARATION = "declaration", _("declared by the company")
        REGISTER = "register", _("public register")
        ESTIMATE = "estimate", _("good-faith estimate")
        IMPORT = "import", _("imported file")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="financial_years", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("financial year"))
    staff = models.DecimalField(
        _("staff (annual work units)"), max_digits=9, decimal_places=2, help_text=_("Annual work units (AWU).")
    )
    turnover = models.DecimalField(_("turnover (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True)
    balance_sheet = models.DecimalField(
        _("balance-sheet total (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=20, choices=FigureSource.choices, default=FigureSource.DECLARATION
    )
    estimated = models.BooleanField(_("estimated"), default=False)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["organisation", "-year"]
        verbose_name = _("financial year")
        verbose_name_plural = _("financial years")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="financial_year_unique"),
            models.CheckConstraint(condition=models.Q(staff__gte=0), name="financial_year_staff_positive"),
            models.CheckConstraint(
                condition=models.Q(turnover__isnull=True) | models.Q(turnover__gte=0),
                name="financial_year_turnover_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(balance_sheet__isnull=True) | models.Q(balance_sheet__gte=0),
                name="financial_year_balance_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}"


class Ownership(models.Model):
    """``owner`` holds ``percent`` of ``owned``'s capital or voting rights."""

    class HoldingKind(models.TextChoices):
        CAPITAL = "capital", _("capital")
        VOTES = "votes", _("voting rights")

    class InvestorType(models.TextChoices):
        ORDINARY = "", _("ordinary shareholder")
        PUBLIC_INVESTMENT_CORPORATION = "public_investment_corporation", _("public investment corporation")
        VENTURE_CAPITAL = "venture_capital", _("venture-capital company")
        BUSINESS_ANGEL = "business_angel", _("business angel")
        UNIVERSITY = "university", _("university")
        RESEARCH_CENTRE = "research_centre", _("non-profit research centre")
        INSTITUTIONAL_INVESTOR = "institutional_investor", _("institutional investor")
        SMALL_LOCAL_AUTHORITY = (
            "small_local_authority",
            _("autonomous local authority (budget under EUR 10 m, under 5,000 inhabitants)"),
        )

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="holdings", verbose_name=_("owner"))
    owned = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="owners", verbose_name=_("owned organisation")
    )
    kind = models.CharField(_("held as"), max_length=10, choices=HoldingKind.choices)
    percent = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    investor_type = models.CharField(_("investor type"), max_length=40, choices=InvestorType.choices, blank=True)
    invested_eur = models.DecimalField(
        _("amount invested (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For business angels: the exemption holds below EUR 1.25 m."),
    )
    dominant_influence = models.BooleanField(
        _("dominant influence"), default=False, help_text=_("A contract or clause gives the owner dominant influence.")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["owned", "-percent", "id"]
        verbose_name = _("ownership link")
        verbose_name_plural = _("ownership links")
        constraints = [
            models.UniqueConstraint(fields=["owner", "owned", "kind"], name="ownership_unique"),
            models.CheckConstraint(
                condition=models.Q(percent__gt=0) & models.Q(percent__lte=100), name="ownership_percent_range"
            ),
            models.CheckConstraint(condition=~models.Q(owner=models.F("owned")), name="ownership_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} holds {self.percent}% of {self.owned_id}"


class Contact(models.Model):
    """A person the hub deals with at an organisation (with or without an account on the platform)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("e.g. managing director"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=2, default="en")
    legal_basis = models.CharField(_("legal basis"), max_length=30, default="legitimate_interest")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("name", "role", "email", "phone")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["email"], name="contact_email")]

    def __str__(self) -> str:
        return self.name


class OrganisationMerge(models.Model):
    """A person merged ``merged`` into ``kept``; what moved is listed so the merge can be read later."""

    kept = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("kept"))
    merged = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged"))
    merged_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("merged by")
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    moved = models.JSONField(_("what moved"), default=dict)
    merged_state = models.JSONField(_("state of the merged organisation"), default=dict)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.kept_id}"


class DuplicateDismissal(models.Model):
    """A person decided that two organisations are not the same; the pair is not proposed again."""

    first = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("first"))
    second = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("second"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("pairs that are not duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_unique"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="duplicate_dismissal_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} != {self.second_id}"


class LegacyLink(models.Model):
    """A proposed link from a hub of the 2022 S3 catalogue to a hub of the 2025 catalogue."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    legacy = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="legacy_links", verbose_name=_("historical record")
    )
    hub = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("2025 hub"))
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)
    likely = models.BooleanField(_("likely"), default=False)
    evidence = models.JSONField(_("evidence"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("legacy link")
        verbose_name_plural = _("legacy links")
        constraints = [models.UniqueConstraint(fields=["legacy", "hub"], name="legacy_link_unique")]

    def __str__(self) -> str:
        return f"{self.legacy_id} ~ {self.hub_id}"


class ImportRun(models.Model):
    """One file brought into the registry: its dry-run report, then its all-or-nothing commit."""

    class Kind(models.TextChoices):
        ORGANISATIONS = "organisations", _("organisations (CSV or XLSX)")
        EDIH_CATALOGUE = "edih_catalogue", _("European EDIH catalogue export")
        S3_LEGACY = "s3_legacy", _("2022 S3 hub catalogue")
        DMA_RESULTS = "dma_results", _("Open DMA results (official tool export)")
        SERVICES_DELIVERED = "services_delivered", _("Services delivered (Commission KPI tool layout)")

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked (dry run)")
        COMMITTED = "committed", _("committed")
        REFUSED = "refused", _("refused")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"), blank=True, help_text=_("Kept until the import is committed."))
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"


class HubProfile(models.Model):
    """Which organisation this instance is, and how it reports: one row per instance."""

    class StateAidBasis(models.TextChoices):
        DE_MINIMIS = "de_minimis", _("de minimis (Regulation (EU) 2023/2831)")
        GBER = "gber", _("General Block Exemption Regulation, Art. 28")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="hub_profile", verbose_name=_("organisation")
    )
    edih_name = models.CharField(_("EDIH name"), max_length=200)
    country = models.CharField(_("EDIH country"), max_length=2)
    state_aid_basis = models.CharField(
        _("state-aid basis"), max_length=20, choices=StateAidBasis.choices, default=StateAidBasis.DE_MINIMIS
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("hub profile")
        verbose_name_plural = _("hub profiles")

    def __str__(self) -> str:
        return self.edih_name


class EdihCategory(models.TextChoices):
    """The four service categories the European Commission reports EDIH services under."""

    TEST_BEFORE_INVEST = "test_before_invest", _("Test before invest")
    SKILLS_AND_TRAINING = "skills_and_training", _("Skills and training")
    SUPPORT_TO_FIND_INVESTMENTS = "support_to_find_investments", _("Support to find investments")
    ECOSYSTEM_AND_NETWORKING = "ecosystem_and_networking", _("Innovation ecosystem and networking")


class HubService(models.Model):
    """One of the hub's own services, mapped to an EDIH category."""

    hub = models.ForeignKey(HubProfile, on_delete=models.CASCADE, related_name="services", verbose_name=_("hub"))
    code = models.SlugField(verbose_name=_("code"), max_length=40)
    name = TranslatedTextField(_("name"))
    category = models.CharField(_("EDIH category"), max_length=40, choices=EdihCategory.choices)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    active = models.BooleanField(verbose_name=_("active"), default=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["hub", "code"], name="hub_service_code_unique")]

    def __str__(self) -> str:
        return self.code


class HubTarget(models.Model):
    """A target the hub committed to, such as the number of SMEs engaged over three years."""

    hub = models.ForeignKey(HubProfile, on_delete=models.CASCADE, related_name="targets", verbose_name=_("hub"))
    indicator = models.SlugField(verbose_name=_("indicator"), max_length=60)
    label = TranslatedTextField(_("label"))
    value = models.PositiveIntegerField(_("target"))
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "indicator", "period_start"], name="hub_target_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="hub_target_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"
