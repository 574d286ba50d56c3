"""Households on a programme, the people in them, how they were referred and what happened.

A household moves from *referred* to *started* (enrolled with consent) to *ended*, or is
*declined* / *could not be contacted*. The fields follow households.csv and people.csv of the
exchange format; `codes.py` holds their code lists. Writes go through `services.py`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from pathways.households.codes import (
    ADULT_ROLES,
    AgeBand,
    DebtBand,
    Ethnicity,
    ExitReason,
    Gender,
    IncomeBand,
    MemberRole,
    Qualification,
    ReferralSource,
    Tenure,
    TimeSinceWork,
    WorkStatus,
)
from pathways.households.participation import takes_part


class Eligibility(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    UNKNOWN = "unknown", "Cannot tell yet"


class Household(models.Model):
    """A household on one programme, delivered by one organisation, with one advocate."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        STARTED = "started", "On the programme"
        DECLINED = "declined", "Declined"
        NOT_CONTACTED = "not_contacted", "Could not contact"
        ENDED = "ended", "Support ended"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="households"
    )
    reference = models.CharField(max_length=60)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REFERRED)
    local_authority = models.ForeignKey("areas.LocalAuthority", on_delete=models.PROTECT)
    # The organisation whose team works with the household: what a team manager sees. Empty
    # for a referral no delivery team has yet (outside the area, or not routed): it waits in
    # the programme team's triage queue.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    allocated_on = models.DateField(null=True, blank=True)
    # Kept up to date by the services that change what they summarise, so that the caseload
    # reads plain columns (see casework.due_dates):
    # the newest contact's date; the day the next star reading is due (the earliest over the
    # adults taking part); the earliest due date of an open activity.
    last_contact_on = models.DateField(null=True, blank=True)
    reading_due_on = models.DateField(null=True, blank=True)
    action_due_on = models.DateField(null=True, blank=True)

    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)  # "L36 9GD": checked and formatted
    postcode_key = models.CharField(max_length=7, blank=True, editable=False)  # "L369GD"
    lsoa = models.CharField(max_length=9, blank=True)

    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    referral_date = models.DateField(null=True, blank=True)

    eligibility = models.CharField(
        max_length=16, choices=Eligibility.choices, default=Eligibility.UNKNOWN
    )
    eligibility_reasons = models.JSONField(default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    eligibility_override = models.CharField(
        max_length=16,
        blank=True,
        choices=[(Eligibility.ELIGIBLE, "Eligible"), (Eligibility.NOT_ELIGIBLE, "Not eligible")],
    )
    eligibility_override_reason = models.CharField(max_length=500, blank=True)
    eligibility_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    eligibility_override_at = models.DateTimeField(null=True, blank=True)

    decision_date = models.DateField(null=True, blank=True)  # declined / could not contact
    decision_reason = models.CharField(max_length=500, blank=True)
    start_date = models.DateField(null=True, blank=True)
    support_end_date = models.DateField(null=True, blank=True)  # planned, from support length
    end_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=16, choices=ExitReason.choices, blank=True)

    income_band = models.CharField(max_length=10, choices=IncomeBand.choices, blank=True)
    debt_band = models.CharField(max_length=10, choices=DebtBand.choices, blank=True)
    tenure = models.CharField(max_length=16, choices=Tenure.choices, blank=True)
    landlord = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Raised by each edit of these details: a save from a form opened before another
    # person's save is told of the conflict instead of overwriting it.
    version = models.PositiveIntegerField(default=1)
    # When the retention period after it left ran out and its identifying data was removed
    # (privacy.retention); the figures stay.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], name="household_reference_unique"
            )
        ]
        indexes = [
            models.Index(fields=["advocate", "status"], name="household_caseload_idx"),
            models.Index(fields=["organisation", "status"], name="household_org_status_idx"),
            models.Index(fields=["programme", "status"], name="household_prog_status_idx"),
            models.Index(fields=["postcode_key"], name="household_postcode_idx"),
            models.Index(Upper("reference"), name="household_reference_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def effective_eligibility(self) -> str:
        """The manager's override when there is one, else the rule's answer."""
        return self.eligibility_override or self.eligibility

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REFERRED, self.Status.STARTED)


class Person(models.Model):
    """A member of a household (people.csv)."""

    Role = MemberRole

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    reference = models.CharField(max_length=60, blank=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    # Lower-case letters and digits only, for search and duplicate checks ("o'neil" -> "oneil").
    given_key = models.CharField(max_length=100, blank=True, editable=False)
    family_key = models.CharField(max_length=100, blank=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True)
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    # Empty: adults yes. A child never takes part (households.participation).
    participant = models.BooleanField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=16, choices=Ethnicity.choices, blank=True)
    work_status = models.CharField(max_length=16, choices=WorkStatus.choices, blank=True)
    time_since_work = models.CharField(max_length=8, choices=TimeSinceWork.choices, blank=True)
    benefits = models.JSONField(default=list, blank=True)
    qualification = models.CharField(max_length=16, choices=Qualification.choices, blank=True)
    support_needs = models.JSONField(default=list, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Raised by each edit of these details: a save from a form opened before another
    # person's save is told of the conflict instead of overwriting it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["household", "id"]
        indexes = [
            models.Index(fields=["family_key", "given_key"], name="person_name_idx"),
            models.Index(fields=["given_key"], name="person_given_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(fields=["reference"], name="person_reference_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_adult(self) -> bool:
        return self.role in ADULT_ROLES

    @property
    def is_participant(self) -> bool:
        """Takes part in the programme (households.participation.takes_part)."""
        return takes_part(self.role, self.participant)

    def is_member_on(self, day: dt.date) -> bool:
        joined = self.joined_on is None or self.joined_on <= day
        return joined and (self.left_on is None or self.left_on >= day)

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Referral(models.Model):
    """One referral of a household: who sent it, when and how. A household can be referred
    again (a duplicate linked instead of created); the first one fills its referral fields."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    date = models.DateField()
    referring_organisation = models.CharField(max_length=200, blank=True)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Self-referrals: a keyed hash of the sender's address, only for rate limiting.
    sender_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["household", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} referral of {self.household} on {self.date}"


class Consent(models.Model):
    """A person's consent to the programme's privacy notice: when, recorded by whom, which
    version of the notice. Needed for every adult participant before the household starts."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField()
    notice_version = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "-given_on", "-id"]

    def __str__(self) -> str:
        return f"Consent of {self.person} on {self.given_on} (notice {self.notice_version})"


class Allocation(models.Model):
    """A household given to an advocate: at enrolment, and on each reassignment, with the
    manager's note to the new advocate."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="allocations")
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    previous_advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocated_on = models.DateField()
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["household", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.household} to {self.advocate} on {self.allocated_on}"


class TimelineEntry(models.Model):
    """One thing that happened to a household, in words its advocate would use.

    The audit log says who touched which record; the timeline tells the household's story
    (referred, found eligible, consent, started, a member joined, reassigned…). Each entry
    carries the day it happened (`on`) as well as when it was written down (`at`).
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="timeline")
    on = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["household", "-on", "-at", "-id"]
        indexes = [models.Index(fields=["household", "on"], name="timeline_household_idx")]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.on} {self.summary}"
