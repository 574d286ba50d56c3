"""Importing an instrument definition (TOML), for programme managers."""

from __future__ import annotations

import tomllib

from django import forms

MAX_BYTES = 200_000


class InstrumentImportForm(forms.Form):
    definition = forms.FileField(
        label="Instrument definition (a .toml file)",
        help_text="The same shape as Pathways' own Progress Star: code, name, scale, stages and 5 to 10 points",
        error_messages={"required": "Choose a definition file"},
    )

    def clean_definition(self) -> dict:
        upload = self.cleaned_data["definition"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 200 KB")
        try:
            return tomllib.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be UTF-8 text") from None
        except tomllib.TOMLDecodeError as error:
            raise forms.ValidationError(f"The file is not valid TOML: {error}") from None
