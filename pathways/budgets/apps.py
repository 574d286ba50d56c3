from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "pathways.budgets"
    label = "budgets"
