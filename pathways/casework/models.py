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


class Goal(models.Model):
    """Something a person wants to change, tied to a point of their star."""

    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="goals")
    star_point = models.CharField(max_length=60, blank=True)  # a point code, e.g. "money"
    description = models.CharField(max_length=500)
    agreed_date = models.DateField()
    achieved_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "agreed_date", "id"]

    def __str__(self) -> str:
        return self.description


class Activity(models.Model):
    """An agreed activity on a person's action plan (activities.csv)."""

    class Type(models.TextChoices):
        COURSE = "course", "Course"
        WORK_RELATED = "work_related", "Work-related activity"
        VOLUNTEERING = "volunteering", "Volunteering"
        WORK_PLACEMENT = "work_placement", "Work placement"
        APPRENTICESHIP = "apprenticeship", "Apprenticeship"
        JOB_SEARCH = "job_search", "Job search"
        HEALTH = "health", "Health"
        MONEY_ADVICE = "money_advice", "Money advice"
        HOUSING = "housing", "Housing"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        DROPPED = "dropped", "Dropped"

    class Owner(models.TextChoices):
        PARTICIPANT = "participant", "The participant"
        ADVOCATE = "advocate", "The advocate"
        OTHER = "other", "Someone else"

    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="activities"
    )
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    activity_type = models.CharField(max_length=16, choices=Type.choices)
    title = models.CharField(max_length=200, blank=True)
    star_point = models.CharField(max_length=60, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    owner = models.CharField(max_length=12, choices=Owner.choices, default=Owner.PARTICIPANT)
    agreed_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True)  # an imported row's key
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AGREED)
    completed_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "agreed_date", "id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["status", "due_date"], name="activity_due_idx")]

    def __str__(self) -> str:
        return self.title or self.get_activity_type_display()

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.AGREED, self.Status.IN_PROGRESS)


class ServiceType(models.TextChoices):
    """The kinds of service a person is referred on to (referrals_out.csv)."""

    JOBCENTRE_PLUS = "jobcentre_plus", "Jobcentre Plus"
    NHS_MENTAL_HEALTH = "nhs_mental_health", "NHS mental health"
    NHS_OTHER = "nhs_other", "NHS (other)"
    DEBT_ADVICE = "debt_advice", "Debt advice"
    COUNSELLING = "counselling", "Counselling"
    HOUSING = "housing", "Housing"
    TRAINING_PROVIDER = "training_provider", "Training provider"
    CHILDCARE = "childcare", "Childcare"
    DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol support"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse support"
    OTHER = "other", "Other"


class Service(models.Model):
    """A local service in the directory that managers keep and advocates refer people to."""

    organisation = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    description = models.TextField(blank=True)
    needs = models.JSONField(default=list, blank=True)  # support need codes it helps with
    local_authorities = models.ManyToManyField("areas.LocalAuthority", related_name="services")
    how_to_refer = models.TextField(blank=True)
    contact = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class OnwardReferral(models.Model):
    """A person referred on to another service (referrals_out.csv)."""

    class Status(models.TextChoices):
        MADE = "made", "Made"
        ACCEPTED = "accepted", "Accepted"
        ATTENDED = "attended", "Attended"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="onward_referrals"
    )
    date = models.DateField()
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MADE)
    reference = models.CharField(max_length=60, blank=True)  # an imported row's key
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} referral of {self.person} on {self.date}"


class Appointment(models.Model):
    """A planned meeting with a household; attended ones count as contacts."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="appointments"
    )
    person = models.ForeignKey(
        "households.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=Contact.Method.choices)
    place = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(max_length=16, choices=Attendance.choices, blank=True)
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="appointment"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["advocate", "starts_at"], name="appointment_diary_idx")]

    def __str__(self) -> str:
        return (
            f"{self.get_method_display()} with {self.household} at {self.starts_at:%Y-%m-%d %H:%M}"
        )


class ExitStep(models.Model):
    """A step of a household's exit plan: support ends in phases, with onward provision."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="exit_steps"
    )
    description = models.CharField(max_length=300)
    onward_provision = models.CharField(max_length=200, blank=True)
    due_date = models.DateField()
    done_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["household", "due_date", "id"]

    def __str__(self) -> str:
        return self.description
