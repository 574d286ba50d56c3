"""Signals other apps listen to, so households need not know about them."""

from django.dispatch import Signal

# Sent with `household=` after any change to the records the programme's measures read: a
# reading, an activity, a member, the start or the end. Outcomes recompute that household.
records_changed = Signal()
