"""The exceptions every app's rules and services raise."""

from __future__ import annotations

from collections.abc import Mapping


class RuleError(ValueError):
    """A fact that breaks a rule; `problems` maps each field to a message for the user."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


# An edit refused because the record was saved by someone else since the form was opened.
EDIT_CONFLICT = (
    "Someone else saved changes to these details after you opened this page, so yours have "
    "not been saved"
)
