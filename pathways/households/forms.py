"""Forms for referrals, households and people. They check what a form can check (codes,
dates, required fields) and ask `rules` the rest, so the API and forms agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.casework.models import Contact
from pathways.core.exceptions import RuleError
from pathways.core.forms import DateField
from pathways.households import rules, writing
from pathways.households.codes import (
    AgeBand,
    Benefit,
    Ethnicity,
    ExitReason,
    Gender,
    MemberRole,
    Qualification,
    ReferralSource,
    SupportNeed,
    TimeSinceWork,
    WorkStatus,
)
from pathways.households.models import Eligibility, Household


def _choices(codes: Any, blank: str = "Not known") -> list[tuple[str, str]]:
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
            return rules.clean_postcode(value)
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


class MemberRowForm(forms.Form):
    """One person on a referral: what eligibility needs. An empty row is ignored."""

    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    role = forms.ChoiceField(
        label="Role in the household", choices=_choices(MemberRole, "Choose"), required=False
    )
    date_of_birth = DateField(
        label="Date of birth",
        what="the date of birth",
        required=False,
        help_text="For example, 27 3 1985",
    )
    work_status = forms.ChoiceField(label="Work", choices=_choices(WorkStatus), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.has_content():
            return data
        if not data.get("given_name"):
            self.add_error("given_name", "Enter their first name")
        if not data.get("family_name"):
            self.add_error("family_name", "Enter their last name")
        if not data.get("role"):
            self.add_error("role", "Choose their role in the household")
        for name, message in rules.check_person(data, today=timezone.localdate()).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def has_content(self) -> bool:
        if not hasattr(self, "cleaned_data"):
            return False
        return any(self.cleaned_data.get(k) for k in ("given_name", "family_name", "date_of_birth"))


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        members = self.members()
        problem = rules.check_household_members(members)
        if problem:
            raise forms.ValidationError(problem)

    def members(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
            for form in self.forms
            if form.has_content()
        ]


MemberFormSet = forms.formset_factory(
    MemberRowForm, formset=BaseMemberFormSet, extra=0, min_num=2, max_num=10, absolute_max=10
)


class ReferralForm(AddressFields):
    """A referral recorded by staff."""

    source = forms.ChoiceField(
        label="How was the household referred?",
        choices=ReferralSource.choices,
        error_messages={"required": "Choose how the household was referred"},
    )
    date = DateField(
        label="Date the referral was received",
        what="the date the referral was received",
        help_text="For example, 3 4 2026",
    )
    referring_organisation = forms.CharField(
        label="Referring organisation (optional)", max_length=200, required=False
    )
    referrer_name = forms.CharField(
        label="Name of the person who referred them (optional)", max_length=200, required=False
    )
    referrer_contact = forms.CharField(
        label="Their phone number or email (optional)", max_length=200, required=False
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lsoa = forms.CharField(
        label="LSOA code (optional)",
        max_length=9,
        required=False,
        help_text="Needed only where a programme covers some neighbourhoods, like E01006512",
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"] = forms.ModelChoiceField(
            queryset=programmes,
            label="Programme",
            empty_label=None,
            error_messages={"required": "Choose the programme"},
        )
        self.order_fields(["programme", "source", "date"])

    def clean_date(self) -> dt.date:
        value = self.cleaned_data["date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                "The date the referral was received must be today or in the past"
            )
        return value

    def clean_lsoa(self) -> str:
        value = self.cleaned_data["lsoa"].strip().upper()
        if value and not rules.LSOA_PATTERN.match(value):
            raise forms.ValidationError("Enter an LSOA code like E01006512, or leave it empty")
        return value

    def referral(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k, "")
            for k in (
                "source",
                "date",
                "referring_organisation",
                "referrer_name",
                "referrer_contact",
                "notes",
            )
        }

    def household(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k, "")
            for k in (
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                "local_authority",
                "lsoa",
            )
        }


OTHER_ADULTS = 3


def age_band_for(age: int) -> str:
    """An age in years as the exchange format's band: 30 -> '26-35'."""
    for band in AgeBand.values:
        low, _, high = band.partition("-")
        if band.endswith("+") and age >= int(band[:-1]):
            return band
        if high and int(low) <= age <= int(high):
            return band
    return ""


