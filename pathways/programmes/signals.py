"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent with `definition=` (the cleaned definition) before a programme is saved from it; a
# receiver refuses it by raising `DefinitionError`, and then nothing is saved.
definition_saving = Signal()

# Sent with `programme=`, `before=` and `after=` (the definitions) when a programme changes.
programme_changed = Signal()

# Sent by `pathways programmes load` inside its transaction, before it loads any definition, so
# that what the shipped definitions need is there first; each receiver returns the lines that say
# what it loaded.
programmes_loading = Signal()
