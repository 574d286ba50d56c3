"""What a user does, and the groups of roles that pages and rules name: one name for each group.

core.access decides which pages each role reaches; each app's selectors decide which records.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    """What a user does; access.py and selectors decide what each role may see."""

    ADVOCATE = "advocate", "Employment advocate"
    TEAM_MANAGER = "team_manager", "Team manager"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    EVALUATOR = "evaluator", "Evaluator"
    FUNDER = "funder", "Funder"
    ADMINISTRATOR = "administrator", "Administrator"


ALL_ROLES = frozenset(Role.values)
# Who works with case records: an advocate their caseload, managers their team or programme.
CASEWORK_ROLES = frozenset({Role.ADVOCATE, Role.TEAM_MANAGER, Role.PROGRAMME_MANAGER})
# A team manager or a programme manager: approvals, verification, imports, exact figures.
MANAGERS = (Role.TEAM_MANAGER, Role.PROGRAMME_MANAGER)
# Who reads the programme's reports: managers see exact figures, the others published ones.
REPORT_READERS = (Role.PROGRAMME_MANAGER, Role.TEAM_MANAGER, Role.FUNDER, Role.EVALUATOR)
# Who reaches records through the programmes they are linked to, not through an organisation.
PROGRAMME_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.EVALUATOR, Role.FUNDER})
# Who may see aggregates of a programme they are linked to, never an identifiable record.
AGGREGATE_ROLES = (Role.FUNDER, Role.EVALUATOR)
