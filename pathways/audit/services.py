"""Writing to the audit log. Every service that touches case data calls `record`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from pathways.audit.context import current_ip
from pathways.audit.models import AuditEvent
from pathways.audit.verbs import Verb
from pathways.core import reads

# Records whose names are staff's, organisations' or programmes': their own words are a fine label.
NAMED_BY_THEMSELVES = {"accounts", "organisations", "programmes", "areas"}


def label_of(target: models.Model) -> str:
    """What the log calls a record. A participant's record is called by its kind and number
    (and household reference), never by what it says: the log outlives retention, which
    anonymises names and notes, so it must not hold them."""
    if target._meta.app_label in NAMED_BY_THEMSELVES:
        return str(target)[:200]
    household = getattr(target, "household", None) if hasattr(target, "household_id") else None
    label = f"{target._meta.verbose_name} {target.pk}"
    if target._meta.label_lower == "households.household":
        return target.reference
    return f"{label} of {household.reference}" if household is not None else label


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    verb: Verb,
    target: models.Model | None = None,
    programme: Any = None,
    data: dict | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one event: who (`actor`), what (`verb`, `data`), to which record (`target`)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    reads.note_audited()
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "system"),
        verb=Verb(verb),  # a verb not in the list is refused (ValueError)
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label
        if target_label is not None
        else (label_of(target) if target else ""),
        programme=programme,
        data=data or {},
        ip_address=current_ip.get(),
    )


def changes(before: dict, after: dict) -> dict:
    """The fields that differ, as {"field": {"before": …, "after": …}}."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record_refusal(request: Any, *, reason: str) -> AuditEvent:
    """A request refused (403): who asked for what, by method and path; never the query string
    or the body, which may hold what they typed."""
    user = getattr(request, "user", None)
    return record(
        actor=user,
        verb=Verb.ACCESS_REFUSED,
        target_label=request.path[:200],
        data={"method": request.method, "reason": reason},
    )
