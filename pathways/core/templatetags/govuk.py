"""Render Django form fields with GOV.UK Frontend classes and accessible descriptions."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

from pathways.core import money

register = template.Library()

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.FileInput: "govuk-file-upload",
}


@register.simple_tag
def govuk_widget(field: forms.BoundField, extra_class: str = "") -> SafeString:
    """The field's input with GOV.UK classes, its error state and aria-describedby."""
    widget = field.field.widget
    css = next((c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)), "govuk-input")
    classes = [css]
    if field.errors:
        classes.append(f"{css}--error")
    if extra_class:
        classes.append(extra_class)
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
    attrs = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def pence(value: int | None) -> str:
    """Whole pence as pounds: 100000 -> '£1,000.00'."""
    if value is None:
        return ""
    return money.pounds(int(value))


@register.filter
def field_kind(field: forms.BoundField) -> str:
    """Which GOV.UK component shows a field: date, checkboxes, radios, checkbox or input."""
    from pathways.core.forms import DateInput

    widget = field.field.widget
    if isinstance(widget, DateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """mapping[key] in a template ('' when missing)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