class SelfReferralForm(AddressFields):
    """The public form: about the person referring themselves and the adults they live with."""

    given_name = forms.CharField(
        label="Your first name",
        max_length=100,
        error_messages={"required": "Enter your first name"},
    )
    family_name = forms.CharField(
        label="Your last name", max_length=100, error_messages={"required": "Enter your last name"}
    )
    date_of_birth = DateField(
        label="Your date of birth", what="your date of birth", help_text="For example, 27 3 1985"
    )
    work_status = forms.ChoiceField(
        label="Are you working?",
        choices=WorkStatus.choices,
        error_messages={"required": "Say whether you are working"},
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    # Spam protection: a field people never see (bots fill it in) and a signed start time.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, OTHER_ADULTS + 1):
            self.fields[f"adult_{n}_name"] = forms.CharField(
                label="Their name", max_length=200, required=False
            )
            self.fields[f"adult_{n}_age"] = forms.IntegerField(
                label="Their age",
                required=False,
                min_value=16,
                max_value=120,
                error_messages={
                    "min_value": "Only include adults: people aged 16 or over",
                    "max_value": "Enter their age in years",
                    "invalid": "Enter their age in years, like 42",
                },
            )
            self.fields[f"adult_{n}_work"] = forms.ChoiceField(
                label="Are they working?", choices=_choices(WorkStatus, "Choose"), required=False
            )

    def other_adults(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"adult_{n}_{part}"] for part in ("name", "age", "work")]
            for n in range(1, OTHER_ADULTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for n in range(1, OTHER_ADULTS + 1):
            if data.get(f"adult_{n}_name"):
                if data.get(f"adult_{n}_age") is None and f"adult_{n}_age" not in self.errors:
                    self.add_error(f"adult_{n}_age", "Enter their age")
                if not data.get(f"adult_{n}_work"):
                    self.add_error(f"adult_{n}_work", "Say whether they are working")
        return data

    def clean_date_of_birth(self) -> dt.date:
        value = self.cleaned_data["date_of_birth"]
        problems = rules.check_person(
            {"role": MemberRole.PRIMARY, "date_of_birth": value}, today=timezone.localdate()
        )
        if "date_of_birth" in problems:
            raise forms.ValidationError(
                problems["date_of_birth"].replace("This person is", "You are")
            )
        return value

    def household(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k, "")
            for k in ("address_line_1", "address_line_2", "town", "postcode", "local_authority")
        }

    def members(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        members = [
            {
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "role": MemberRole.PRIMARY,
                "date_of_birth": data["date_of_birth"],
                "work_status": data["work_status"],
                "phone": data.get("phone", ""),
                "email": data.get("email", ""),
                "age_band": "",
            }
        ]
        for n in range(1, OTHER_ADULTS + 1):
            name = data.get(f"adult_{n}_name", "").strip()
            if not name:
                continue
            given, _, family = name.partition(" ")
            members.append(
                {
                    "given_name": given,
                    "family_name": family or data["family_name"],
                    "role": MemberRole.ADULT,
                    "age_band": age_band_for(data[f"adult_{n}_age"]),
                    "work_status": data[f"adult_{n}_work"],
                }
            )
        return members


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What do you want to do?",
        error_messages={
            "required": "Choose whether to link the referral or record a new household"
        },
    )

    def __init__(self, *args: Any, households: list[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            *((str(h.pk), f"Add this referral to household {h.reference}") for h in households),
            ("new", "These are different people: record a new household"),
        ]


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
        choices=_choices(AgeBand),
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
    gender = forms.ChoiceField(label="Gender", choices=_choices(Gender), required=False)
    ethnicity = forms.ChoiceField(label="Ethnic group", choices=_choices(Ethnicity), required=False)
    work_status = forms.ChoiceField(label="Work", choices=_choices(WorkStatus), required=False)
    time_since_work = forms.ChoiceField(
        label="Time since last paid work", choices=_choices(TimeSinceWork), required=False
    )
    qualification = forms.ChoiceField(
        label="Highest qualification", choices=_choices(Qualification), required=False
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


class ContactForm(forms.Form):
    date = DateField(label="Date of the contact", what="the date of the contact")
    method = forms.ChoiceField(
        label="How",
        choices=Contact.Method.choices,
        error_messages={"required": "Choose how you were in contact"},
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    sensitive = forms.BooleanField(
        label="This note is sensitive (advocate and managers only)", required=False
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a household or person",
        max_length=100,
        help_text="A name, reference, postcode or date of birth (like 27/3/1985)",
        error_messages={"required": "Enter a name, reference, postcode or date of birth"},
    )


__all__ = ["RuleError"]
