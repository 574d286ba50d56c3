"""Employment spells, the outcomes the programme's rules find in the records, claims to funders
and payments to participants.

Outcomes are worked out by `outcomes.engine.recompute_household` from the records (spells,
readings, activities) using the pure rules in `outcomes.rules`; people never type them in. They
move from achieved to evidenced to verified; one that no longer holds is withdrawn (and, if it
was claimed, flagged for a reversal in the next claim).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Evidence(models.TextChoices):
    """employment.csv evidence codes."""

    PAYSLIP = "payslip", "Payslip"
    EMPLOYER_LETTER = "employer_letter", "Letter from the employer"
    SELF_DECLARATION = "self_declaration", "Self-declaration"
    HMRC = "hmrc", "HMRC record"
    OTHER = "other", "Other"


class OutcomeEvidence(models.TextChoices):
    """What is seen or held for an outcome: the work evidence of employment.csv for a job or
    sustained outcome, the star readings for the star measures, the activity's own record for a
    completed activity (Outcome.evidence_choices says which fits which)."""

    PAYSLIP = Evidence.PAYSLIP.value, Evidence.PAYSLIP.label
    EMPLOYER_LETTER = Evidence.EMPLOYER_LETTER.value, Evidence.EMPLOYER_LETTER.label
    SELF_DECLARATION = Evidence.SELF_DECLARATION.value, Evidence.SELF_DECLARATION.label
    HMRC = Evidence.HMRC.value, Evidence.HMRC.label
    STAR_READINGS = "star_readings", "The star readings, agreed with the participant"
    ACTIVITY_RECORD = "activity_record", "The activity's record (attendance, a certificate)"
    OTHER = Evidence.OTHER.value, Evidence.OTHER.label


class EmploymentSpell(models.Model):
    """A spell of paid work at one number of hours a week, after (or before) the person started.

    A change of hours is a new spell: the old one ends the day before.
    """

    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="employment_spells"
    )
    employer = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)  # the last day worked; empty = in work
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2)
    self_employed = models.BooleanField(default=False)
    evidence = models.CharField(max_length=20, choices=Evidence.choices, blank=True)
    reference = models.CharField(max_length=60, blank=True)  # an imported row's key
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="spell_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gt=0) & models.Q(hours_per_week__lte=168),
                name="spell_hours_in_a_week",
            ),
        ]

    def __str__(self) -> str:
        where = self.employer or ("self-employed" if self.self_employed else "work")
        until = f" to {self.end_date:%-d %b %Y}" if self.end_date else ""
        return (
            f"{where}, {self.hours_per_week:g} hours a week from {self.start_date:%-d %b %Y}{until}"
        )


class Outcome(models.Model):
    """One outcome of one participant, found by the rules; at most one of each kind a person."""

    class Kind(models.TextChoices):
        COMPLETED_ACTIVITY = "completed_activity", "Completed an agreed activity"
        SIGNIFICANT_IMPROVEMENT = "significant_improvement", "Significant improvement"
        PROGRESS = "progress", "Progress measures"
        JOB_OUTCOME = "job_outcome", "Job outcome"
        SUSTAINED_13 = "sustained_13", "Sustained in work 13 weeks"
        SUSTAINED_26 = "sustained_26", "Sustained in work 26 weeks"

    class Status(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        EVIDENCED = "evidenced", "Evidenced"
        VERIFIED = "verified", "Verified"
        WITHDRAWN = "withdrawn", "Withdrawn"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="outcomes"
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="outcomes"
    )
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="outcomes"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACHIEVED)
    achieved_on = models.DateField()
    quantity = models.PositiveSmallIntegerField(default=1)  # progress measures: points
    # Why: the rule's words and the records it rests on ({"spells": [...], "readings": [...],
    # "activities": [...]}), so a user can see them.
    why = models.CharField(max_length=500)
    basis = models.JSONField(default=dict)
    detail = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=32, blank=True)  # of the fields above
    first_found_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    evidence = models.CharField(max_length=20, choices=OutcomeEvidence.choices, blank=True)
    evidence_note = models.CharField(max_length=500, blank=True)
    evidenced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidenced_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    # Withdrawn after it was claimed: the next claim must carry a reversal.
    reversal_due = models.BooleanField(default=False)

    class Meta:
        ordering = ["-achieved_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="outcome_once_per_person")
        ]
        indexes = [
            models.Index(fields=["programme", "kind", "status"], name="outcome_programme_idx"),
            models.Index(fields=["programme", "achieved_on"], name="outcome_achieved_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person} on {self.achieved_on:%-d %b %Y}"

    def evidence_choices(self) -> list[tuple[str, str]]:
        """The evidence that fits this kind of outcome (no payslip for a star reading)."""
        return [(code, OutcomeEvidence(code).label) for code in EVIDENCE_FOR[self.kind]]


_WORK_EVIDENCE = (
    OutcomeEvidence.PAYSLIP,
    OutcomeEvidence.EMPLOYER_LETTER,
    OutcomeEvidence.SELF_DECLARATION,
    OutcomeEvidence.HMRC,
    OutcomeEvidence.OTHER,
)
_STAR_EVIDENCE = (OutcomeEvidence.STAR_READINGS, OutcomeEvidence.OTHER)
# The evidence offered (and accepted) for each kind of outcome.
EVIDENCE_FOR: dict[str, tuple[str, ...]] = {
    Outcome.Kind.JOB_OUTCOME: _WORK_EVIDENCE,
    Outcome.Kind.SUSTAINED_13: _WORK_EVIDENCE,
    Outcome.Kind.SUSTAINED_26: _WORK_EVIDENCE,
    Outcome.Kind.SIGNIFICANT_IMPROVEMENT: _STAR_EVIDENCE,
    Outcome.Kind.PROGRESS: _STAR_EVIDENCE,
    Outcome.Kind.COMPLETED_ACTIVITY: (OutcomeEvidence.ACTIVITY_RECORD, OutcomeEvidence.OTHER),
}
# The statuses of an outcome that holds (not withdrawn).
ACTIVE = [Outcome.Status.ACHIEVED, Outcome.Status.EVIDENCED, Outcome.Status.VERIFIED]


class Claim(models.Model):
    """A batch of verified outcomes claimed from one funder for one period. Once made, its lines
    never change; corrections go in a later claim as reversals."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="claims"
    )
    funder = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"Claim {self.pk} to {self.funder}, {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"


