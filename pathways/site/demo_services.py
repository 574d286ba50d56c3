"""The demo's directory of local services: invented ones, covering the six authorities."""

from __future__ import annotations

from pathways.areas.models import LocalAuthority
from pathways.casework.models import Service
from pathways.exchange.invented import DISTRICTS

# Invented local services for the directory.
DEMO_SERVICES = (
    (
        "Demo Money Advice",
        "Debt clinic",
        "debt_advice",
        ["mental_health", "parent"],
        "Phone the clinic on 0151 496 0000 (a number reserved for drama)",
    ),
    (
        "Demo Talking Therapies",
        "Low-mood and anxiety support",
        "nhs_mental_health",
        ["mental_health"],
        "Self-referral online, or the advocate completes the form with the person",
    ),
    (
        "Demo Homes",
        "Tenancy support",
        "housing",
        ["homeless"],
        "Email tenancy.support@demo.pathways.invalid",
    ),
    (
        "Demo Skills College",
        "Maths and English for adults",
        "training_provider",
        ["esol", "neet"],
        "Drop-in on Tuesdays, 10am to 12pm",
    ),
    (
        "Demo Family Hub",
        "Childcare and early years places",
        "childcare",
        ["parent", "lone_parent"],
        "Phone the hub; funded places for 2-year-olds",
    ),
    (
        "Demo Recovery Service",
        "Drug and alcohol support",
        "drug_alcohol",
        ["drug_misuse", "problem_drinking"],
        "Self-referral by phone, 24 hours",
    ),
)


def create_demo_services() -> None:
    """The demo directory: invented services covering the six authorities."""
    if Service.objects.exists():
        return
    authorities = list(LocalAuthority.objects.filter(code__in=DISTRICTS))
    for organisation, name, kind, needs, how in DEMO_SERVICES:
        service = Service.objects.create(
            organisation=organisation, name=name, service_type=kind, needs=needs, how_to_refer=how
        )
        service.local_authorities.set(authorities)
