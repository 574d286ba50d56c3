"""Forms for a person's action plan."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.areas.models import LocalAuthority
from pathways.casework.models import (
    Activity,
    Appointment,
    Contact,
    Goal,
    OnwardReferral,
    Service,
    ServiceType,
)
from pathways.core.forms import DateField, RecordsField
from pathways.households.codes import SupportNeed


def _point_choices(points: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "None"), *points]


class GoalForm(forms.Form):
    description = forms.CharField(
        label="The goal", max_length=500, error_messages={"required": "Describe the goal"}
    )
    star_point = forms.ChoiceField(label="Star point it serves", required=False)
    agreed_date = DateField(label="Date agreed", what="the date agreed")

    def __init__(self, *args: Any, points: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["star_point"].choices = _point_choices(points)


class ActivityForm(forms.Form):
    activity_type = forms.ChoiceField(
        label="Kind of activity",
        choices=Activity.Type.choices,
        error_messages={"required": "Choose the kind of activity"},
    )
    title = forms.CharField(
        label="What it is",
        max_length=200,
        required=False,
        help_text="For example, Money management course at the library",
    )
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(),
        label="Goal it serves (optional)",
        required=False,
        empty_label="None",
    )
    star_point = forms.ChoiceField(label="Star point it serves (optional)", required=False)
    hours = forms.DecimalField(
        label="Hours (optional)",
        required=False,
        min_value=0,
        max_value=2000,
        decimal_places=1,
        help_text="A course counts as a course of 5 hours or more only with its hours",
    )
    owner = forms.ChoiceField(label="Who does it", choices=Activity.Owner.choices)
    agreed_date = DateField(label="Date agreed", what="the date agreed")
    due_date = DateField(
        label="Date it is due (optional)", what="the date it is due", required=False
    )

    def __init__(
        self, *args: Any, points: list[tuple[str, str]], goals: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["star_point"].choices = _point_choices(points)
        self.fields["goal"].queryset = goals


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Activity.Status.choices)
    completed_date = DateField(
        label="Date completed",
        what="the date completed",
        required=False,
        help_text="Only if it is completed",
    )


class ServiceForm(forms.Form):
    organisation = forms.CharField(
        label="Organisation",
        max_length=200,
        error_messages={"required": "Enter the organisation's name"},
    )
    name = forms.CharField(
        label="Service", max_length=200, error_messages={"required": "Enter the service's name"}
    )
    service_type = forms.ChoiceField(
        label="Kind of service",
        choices=ServiceType.choices,
        error_messages={"required": "Choose the kind of service"},
    )
    description = forms.CharField(
        label="What it offers (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    needs = forms.MultipleChoiceField(
        label="Needs it helps with",
        choices=SupportNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    local_authorities = RecordsField(
        queryset=LocalAuthority.objects.filter(region="Liverpool City Region").order_by("name"),
        label="Local authorities it covers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one local authority it covers"},
    )
    how_to_refer = forms.CharField(
        label="How to refer", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contact = forms.CharField(
        label="Contact (phone, email or website)", max_length=300, required=False
    )


class DirectorySearchForm(forms.Form):
    need = forms.ChoiceField(
        label="Need", choices=[("", "Any need"), *SupportNeed.choices], required=False
    )
    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.filter(region="Liverpool City Region").order_by("name"),
        label="Area",
        empty_label="Any area",
        required=False,
    )
    service_type = forms.ChoiceField(
        label="Kind of service", choices=[("", "Any kind"), *ServiceType.choices], required=False
    )
    text = forms.CharField(label="Name or words", max_length=100, required=False)


class OnwardReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label="Service from the directory",
        required=False,
        empty_label="Not in the directory",
    )
    service_type = forms.ChoiceField(
        label="Kind of service (if not in the directory)",
        choices=[("", "Choose"), *ServiceType.choices],
        required=False,
    )
    organisation = forms.CharField(
        label="Organisation (if not in the directory)", max_length=200, required=False
    )
    date = DateField(label="Date of the referral", what="the date of the referral")
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("service") and not data.get("service_type"):
            self.add_error(
                "service", "Choose a service from the directory, or say what kind of service it is"
            )
        return data


class OnwardReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=OnwardReferral.Status.choices)


class AppointmentForm(forms.Form):
    date = DateField(label="Date", what="the date")
    time = forms.TimeField(
        label="Time",
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I.%M%p"],
        error_messages={"required": "Enter the time", "invalid": "Enter the time like 14:30"},
    )
    method = forms.ChoiceField(label="How you will meet", choices=Contact.Method.choices)
    place = forms.CharField(label="Where (optional)", max_length=200, required=False)
    purpose = forms.CharField(label="What for (optional)", max_length=200, required=False)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label="Did it happen?",
        choices=Appointment.Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they attended"},
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ExitStepForm(forms.Form):
    description = forms.CharField(
        label="Step",
        max_length=300,
        help_text="For example, Visits every fortnight instead of every week",
        error_messages={"required": "Describe the step"},
    )
    onward_provision = forms.CharField(
        label="Onward provision (optional)",
        max_length=200,
        required=False,
        help_text="Who supports them after this, for example the Jobcentre work coach",
    )
    due_date = DateField(label="By when", what="the date")


class ExitStepDoneForm(forms.Form):
    done_date = DateField(label="Date done", what="the date done")
