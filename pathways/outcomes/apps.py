from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "pathways.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from pathways.outcomes import receivers  # noqa: F401  (recompute when records change)
