"""Spells of work and outcomes over the API: the same scope, rules and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.accounts.stepup import needs_step_up
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields, refused
from pathways.core.exceptions import RuleError
from pathways.core.roles import CASEWORK_ROLES
from pathways.households.models import Person
from pathways.households.selectors import people_visible_to
from pathways.outcomes import spells, verification
from pathways.outcomes.models import EmploymentSpell, Evidence, Outcome, OutcomeEvidence
from pathways.outcomes.selectors import outcomes_visible_to


class SpellSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    evidence = serializers.ChoiceField(choices=Evidence.choices, required=False, allow_blank=True)

    class Meta:
        model = EmploymentSpell
        fields = [
            "id",
            "person",
            "employer",
            "job_title",
            "start_date",
            "end_date",
            "hours_per_week",
            "self_employed",
            "evidence",
        ]
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = people_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # A spell stays with its person: correcting it cannot move it to someone else.
            self.fields["person"].read_only = True


class SpellViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Spells of paid work of the people the caller may see. PATCH corrects a spell; outcomes
    are worked out again either way."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = SpellSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return EmploymentSpell.objects.filter(
            person__in=people_visible_to(self.request.user)
        ).order_by("id")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        try:
            serializer.instance = spells.record_spell(
                actor=self.request.user, person=person, **data
            )
        except RuleError as error:
            raise refused(error) from None

    def perform_update(self, serializer: Any) -> None:
        try:
            serializer.instance = spells.correct_spell(
                actor=self.request.user, spell=serializer.instance, **serializer.validated_data
            )
        except RuleError as error:
            raise refused(error) from None


class OutcomeSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)

    evidence = serializers.ChoiceField(
        choices=OutcomeEvidence.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until recorded",
    )

    class Meta:
        model = Outcome
        fields = [
            "id",
            "programme",
            "household",
            "person",
            "kind",
            "status",
            "achieved_on",
            "quantity",
            "why",
            "basis",
            "evidence",
            "evidence_note",
            "evidenced_at",
            "verified_at",
            "withdrawn_at",
            "withdrawn_reason",
            "reversal_due",
        ]
        read_only_fields = fields


class EvidenceSerializer(RefusesUnknownFields, serializers.Serializer):
    evidence = serializers.ChoiceField(
        choices=OutcomeEvidence.choices,
        help_text="What fits the outcome: payslip, employer_letter, self_declaration or hmrc for "
        "work; star_readings for the star measures; activity_record for an activity; or other",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Outcomes of the people the caller may see, with why (the records they rest on).
    Filter with ?programme=CODE&kind=…&status=…. Outcomes are found by the rules, never
    written; POST …/evidence/ and …/verify/ move them on."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = OutcomeSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        outcomes = outcomes_visible_to(self.request.user).select_related("programme")
        for name, lookup in (
            ("programme", "programme__code"),
            ("kind", "kind"),
            ("status", "status"),
        ):
            value = self.request.query_params.get(name)
            if value:
                outcomes = outcomes.filter(**{lookup: value})
        return outcomes.order_by("id")

    @extend_schema(request=EvidenceSerializer, responses=OutcomeSerializer)
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        outcome = self.get_object()
        serializer = EvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            outcome = verification.record_evidence(
                actor=request.user, outcome=outcome, **serializer.validated_data
            )
        except RuleError as error:
            raise refused(error) from None
        return Response(OutcomeSerializer(outcome).data)

    @extend_schema(request=None, responses=OutcomeSerializer)
    @action(detail=True, methods=["post"])
    @needs_step_up
    def verify(self, request: Request, pk: str | None = None) -> Response:
        outcome = self.get_object()
        try:
            outcome = verification.verify(actor=request.user, outcome=outcome)
        except RuleError as error:
            raise refused(error) from None
        return Response(OutcomeSerializer(outcome).data)
