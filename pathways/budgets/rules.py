"""The budget's rules: a request, a spend within the programme's spending rules, who may decide.

Pure functions over the programme's spending rules (`programmes.spending_rules`) and plain
numbers (whole pence), so the pages, the API and the importer's in-memory checks all apply the
same rules.
"""

from __future__ import annotations

from pathways.accounts.models import User
from pathways.budgets.models import Category, Entry
from pathways.core.exceptions import RuleError
from pathways.core.money import pounds
from pathways.core.roles import Role
from pathways.households.models import Household
from pathways.programmes.spending_rules import SpendingRules

USED = [Entry.Kind.COMMITMENT, Entry.Kind.RELEASE, Entry.Kind.SPEND, Entry.Kind.REFUND]
SPENT = [Entry.Kind.SPEND, Entry.Kind.REFUND]


def check_request(category: str, amount: int) -> None:
    """A request names a budget category and an amount of more than nothing."""
    problems = {}
    if category not in Category.values:
        problems["category"] = "Choose what the money is for"
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        problems["amount"] = "Enter an amount more than £0.00"
    if problems:
        raise RuleError(problems)


def spend_problems(
    rules: SpendingRules, category: str, amount: int, *, used: int, available: int | None
) -> dict[str, str]:
    """What is wrong with spending `amount` on `category`, given what the household has used of
    that category (committed or spent) and, if it matters, what is available: an eligible cost,
    within the per-item cap, within the category's cap, never more than is available."""
    label = Category(category).label
    if category not in rules.categories:
        return {"category": f"{label} is not a cost this programme's budget pays for"}
    if rules.item_cap is not None and amount > rules.item_cap:
        return {"amount": f"One item can be at most {pounds(rules.item_cap)} on this programme"}
    cap = rules.category_caps.get(category)
    if cap is not None and used + amount > cap:
        return {
            "amount": f"{label} is capped at {pounds(cap)} a household; {pounds(max(0, cap - used))} is left"
        }
    if available is not None and amount > available:
        return {
            "amount": f"Only {pounds(available)} of the budget is available, not {pounds(amount)}"
        }
    return {}


def refund_problems(category: str, amount: int, *, spent: int) -> dict[str, str]:
    """A refund is never more than has been spent on that kind of cost."""
    if amount > spent:
        return {
            "amount": f"A refund cannot be more than has been spent on {Category(category).label.lower()} ({pounds(spent)})"
        }
    return {}


def may_approve(user: User, household: Household) -> bool:
    """The household's team manager, or a manager of its programme, decides on its budget."""
    role = getattr(user, "role", None)
    if role == Role.TEAM_MANAGER:
        return (
            household.organisation_id is not None
            and household.organisation_id == user.organisation_id
        )
    return role == Role.PROGRAMME_MANAGER and household.programme in user.programmes.all()
