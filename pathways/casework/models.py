"""The advocate's work with a household. Contacts now; the casework issue adds readings,
action plans, onward referrals, appointments and exit plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Contact(models.Model):
    """A dated contact with a household (or one person in it), with a note."""

    class Method(models.TextChoices):
        HOME_VISIT = "home_visit", "Home visit"
        OFFICE = "office", "Office"
        OUTREACH = "outreach", "Outreach venue"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        VIDEO = "video", "Video call"

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="contacts"
    )
    person = models.ForeignKey(
        "households.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    date = models.DateField()
    method = models.CharField(max_length=16, choices=Method.choices)
    notes = models.TextField(blank=True)
    # A sensitive note is for the advocate and managers only (the casework issue widens roles).
    sensitive = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["household", "-date", "-id"]
        indexes = [models.Index(fields=["household", "date"], name="contact_household_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} with {self.household} on {self.date}"
