"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent with `programme=`, `before=` and `after=` (the definitions) when a programme changes.
programme_changed = Signal()
