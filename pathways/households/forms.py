"""Forms for households and people (the referral forms are in referral_forms). They check
what a form can check (codes, dates, required fields) and ask `rules` the rest, so the API
and forms agree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.core.exceptions import RuleError
from pathways.core.forms import DateField
from pathways.core.postcodes import clean_postcode
from pathways.households import rules, writing
from pathways.households.codes import (
    AgeBand,
    Benefit,
    Ethnicity,
    ExitReason,
    Gender,
    MemberRole,
    Qualification,
    SupportNeed,
    TimeSinceWork,
    WorkStatus,
)
from pathways.households.models import Eligibility, Household


def choices_of(codes: Any, blank: str = "Not known") -> list[tuple[str, str]]:
    return [("", blank), *codes.choices]


def local_authority_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=LocalAuthority.objects.order_by("name"),
        label="Local authority",
        empty_label="Choose the local authority",
        error_messages={"required": "Choose the local authority the household lives in"},
        **kwargs,
    )


class PostcodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Postcode")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            return clean_postcode(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class AddressFields(forms.Form):
    address_line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter the first line of the address"},
    )
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False
    )
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = PostcodeField(error_messages={"required": "Enter the postcode"})
    local_authority = local_authority_field()


def version_field() -> forms.IntegerField:
    """The version of the record the form was opened at (see core.exceptions.EDIT_CONFLICT)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class HouseholdForm(forms.ModelForm):
    postcode = PostcodeField(required=False)
    local_authority = local_authority_field()
    version = version_field()

    class Meta:
        model = Household
        fields = [
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "local_authority",
            "lsoa",
            "tenure",
            "landlord",
            "income_band",
            "debt_band",
        ]
        labels = {
            "address_line_1": "Address line 1",
            "address_line_2": "Address line 2 (optional)",
            "town": "Town or city (optional)",
            "lsoa": "LSOA code (optional)",
            "tenure": "Tenure",
            "landlord": "Landlord (optional)",
            "income_band": "Household income",
            "debt_band": "Household debt",
        }
        help_texts = {"landlord": "For example, the housing association's name"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("tenure", "income_band", "debt_band"):
            self.fields[name].choices = [("", "Not known"), *self.fields[name].choices[1:]]

    def clean_lsoa(self) -> str:
        value = self.cleaned_data["lsoa"].strip().upper()
        if value and not rules.LSOA_PATTERN.match(value):
            raise forms.ValidationError("Enter an LSOA code like E01006512, or leave it empty")
        return value


class PersonForm(forms.Form):
    """Every fact about a person (people.csv), for adding or changing a member."""

    version = version_field()

    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter their first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter their last name"}
    )
    role = forms.ChoiceField(
        label="Role in the household",
        choices=MemberRole.choices,
        error_messages={"required": "Choose their role in the household"},
    )
    date_of_birth = DateField(
        label="Date of birth",
        what="the date of birth",
        required=False,
        help_text="For example, 27 3 1985",
    )
    age_band = forms.ChoiceField(
        label="Age band (if the date of birth is not known)",
        choices=choices_of(AgeBand),
        required=False,
    )
    participant = forms.TypedChoiceField(
        label="Is this person supported by the programme?",
        choices=[("", "Adults yes, children no"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        help_text="A child never takes part. Someone aged 16 or over who takes part is recorded "
        "as an adult.",
    )
    gender = forms.ChoiceField(label="Gender", choices=choices_of(Gender), required=False)
    ethnicity = forms.ChoiceField(
        label="Ethnic group", choices=choices_of(Ethnicity), required=False
    )
    work_status = forms.ChoiceField(label="Work", choices=choices_of(WorkStatus), required=False)
    time_since_work = forms.ChoiceField(
        label="Time since last paid work", choices=choices_of(TimeSinceWork), required=False
    )
    qualification = forms.ChoiceField(
        label="Highest qualification", choices=choices_of(Qualification), required=False
    )
    benefits = forms.MultipleChoiceField(
        label="Benefits",
        choices=Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    support_needs = forms.MultipleChoiceField(
        label="Support needs they told you about",
        choices=SupportNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    joined_on = DateField(
        label="Date they joined the household (optional)",
        what="the date they joined",
        required=False,
    )
    left_on = DateField(
        label="Date they left the household",
        what="the date they left",
        required=False,
        help_text="Only if they have left",
    )

    def clean_benefits(self) -> list[str]:
        value = self.cleaned_data["benefits"]
        if Benefit.NONE in value and len(value) > 1:
            raise forms.ValidationError("Choose 'None', or the benefits they claim, not both")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, message in rules.check_person(data, today=timezone.localdate()).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    @staticmethod
    def initial_for(person: Any) -> dict[str, Any]:
        initial = {name: getattr(person, name) for name in writing.PERSON_FIELDS}
        initial["version"] = person.version
        initial["participant"] = {True: "yes", False: "no"}.get(person.participant, "")
        return initial


class ConsentForm(forms.Form):
    given_on = DateField(
        label="Date they consented",
        what="the date they consented",
        help_text="For example, 3 4 2026",
    )
    confirmed = forms.BooleanField(
        label="They have read (or been read) the privacy notice and agree to it",
        error_messages={"required": "Confirm that they agree to the privacy notice"},
    )


class EligibilityOverrideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (Eligibility.ELIGIBLE, "Eligible"),
            (Eligibility.NOT_ELIGIBLE, "Not eligible"),
            ("", "Remove my decision: let the rule decide"),
        ],
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the decision"},
    )


class EnrolForm(forms.Form):
    start_date = DateField(
        label="Start date",
        what="the start date",
        help_text="The day they agreed to start, for example 3 4 2026",
    )
    advocate = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Employment Advocate",
        empty_label="Choose an advocate",
        error_messages={"required": "Choose the advocate"},
    )

    def __init__(self, *args: Any, advocates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = advocates


class CloseReferralForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[
            (Household.Status.DECLINED, "Declined (not taken on)"),
            (Household.Status.NOT_CONTACTED, "Could not contact"),
        ],
        error_messages={"required": "Choose what happened"},
    )
    on = DateField(label="Date", what="the date")
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )


class EndSupportForm(forms.Form):
    end_date = DateField(label="Last day of support", what="the last day of support")
    exit_reason = forms.ChoiceField(
        label="Why did support end?",
        choices=ExitReason.choices,
        error_messages={"required": "Choose why support ended"},
    )


class ReassignForm(forms.Form):
    advocate = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="New advocate",
        empty_label="Choose an advocate",
        error_messages={"required": "Choose the new advocate"},
    )
    note = forms.CharField(
        label="Note to the new advocate",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What they need to know to pick up the household",
        error_messages={"required": "Write a note to the new advocate"},
    )

    def __init__(self, *args: Any, advocates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = advocates


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a household or person",
        max_length=100,
        help_text="A name, reference, postcode or date of birth (like 27/3/1985)",
        error_messages={"required": "Enter a name, reference, postcode or date of birth"},
    )


__all__ = ["RuleError"]
