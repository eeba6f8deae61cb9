"""What the engine learns from: whether a company accepted or declined what was proposed to it.

Outcomes are recorded from the start (by the advisor, and by the journey's referrals when a company takes up
or turns down a provider), before anything learns from them, so that a later ranking can be judged and tuned
on real decisions rather than on guesses.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.Model):
    """A company's decision on one proposed item (an offer, a provider, a hub…), with the need it answered."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    kind = models.CharField(_("kind"), max_length=30, help_text=_("The kind of item: offer, provider, hub…"))
    item_id = models.PositiveBigIntegerField(_("item"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    need_text = models.TextField(_("need"), blank=True)
    reason = models.CharField(_("reason given"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # The person who recorded it is an account, exported and erased with the account; the need and the
    # decision describe the company.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("matching outcome")
        verbose_name_plural = _("matching outcomes")
        indexes = [models.Index(fields=["kind", "item_id"], name="outcome_item")]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id}: {self.decision}"
