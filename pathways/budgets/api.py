"""The budget over the API: read the ledger and balance; request, decide and pay, with the
same scope, rules and locking as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.accounts.stepup import needs_step_up
from pathways.budgets import ledger, spend_requests
from pathways.budgets.models import Budget, Category, Entry, SpendRequest
from pathways.core.access import roles_access
from pathways.core.api import RefusesUnknownFields, refused
from pathways.core.exceptions import RuleError
from pathways.core.money import amount_text, parse_pounds
from pathways.core.roles import CASEWORK_ROLES
from pathways.households.selectors import households_visible_to


class EntrySerializer(RefusesUnknownFields, serializers.ModelSerializer):
    amount = serializers.SerializerMethodField(help_text="Exact pounds and pence, as text")

    class Meta:
        model = Entry
        fields = [
            "id",
            "kind",
            "amount_pence",
            "amount",
            "date",
            "category",
            "supplier",
            "description",
            "request",
        ]

    def get_amount(self, entry: Entry) -> str:
        return amount_text(entry.amount_pence)


class BudgetSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = ["id", "household", "balance"]

    def get_balance(self, budget: Budget) -> dict[str, str]:
        balance = ledger.balance(budget)
        return {
            name: amount_text(getattr(balance, name))
            for name in ("allocated", "committed", "spent", "available")
        }


class SpendRequestSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    household = serializers.IntegerField(source="budget.household_id", read_only=True)
    amount = serializers.CharField(write_only=True, help_text="Pounds and pence, like 300.00")
    category = serializers.ChoiceField(choices=Category.choices)

    class Meta:
        model = SpendRequest
        fields = [
            "id",
            "household",
            "category",
            "amount",
            "amount_pence",
            "supplier",
            "description",
            "status",
            "decision_reason",
        ]
        read_only_fields = ["id", "household", "amount_pence", "status", "decision_reason"]

    def validate_amount(self, value: str) -> int:
        try:
            return parse_pounds(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class NewRequestSerializer(SpendRequestSerializer):
    household = serializers.IntegerField(write_only=True)  # type: ignore[assignment]


class DecisionSerializer(RefusesUnknownFields, serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class BudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Budgets of the households the caller may see, with balances; `…/ledger/` lists every entry."""

    access = roles_access(CASEWORK_ROLES)
    serializer_class = BudgetSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Budget.objects.filter(
            household__in=households_visible_to(self.request.user)
        ).order_by("id")

    @extend_schema(responses=EntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request: Request, pk: str | None = None) -> Response:
        budget = self.get_object()
        page = self.paginate_queryset(budget.entries.order_by("date", "id"))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)


class SpendRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Spend requests: post to ask; `…/decide/` for managers; `…/pay/` once approved."""

    access = roles_access(CASEWORK_ROLES)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            SpendRequest.objects.filter(
                budget__household__in=households_visible_to(self.request.user)
            )
            .select_related("budget")
            .order_by("id")
        )

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action == "create":
            return NewRequestSerializer
        if self.action == "decide":
            return DecisionSerializer
        return SpendRequestSerializer

    @extend_schema(request=NewRequestSerializer, responses={201: SpendRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = NewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = households_visible_to(request.user).filter(pk=data["household"]).first()
        if household is None:
            raise serializers.ValidationError(
                {"household": ["No household you may see has this id"]}
            )
        try:
            made = spend_requests.request_spend(
                actor=request.user,
                household=household,
                category=data["category"],
                amount_pence=data["amount"],
                supplier=data.get("supplier", ""),
                description=data.get("description", ""),
            )
        except RuleError as error:
            raise refused(error) from None
        return Response(SpendRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=SpendRequestSerializer)
    @action(detail=True, methods=["post"])
    @needs_step_up
    def decide(self, request: Request, pk: str | None = None) -> Response:
        spend = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            if serializer.validated_data["decision"] == "approve":
                spend = spend_requests.approve(actor=request.user, request=spend)
            else:
                spend = spend_requests.reject(
                    actor=request.user, request=spend, reason=serializer.validated_data["reason"]
                )
        except RuleError as error:
            raise refused(error) from None
        return Response(SpendRequestSerializer(spend).data)

    @extend_schema(request=None, responses=SpendRequestSerializer)
    @action(detail=True, methods=["post"])
    @needs_step_up
    def pay(self, request: Request, pk: str | None = None) -> Response:
        spend = self.get_object()
        try:
            spend = spend_requests.pay(actor=request.user, request=spend)
        except RuleError as error:
            raise refused(error) from None
        return Response(SpendRequestSerializer(spend).data)
