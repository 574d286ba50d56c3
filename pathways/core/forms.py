"""Form fields and helpers shared by every app: the GOV.UK date input (day, month, year
boxes), and a service's refusal shown on the form's fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pathways.core.exceptions import RuleError


class DateInput(forms.MultiWidget):
    """Three boxes, as the GOV.UK date input pattern: Day, Month, Year."""

    template_name = "govuk/date_widget.html"

    def __init__(self, attrs: dict | None = None) -> None:
        # A list, not a dict: the boxes are name_0, name_1, name_2, and the error summary
        # links to name_0 (the day) as the GOV.UK pattern asks.
        widgets = [forms.TextInput(), forms.TextInput(), forms.TextInput()]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date from day, month and year boxes, with the GOV.UK messages for each mistake.

    `what` names the date in messages ("Enter the date of birth").
    """

    widget = DateInput

    def __init__(self, *, what: str = "the date", required: bool = True, **kwargs: Any) -> None:
        self.what = what
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(
            fields=fields,
            required=required,
            require_all_fields=False,
            error_messages={"required": f"Enter {what}", "incomplete": f"Enter {what}"},
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        subject = self.what.removeprefix("the ").capitalize()
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise forms.ValidationError(f"{subject} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{subject} must be a real date, in numbers")
        if len(year) != 4:
            raise forms.ValidationError(f"{subject} must have a 4-digit year, like 2007")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # 31 February; or a day of 20 digits
            raise forms.ValidationError(f"{subject} must be a real date") from None


class RecordsField(forms.ModelMultipleChoiceField):
    """Several records chosen by id, where an id that could not be one (not a whole number, or
    too big for the database, which SQLite would refuse with an error) is a plain "not one of
    the choices" rather than a crash."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value:
                text = str(pk).strip()
                if not (
                    text.isascii() and text.isdigit() and len(text) < 20 and 0 < int(text) < 2**63
                ):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


def apply_problems(form: forms.Form, problems: dict[str, str], prefix: str = "") -> None:
    """Put a service's RuleError messages on the form's fields (or above the form)."""
    for key, message in problems.items():
        name = key.removeprefix(prefix).split(".")[-1]
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if shown else None, message)


def carried_out(request: Any, form: forms.Form, change: Any) -> bool:
    """True when the form was posted, is valid and the service accepted the change; a
    service's refusal lands on the form's fields, and nothing was changed."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        change(form.cleaned_data)
    except RuleError as error:
        apply_problems(form, error.problems)
        return False
    return True


def refresh_version(form: forms.Form, record: Any) -> None:
    """After an edit conflict, the form carries the version now saved: the user has been told
    what changed, and saving again is their decision."""
    if form.is_bound and "version" in form.fields:
        form.data = form.data.copy()
        form.data["version"] = str(record.version)