class ClaimLine(models.Model):
    """An outcome in a claim (or its reversal). In each round an outcome is claimed at most once
    and reversed at most once: the database refuses a second line of either."""

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claim"
        REVERSAL = "reversal", "Reversal"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="lines")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="claim_lines")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CLAIM)
    # The round: 1 for the first claim of an outcome and its reversal; 2 if it is claimed again
    # after being reversed (it held again), and so on.
    cycle = models.PositiveSmallIntegerField(default=1)
    amount_pence = models.IntegerField(default=0)  # a reversal is negative
    verified_on = models.DateField(null=True, blank=True)  # as claimed

    class Meta:
        ordering = ["claim", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "kind", "cycle"], name="outcome_claimed_once_a_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.outcome}"


class ParticipantPayment(models.Model):
    """A payment to a participant for an outcome (WIN: £500 at 13 weeks, £750 at 26), paid once."""

    outcome = models.OneToOneField(
        Outcome, on_delete=models.PROTECT, related_name="participant_payment"
    )
    amount_pence = models.PositiveIntegerField()
    paid_on = models.DateField()
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Payment for {self.outcome}"


class DailyRecompute(models.Model):
    """A programme's outcomes were queued for their daily recompute on this day (open spells
    grow into job and sustained outcomes as days pass, with no record changing)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+"
    )
    on = models.DateField()
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "on"], name="daily_recompute_once")
        ]

    def __str__(self) -> str:
        return f"Daily recompute of {self.programme} on {self.on}"


class ReadingSpan(models.Model):
    """A participant's first and latest star readings as the outcome engine last read them
    (readings up to today, the programme's instrument), kept beside the outcomes it found.

    Derived, never typed: rewritten whenever the household's outcomes are recomputed. Reports
    over a whole programme read these instead of joining every score again; people with a
    reading after a report date are worked out from their readings (reporting/readings.py)."""

    person = models.OneToOneField(
        "households.Person", on_delete=models.CASCADE, related_name="reading_span"
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="+"
    )
    first_reading = models.ForeignKey(
        "assessments.Reading", on_delete=models.CASCADE, related_name="+"
    )
    latest_reading = models.ForeignKey(
        "assessments.Reading", on_delete=models.CASCADE, related_name="+"
    )
    first_date = models.DateField()
    latest_date = models.DateField()
    # Over the points both readings scored: how many went up, the total change, the largest
    # rise on one point (what significant improvement and progress measures read).
    points_up = models.PositiveSmallIntegerField(default=0)
    total_gain = models.SmallIntegerField(default=0)
    best_gain = models.SmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"readings of {self.first_date} and {self.latest_date}"


class PointChange(models.Model):
    """One scale point of a reading span: the first and latest scores (the worker's, else the
    participant's), where both readings scored it."""

    span = models.ForeignKey(ReadingSpan, on_delete=models.CASCADE, related_name="points")
    point = models.ForeignKey(
        "assessments.InstrumentPoint", on_delete=models.CASCADE, related_name="+"
    )
    first_value = models.SmallIntegerField()
    latest_value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["span", "point"], name="point_change_unique")
        ]

    def __str__(self) -> str:
        return f"{self.first_value} → {self.latest_value}"
