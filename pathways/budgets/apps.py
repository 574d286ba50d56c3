from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "pathways.budgets"
    label = "budgets"

    def ready(self) -> None:
        from pathways.budgets import receivers  # noqa: F401  (a budget on the start)
