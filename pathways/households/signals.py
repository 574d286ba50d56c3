"""Signals other apps listen to, so households need not know about them.

Receivers run synchronously, inside the transaction of the change that sends the signal: an
error in one undoes the whole change."""

from django.dispatch import Signal

# Sent with `household=` after any change to the records the programme's measures read: a
# reading, an activity, a member, the start or the end. Outcomes recompute that household.
records_changed = Signal()

# Sent with `actor=`, `person=` and `given_on=` once a person's consent to the programme's
# privacy notice is recorded. Privacy records the lawful bases the notice states.
consent_recorded = Signal()

# Sent with `actor=`, `household=` and `on=` (the start date) once a referral is accepted and
# the household starts on the programme. Budgets give it the programme's budget.
household_started = Signal()
