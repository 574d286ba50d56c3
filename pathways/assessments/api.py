"""Readings over the API: the same scope, rules and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.assessments import selectors, services
from pathways.assessments.models import Instrument, Reading
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields, refused
from pathways.core.exceptions import RuleError
from pathways.core.roles import CASEWORK_ROLES
from pathways.households.models import Person
from pathways.households.selectors import people_visible_to


class ScoreField(RefusesUnknownFields, serializers.Serializer):
    worker = serializers.IntegerField(required=False, allow_null=True)
    participant = serializers.IntegerField(required=False, allow_null=True)
    value = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The score used: the worker's, else theirs"
    )


class ScoresField(serializers.DictField):
    """Point code to scores: {worker, participant} in, {worker, participant, value} out."""

    def to_representation(self, scores: Any) -> dict[str, Any]:
        return {
            s.point.code: {"worker": s.worker, "participant": s.participant, "value": s.value}
            for s in scores.all()
        }


class ReadingSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=Instrument.objects.all(), required=False
    )
    scores = ScoresField(
        child=ScoreField(), help_text="Point code to {worker, participant} (and value, as read)"
    )

    class Meta:
        model = Reading
        fields = [
            "id",
            "person",
            "instrument",
            "date",
            "present",
            "scores",
            "superseded",
            "amends",
            "amendment_reason",
        ]
        read_only_fields = ["id", "superseded", "amends", "amendment_reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = people_visible_to(request.user)


def _scores(raw: dict[str, Any]) -> dict[str, tuple[int | None, int | None]]:
    return {code: (value.get("worker"), value.get("participant")) for code, value in raw.items()}


class CorrectionSerializer(RefusesUnknownFields, serializers.Serializer):
    scores = serializers.DictField(child=ScoreField())
    reason = serializers.CharField(max_length=500)
    date = serializers.DateField(required=False)


class ReadingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Star readings of the people the caller may see. A correction is a new reading."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = ReadingSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.readings_visible_to(self.request.user)
            .select_related("instrument")
            .prefetch_related("scores__point")
            .order_by("id")
        )

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return CorrectionSerializer if self.action == "correct" else ReadingSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReadingSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = data["person"]
        instrument = data.get("instrument") or selectors.instrument_for(person.household.programme)
        try:
            reading = services.record_reading(
                actor=request.user,
                person=person,
                instrument=instrument,
                date=data["date"],
                scores=_scores(data["scores"]),
                present=data.get("present", ""),
            )
        except RuleError as error:
            raise refused(error) from None
        return Response(
            ReadingSerializer(
                self.get_queryset().get(pk=reading.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CorrectionSerializer, responses={201: ReadingSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """Correct a reading: the original is kept, superseded."""
        reading = self.get_object()
        serializer = CorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            amended = services.amend_reading(
                actor=request.user,
                reading=reading,
                scores=_scores(serializer.validated_data["scores"]),
                reason=serializer.validated_data["reason"],
                date=serializer.validated_data.get("date"),
            )
        except RuleError as error:
            raise refused(error) from None
        return Response(
            ReadingSerializer(
                self.get_queryset().get(pk=amended.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )


__all__ = ["ReadingViewSet", "ValidationError"]
