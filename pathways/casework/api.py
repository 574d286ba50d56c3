"""Activities, onward referrals and contacts over the API: same scope, rules and services."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.casework import action_plans, onward_referrals, services
from pathways.casework.models import Activity, Contact, OnwardReferral, Service
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields, refused
from pathways.core.exceptions import RuleError
from pathways.core.roles import CASEWORK_ROLES
from pathways.households.models import Household, Person
from pathways.households.selectors import households_visible_to, people_visible_to


class _ScopedPerson(RefusesUnknownFields, serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    # What a PATCH may change; anything else sent to one is refused, not silently dropped.
    changeable: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "person" in self.fields:
            self.fields["person"].queryset = people_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name, field in self.fields.items():
                field.read_only = field.read_only or name not in self.changeable


class ActivitySerializer(_ScopedPerson):
    changeable = ("status", "completed_date")
    activity_type = serializers.ChoiceField(choices=Activity.Type.choices)
    status = serializers.ChoiceField(choices=Activity.Status.choices, required=False)

    class Meta:
        model = Activity
        fields = [
            "id",
            "person",
            "goal",
            "activity_type",
            "title",
            "star_point",
            "hours",
            "owner",
            "agreed_date",
            "due_date",
            "status",
            "completed_date",
        ]
        read_only_fields = ["id", "goal"]


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Agreed activities of the people the caller may see. PATCH moves the status on."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = ActivitySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Activity.objects.filter(person__in=people_visible_to(self.request.user)).order_by(
            "id"
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        person = data.pop("person")
        try:
            serializer.instance = action_plans.add_activity(
                actor=self.request.user, person=person, **data
            )
        except RuleError as error:
            raise refused(error) from None

    def perform_update(self, serializer: Any) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = action_plans.update_activity(
                actor=self.request.user,
                activity=serializer.instance,
                status=data.get("status", serializer.instance.status),
                completed_date=data.get("completed_date", serializer.instance.completed_date),
            )
        except RuleError as error:
            raise refused(error) from None


class OnwardReferralSerializer(_ScopedPerson):
    changeable = ("status",)
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(is_active=True), required=False, allow_null=True
    )
    service_type = serializers.ChoiceField(
        choices=OnwardReferral._meta.get_field("service_type").choices, required=False
    )
    status = serializers.ChoiceField(choices=OnwardReferral.Status.choices, required=False)

    class Meta:
        model = OnwardReferral
        fields = [
            "id",
            "person",
            "date",
            "service_type",
            "service",
            "organisation",
            "status",
            "notes",
        ]
        read_only_fields = ["id"]


class OnwardReferralViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals on to other services. PATCH changes the status."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = OnwardReferralSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return OnwardReferral.objects.filter(
            person__in=people_visible_to(self.request.user)
        ).order_by("id")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("status", None)
        try:
            serializer.instance = onward_referrals.record_onward_referral(
                actor=self.request.user, **data
            )
        except RuleError as error:
            raise refused(error) from None

    def perform_update(self, serializer: Any) -> None:
        try:
            serializer.instance = onward_referrals.update_onward_referral(
                actor=self.request.user,
                referral=serializer.instance,
                status=serializer.validated_data.get("status", serializer.instance.status),
            )
        except RuleError as error:
            raise refused(error) from None


class ContactSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True
    )
    method = serializers.ChoiceField(choices=Contact.Method.choices)
    note_hidden = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "household",
            "person",
            "date",
            "method",
            "notes",
            "sensitive",
            "note_hidden",
        ]
        read_only_fields = ["id", "note_hidden"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["household"].queryset = households_visible_to(request.user)
            self.fields["person"].queryset = people_visible_to(request.user)

    def get_note_hidden(self, contact: Contact) -> bool:
        return not services.may_read_note(self.context["request"].user, contact)

    def to_representation(self, contact: Contact) -> dict[str, Any]:
        data = super().to_representation(contact)
        if data["note_hidden"]:
            data["notes"] = ""
        return data


class ContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Contacts with the households the caller may see; sensitive notes only for those who may
    read them."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = ContactSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Contact.objects.filter(household__in=households_visible_to(self.request.user))
            .select_related("household")
            .order_by("id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            contact = services.record_contact(actor=request.user, **serializer.validated_data)
        except RuleError as error:
            raise refused(error) from None
        return Response(
            ContactSerializer(contact, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
