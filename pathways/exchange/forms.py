"""The upload and download forms of the data exchange pages."""

from __future__ import annotations

from typing import Any

from django import forms


class UploadForm(forms.Form):
    bundle = forms.FileField(
        label="The bundle (a .zip of the CSV files)",
        error_messages={"required": "Choose the .zip file of the bundle"},
    )
    dry_run = forms.BooleanField(
        label="Only check it: a trial run that changes nothing", required=False
    )


class DownloadForm(forms.Form):
    programme = forms.ChoiceField(
        label="Programme",
        error_messages={
            "required": "Choose the programme",
            "invalid_choice": "Choose a programme you work on",
        },
    )
    names = forms.BooleanField(
        label="Include names and the first line of addresses (only to move the programme to "
        "another system: an extract for analysis does not need them)",
        required=False,
    )

    def __init__(self, *args: Any, programmes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [(p.code, p.name) for p in programmes]
