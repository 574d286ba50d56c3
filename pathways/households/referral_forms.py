"""The referral forms: a referral recorded by staff (who referred, the address, each person)
and a self-referral from the public, and the choice to link to a household already known."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pathways.core.forms import DateField
from pathways.households import referrals, rules, writing
from pathways.households.codes import (
    AgeBand,
    MemberRole,
    ReferralSource,
    WorkStatus,
)
from pathways.households.forms import (
    AddressFields,
    choices_of,
)
from pathways.households.models import Household


class MemberRowForm(forms.Form):
    """One person on a referral: what eligibility needs. An empty row is ignored."""

    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    role = forms.ChoiceField(
        label="Role in the household", choices=choices_of(MemberRole, "Choose"), required=False
    )
    date_of_birth = DateField(
        label="Date of birth",
        what="the date of birth",
        required=False,
        help_text="For example, 27 3 1985",
    )
    work_status = forms.ChoiceField(label="Work", choices=choices_of(WorkStatus), required=False)

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
        return {k: self.cleaned_data.get(k, "") for k in referrals.REFERRAL_FIELDS}

    def household(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k, "") for k in writing.ADDRESS_FIELDS}


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
                label="Are they working?", choices=choices_of(WorkStatus, "Choose"), required=False
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
