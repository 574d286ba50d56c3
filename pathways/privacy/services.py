"""Recording and withdrawing the bases on which a person's data is held and shared, and asking
who may be included in an export for a purpose. Every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.households.models import Person
from pathways.privacy.models import LawfulBasis, ProcessingRecord, Purpose, SpecialCondition

# What a programme's privacy notice says, recorded for each person when they consent to it.
# Partner sharing is not here: it needs the person's own explicit agreement, recorded apart.
NOTICE_BASES = {
    Purpose.DELIVERY: (LawfulBasis.PUBLIC_TASK, SpecialCondition.EMPLOYMENT_SOCIAL_PROTECTION),
    Purpose.FUNDER: (LawfulBasis.PUBLIC_TASK, SpecialCondition.EMPLOYMENT_SOCIAL_PROTECTION),
    Purpose.EVALUATION: (LawfulBasis.PUBLIC_TASK, SpecialCondition.RESEARCH_STATISTICS),
}


def _actor(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def record(
    *,
    actor: Actor,
    person: Person,
    purpose: str,
    lawful_basis: str,
    special_condition: str,
    given_on: dt.date,
    notice_version: str | None = None,
) -> ProcessingRecord:
    """Record the basis for one purpose; refused while one is active for it (withdraw first)."""
    problems = {}
    if purpose not in Purpose.values:
        problems["purpose"] = "Choose a purpose"
    if lawful_basis not in LawfulBasis.values:
        problems["lawful_basis"] = "Choose the lawful basis"
    if special_condition not in SpecialCondition.values:
        problems["special_condition"] = "Choose the special category condition"
    if given_on > timezone.localdate():
        problems["given_on"] = "The date must be today or in the past"
    if purpose == Purpose.PARTNER and lawful_basis != LawfulBasis.CONSENT:
        problems["lawful_basis"] = "Sharing with partners needs the person's consent"
    if lawful_basis == LawfulBasis.CONSENT and special_condition not in (
        SpecialCondition.EXPLICIT_CONSENT,
        SpecialCondition.NONE,
    ):
        problems["special_condition"] = (
            "With consent as the basis, the condition is explicit consent"
        )
    if problems:
        raise RuleError(problems)
    try:
        with transaction.atomic():
            made = ProcessingRecord.objects.create(
                person=person,
                purpose=purpose,
                lawful_basis=lawful_basis,
                special_condition=special_condition,
                given_on=given_on,
                notice_version=notice_version or person.household.programme.privacy_notice_version,
                recorded_by=_actor(actor),
            )
    except IntegrityError:
        raise RuleError(
            {"purpose": "There is already an active record for this purpose: withdraw it first"}
        ) from None
    audit.record(
        actor=actor,
        verb=Verb.PERSON_BASIS_RECORDED,
        target=person,
        programme=person.household.programme,
        data={
            "purpose": purpose,
            "lawful_basis": lawful_basis,
            "special_condition": special_condition,
            "notice_version": made.notice_version,
        },
    )
    return made


def record_notice_bases(*, actor: Actor, person: Person, given_on: dt.date) -> None:
    """On consent to the privacy notice: the bases it states, where none is active yet."""
    active = set(person.processing_records.active().values_list("purpose", flat=True))
    for purpose, (basis, condition) in NOTICE_BASES.items():
        if purpose not in active:
            record(
                actor=actor,
                person=person,
                purpose=purpose,
                lawful_basis=basis,
                special_condition=condition,
                given_on=given_on,
            )


@transaction.atomic
def withdraw(
    *, actor: Actor, record: ProcessingRecord, reason: str, on: dt.date | None = None
) -> ProcessingRecord:
    """Consent withdrawn, or an objection upheld: from now on this purpose has no basis."""
    if not reason.strip():
        raise RuleError({"reason": "Say why: for example, withdrew consent by phone"})
    locked = ProcessingRecord.objects.select_for_update().get(pk=record.pk)
    if locked.withdrawn_at is not None:
        raise RuleError({"reason": "This has been withdrawn already"})
    locked.withdrawn_on = on or timezone.localdate()
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = _actor(actor)
    locked.withdrawal_reason = reason.strip()[:500]
    locked.save(update_fields=["withdrawn_on", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record(
        actor=actor,
        verb=Verb.PERSON_BASIS_WITHDRAWN,
        target=locked.person,
        programme=locked.person.household.programme,
        data={"purpose": locked.purpose, "on": locked.withdrawn_on.isoformat()},
    )
    return locked


def people_shared_for(purpose: str, people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """The people whose data may leave Pathways for `purpose`: those with an active record."""
    people = Person.objects.all() if people is None else people
    return people.filter(
        processing_records__purpose=purpose, processing_records__withdrawn_at__isnull=True
    )


@transaction.atomic
def record_subject_access(*, actor: Actor, person: Person, received_on: dt.date) -> Any:
    """A request for a copy of their data: recorded with its due date (the ICO's month)."""
    from pathways.privacy.models import SubjectAccessRequest
    from pathways.privacy.subject_access import due_date

    if received_on > timezone.localdate():
        raise RuleError({"received_on": "The date must be today or in the past"})
    made = SubjectAccessRequest.objects.create(
        person=person,
        received_on=received_on,
        due_on=due_date(received_on),
        recorded_by=_actor(actor),
    )
    audit.record(
        actor=actor,
        verb=Verb.PERSON_SUBJECT_ACCESS_REQUESTED,
        target=person,
        programme=person.household.programme,
        data={"received_on": received_on.isoformat(), "due_on": made.due_on.isoformat()},
    )
    return made


def record_extract(*, actor: Actor, programme: Any, made: Any) -> None:
    """Audit an evaluation extract (a `reporting.extract.Extract`): its project, people and coarsening."""
    audit.record(
        actor=actor,
        verb=Verb.EVALUATION_EXTRACTED,
        target=programme,
        programme=programme,
        data=made.described(),
    )
