"""Administrators' forms: users, organisations, teams."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.core.forms import RecordsField
from pathways.core.roles import PROGRAMME_ROLES, Role
from pathways.organisations.models import Organisation, Team
from pathways.programmes.models import Programme


class UserForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and . - _ only, for example kay.advocate",
        error_messages={"required": "Enter a username"},
    )
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter a last name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address like name@example.gov.uk",
        },
    )
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Role.choices], error_messages={"required": "Choose a role"}
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose an organisation"},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("organisation").order_by("organisation__name", "name"),
        required=False,
        empty_label="No team",
    )
    programmes = RecordsField(
        queryset=Programme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for programme managers, evaluators and funders",
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            del self.fields["username"]

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "organisation": user.organisation_id,
            "team": user.team_id,
            "programmes": list(user.programmes.values_list("pk", flat=True)),
        }

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("There is already a user with this username")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organisation, team = data.get("organisation"), data.get("team")
        if (
            team is not None
            and organisation is not None
            and team.organisation_id != organisation.pk
        ):
            self.add_error(
                "team", f"{team.name} is a team of {team.organisation}, not of {organisation}"
            )
        if data.get("programmes") and data.get("role") not in PROGRAMME_ROLES:
            self.add_error(
                "programmes", "Only programme managers, evaluators and funders have programmes"
            )
        if (
            data.get("role") in (Role.ADVOCATE, Role.TEAM_MANAGER)
            and organisation
            and not organisation.local_authority_id
        ):
            self.add_error(
                "organisation",
                "Advocates and team managers must belong to an organisation with a local authority",
            )
        return data


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "type", "local_authority"]
        error_messages = {
            "name": {
                "required": "Enter the organisation's name",
                "unique": "There is already an organisation with this name",
            },
            "type": {"required": "Choose the type of organisation"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = LocalAuthority.objects.order_by("name")
        self.fields["local_authority"].empty_label = "None"
        self.fields[
            "local_authority"
        ].help_text = "The authority a council is, or the one a partner mainly works in"


class TeamForm(forms.Form):
    name = forms.CharField(
        label="Team name", max_length=200, error_messages={"required": "Enter the team's name"}
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Team.objects.filter(organisation=self.organisation, name__iexact=name).exists():
            raise forms.ValidationError(f"{self.organisation} already has a team called {name}")
        return name
